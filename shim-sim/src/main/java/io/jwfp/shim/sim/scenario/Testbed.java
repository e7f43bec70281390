package io.jwfp.shim.sim.scenario;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.shim.sim.LinkOptions;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimInterface;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.SimProcess;
import io.jwfp.shim.sim.SimSwitch;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The acceptance scenarios' topologies (seed-samples §12.0) on the simulated network, with the same names and
 * addresses as the live harness's network namespaces:
 * <ul>
 *   <li><b>T2</b> ({@link #t2}): hosts {@code A} and {@code B} joined by one link ({@code a0}↔{@code b0});</li>
 *   <li><b>T3</b> ({@link #t3}): hosts {@code A}, {@code B} and {@code C}, each with one interface ({@code a0},
 *   {@code b0}, {@code c0}) on the learning switch {@code br0}.</li>
 * </ul>
 * Host <i>n</i> (1 = A) has 10.200.0.<i>n</i>/24 and fd00:200::<i>n</i>/64; there are no routes beyond the subnet.
 * Each host has a server process ({@code /usr/sbin/server}, pid 200) and a client process ({@code /usr/bin/client},
 * pid 100), both uid 1000, as in {@link Scenarios}.
 *
 * <p>Not thread-safe: like the network it builds, use it on one thread.
 */
public final class Testbed {
    private final SimNetwork net;
    private final List<SimHost> hosts = new ArrayList<>();
    private final SimSwitch bridge;

    private Testbed(SimNetwork net, SimSwitch bridge) {
        this.net = net;
        this.bridge = bridge;
    }

    /** T2 with seed 1 and an Ethernet link. */
    public static Testbed t2() {
        return t2(1, LinkOptions.DEFAULT);
    }

    /** T2: A and B on one link. */
    public static Testbed t2(long seed, LinkOptions link) {
        Testbed t = new Testbed(new SimNetwork(seed), null);
        SimInterface a0 = t.add("A", "a0", 1);
        SimInterface b0 = t.add("B", "b0", 2);
        t.net.link(a0, b0, link);
        return t;
    }

    /** T3 with seed 1 and an Ethernet switch. */
    public static Testbed t3() {
        return t3(1, LinkOptions.DEFAULT);
    }

    /** T3: A, B and C on the switch {@code br0}. */
    public static Testbed t3(long seed, LinkOptions link) {
        SimNetwork net = new SimNetwork(seed);
        Testbed t = new Testbed(net, net.addSwitch("br0", link));
        t.bridge.connect(t.add("A", "a0", 1));
        t.bridge.connect(t.add("B", "b0", 2));
        t.bridge.connect(t.add("C", "c0", 3));
        return t;
    }

    private SimInterface add(String name, String ifName, int n) {
        SimHost h = net.addHost(name);
        hosts.add(h);
        return h.addInterface(ifName, "10.200.0." + n + "/24", "fd00:200::" + n + "/64");
    }

    public SimNetwork network() {
        return net;
    }

    public SimHost a() {
        return hosts.get(0);
    }

    public SimHost b() {
        return hosts.get(1);
    }

    /** Host C (T3 only). */
    public SimHost c() {
        if (hosts.size() < 3) throw new IllegalStateException("T2 has no host C");
        return hosts.get(2);
    }

    /** The switch {@code br0} (T3 only). */
    public SimSwitch bridge() {
        if (bridge == null) throw new IllegalStateException("T2 has no switch");
        return bridge;
    }

    /** The host's address of a family: 10.200.0.n or fd00:200::n. */
    public static InetAddress address(SimHost h, IpVersion v) {
        return h.interfaces().get(1).address(v);
    }

    /** The host's address and a port. */
    public static InetSocketAddress at(SimHost h, IpVersion v, int port) {
        return new InetSocketAddress(address(h, v), port);
    }

    /** The host's Ethernet interface ({@code a0}, {@code b0}, {@code c0}). */
    public static SimInterface nic(SimHost h) {
        return h.interfaces().get(1);
    }

    /** The server process of a host (pid 200, {@code /usr/sbin/server}). */
    public static SimProcess server(SimHost h) {
        return Scenarios.serverProcess(h);
    }

    /** The client process of a host (pid 100, {@code /usr/bin/client}). */
    public static SimProcess client(SimHost h) {
        return Scenarios.clientProcess(h);
    }

    /** An address literal. */
    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}

package io.jwfp.scenarios.nat;

import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimInterface;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.SimProcess;
import io.jwfp.shim.sim.SimSwitch;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The seed's harness topologies (seed-samples §12.0) on the simulated network: T2 (A and B on one link) and T3 (A, B
 * and C through the switch {@code br0}); every host has its 10.200.0.x/24 and fd00:200::x/64 address.
 */
public final class Nets {
    private Nets() {}

    /** A host, its interface and a process to own sockets. */
    public record Node(SimHost host, SimInterface eth, SimProcess proc) {}

    /** Two hosts on one link. */
    public record T2(SimNetwork net, Node a, Node b) {}

    /** Three hosts through a learning switch. */
    public record T3(SimNetwork net, SimSwitch br0, Node a, Node b, Node c) {}

    private static Node node(SimNetwork net, String name, int n) {
        SimHost h = net.addHost(name);
        SimInterface eth = h.addInterface("eth0", "10.200.0." + n + "/24", "fd00:200::" + n + "/64");
        return new Node(h, eth, h.process(100 + n, "/usr/bin/app-" + name.toLowerCase(), 1000));
    }

    public static T2 t2(long seed) {
        SimNetwork net = new SimNetwork(seed);
        Node a = node(net, "A", 1), b = node(net, "B", 2);
        net.link(a.eth(), b.eth());
        return new T2(net, a, b);
    }

    public static T3 t3(long seed) {
        SimNetwork net = new SimNetwork(seed);
        SimSwitch br0 = net.addSwitch("br0");
        Node a = node(net, "A", 1), b = node(net, "B", 2), c = node(net, "C", 3);
        br0.connect(a.eth()).connect(b.eth()).connect(c.eth());
        return new T3(net, br0, a, b, c);
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public static InetSocketAddress at(String literal, int port) {
        return new InetSocketAddress(ip(literal), port);
    }
}

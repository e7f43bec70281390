package io.jwfp.shim.sim;

import io.jwfp.shim.sim.trace.TraceRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A deterministic in-process network: hosts, each with its own WFP (a Base Filtering Engine and filter engine),
 * joined by links, on one simulated clock. Loss and reordering draw from a {@link SplittableRandom} seeded at
 * construction, so equal seeds give equal runs.
 *
 * {@snippet :
 * SimNetwork net = new SimNetwork(42);
 * SimHost client = net.addHost("client");
 * SimHost server = net.addHost("server");
 * net.link(client.addInterface("eth0", "10.200.0.1/24"), server.addInterface("eth0", "10.200.0.2/24"));
 * TcpSocket listener = server.process(200, "/usr/sbin/server", 1000).tcpSocket(IpVersion.V4);
 * listener.bind(new InetSocketAddress(InetAddress.getByName("10.200.0.2"), 80));
 * listener.listen();
 * TcpSocket c = client.process(100, "/usr/bin/client", 1000).tcpSocket(IpVersion.V4);
 * c.connect(new InetSocketAddress(InetAddress.getByName("10.200.0.2"), 80));
 * net.runUntilIdle();
 * net.trace().classifications().forEach(System.out::println);
 * }
 *
 * <p>More than two hosts share a segment through a {@link SimSwitch} ({@link #addSwitch}); {@link
 * SimInterface#capture()} and {@link SimSwitch#capture()} record frames like tcpdump. Ready-made topologies (T2, T3
 * of seed-samples §12.0) are in {@link io.jwfp.shim.sim.scenario.Testbed}.
 *
 * <p>Not thread-safe: build it and run it on one thread; callouts run on that thread too.
 */
public final class SimNetwork {
    private final SimClock clock = new SimClock();
    private final SplittableRandom random;
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final List<SimLink> links = new ArrayList<>();
    private final Map<String, SimSwitch> switches = new LinkedHashMap<>();
    private final List<Consumer<CapturedFrame>> captureListeners = new ArrayList<>();
    private final TraceRecorder trace = new TraceRecorder();
    private long nextPacketId = 1;
    private int nextHostIndex = 1;

    public SimNetwork(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The clock and scheduler. */
    public SimClock clock() {
        return clock;
    }

    /** The recorder of classifications and transmissions. */
    public TraceRecorder trace() {
        return trace;
    }

    SplittableRandom random() {
        return random;
    }

    long nextPacketId() {
        return nextPacketId++;
    }

    /** Adds a host with a loopback interface and its own in-memory WFP. */
    public SimHost addHost(String name) {
        if (hosts.containsKey(name)) throw new IllegalArgumentException("host '" + name + "' exists");
        SimHost h = new SimHost(this, name, nextHostIndex++);
        hosts.put(name, h);
        return h;
    }

    /** The host with a name, or null. */
    public SimHost host(String name) {
        return hosts.get(name);
    }

    /** The hosts in the order they were added. */
    public List<SimHost> hosts() {
        return List.copyOf(hosts.values());
    }

    /** Joins two Ethernet interfaces with a {@link LinkOptions#DEFAULT} link. */
    public void link(SimInterface a, SimInterface b) {
        link(a, b, LinkOptions.DEFAULT);
    }

    /** Joins two Ethernet interfaces. */
    public void link(SimInterface a, SimInterface b, LinkOptions options) {
        if (a.link() != null || b.link() != null) throw new IllegalArgumentException("interface already linked");
        if (a.isLoopback() || b.isLoopback()) throw new IllegalArgumentException("loopback interfaces cannot be linked");
        SimLink l = new SimLink(this, a, b, options);
        a.attach(l);
        b.attach(l);
        links.add(l);
    }

    /** Adds a learning switch with {@link LinkOptions#DEFAULT} ports (connect interfaces with {@link SimSwitch#connect}). */
    public SimSwitch addSwitch(String name) {
        return addSwitch(name, LinkOptions.DEFAULT);
    }

    /** Adds a learning switch whose ports have {@code options} (MTU, latency, loss, reordering). */
    public SimSwitch addSwitch(String name, LinkOptions options) {
        if (switches.containsKey(name) || hosts.containsKey(name)) throw new IllegalArgumentException("'" + name + "' exists");
        SimSwitch s = new SimSwitch(this, name, options);
        switches.put(name, s);
        return s;
    }

    /** The switch with a name, or null. */
    public SimSwitch switchNamed(String name) {
        return switches.get(name);
    }

    /** Calls {@code listener} for every frame put on a link from now on (loopback traffic is not on a link). */
    public void addCaptureListener(Consumer<CapturedFrame> listener) {
        captureListeners.add(listener);
    }

    /** Starts a capture of every frame on every link (tcpdump on all wires at once). */
    public SimCapture startCapture() {
        SimCapture c = new SimCapture();
        captureListeners.add(c);
        return c;
    }

    void captured(SimInterface from, SimInterface to, byte[] frame, long packetId, boolean lost) {
        if (captureListeners.isEmpty()) return;
        CapturedFrame f = new CapturedFrame(clock.nanos(), packetId, from, to, frame, lost);
        for (Consumer<CapturedFrame> l : captureListeners) l.accept(f);
    }

    /** Runs until no event is left (see {@link SimClock#runUntilIdle()}). */
    public void runUntilIdle() {
        clock.runUntilIdle();
    }

    /** Runs the events due in the next {@code d}. */
    public void runFor(Duration d) {
        clock.runFor(d);
    }
}

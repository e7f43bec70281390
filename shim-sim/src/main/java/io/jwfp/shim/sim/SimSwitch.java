package io.jwfp.shim.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A learning Ethernet switch (a Linux bridge such as the T3 topology's {@code br0}): interfaces connected to it share
 * one segment with the switch's {@link LinkOptions}. Frames go to the port that last sent from their destination MAC;
 * broadcast, multicast and not-yet-learned destinations are flooded to every other port (so a frame for a MAC nobody
 * owns reaches every host, whose NIC drops it unless promiscuous). {@link #capture()} sees every frame that enters
 * the switch, like {@code tcpdump -i br0}.
 *
 * {@snippet :
 * SimSwitch br0 = net.addSwitch("br0");
 * br0.connect(a.addInterface("eth0", "10.200.0.1/24"));
 * br0.connect(b.addInterface("eth0", "10.200.0.2/24"));
 * br0.connect(c.addInterface("eth0", "10.200.0.3/24"));
 * }
 *
 * <p>Not thread-safe (the simulation is single-threaded).
 */
public final class SimSwitch {
    private final String name;
    private final SimLink segment;
    private final List<SimInterface> ports = new ArrayList<>();
    private final List<FrameCapture> captures = new ArrayList<>();

    SimSwitch(SimNetwork net, String name, LinkOptions options) {
        this.name = name;
        this.segment = new SimLink(net, this, options);
    }

    public String name() {
        return name;
    }

    /** Connects an Ethernet interface to a new port. */
    public SimSwitch connect(SimInterface iface) {
        if (iface.link() != null) throw new IllegalArgumentException("interface already linked: " + iface);
        if (iface.isLoopback()) throw new IllegalArgumentException("loopback interfaces cannot be linked");
        iface.attach(segment);
        segment.join(iface);
        ports.add(iface);
        return this;
    }

    /** The connected interfaces, in the order they were connected. */
    public List<SimInterface> ports() {
        return List.copyOf(ports);
    }

    /** Starts recording every frame that enters the switch, from now on. */
    public FrameCapture capture() {
        FrameCapture c = new FrameCapture(name);
        captures.add(c);
        return c;
    }

    void captured(SimInterface from, byte[] frame) {
        for (FrameCapture c : captures) c.record(from.host().network().clock().nanos(), from, true, frame);
    }

    @Override
    public String toString() {
        return "SimSwitch[" + name + ", " + ports.size() + " ports]";
    }
}

package io.jwfp.shim.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A learning Ethernet switch (a Linux bridge such as {@code br0} in the seed's T3 topology): it learns which port each
 * source MAC address arrives on, forwards frames for a learnt MAC to that port only, and floods broadcast, multicast
 * and unknown destinations to every other port. It has no address and runs no WFP; it forwards a frame at once, and
 * the link towards the receiver adds its latency, loss and reordering. Frames with fake source MACs (BMR-2) are
 * learnt like any other. Not thread-safe (the simulation is single-threaded).
 *
 * {@snippet :
 * SimSwitch br0 = net.addSwitch("br0");
 * br0.connect(a.addInterface("eth0", "10.200.0.1/24"));
 * br0.connect(b.addInterface("eth0", "10.200.0.2/24"));
 * br0.connect(c.addInterface("eth0", "10.200.0.3/24"));
 * }
 */
public final class SimSwitch {
    private static final long GROUP_BIT = 1L << 40;

    private final SimNetwork net;
    private final String name;
    private final List<SimLink> ports = new ArrayList<>();
    private final Map<Long, SimLink> macTable = new HashMap<>();
    private final List<FrameCapture> captures = new ArrayList<>();
    private final LinkOptions portOptions;

    SimSwitch(SimNetwork net, String name, LinkOptions portOptions) {
        this.net = net;
        this.name = name;
        this.portOptions = portOptions;
    }

    public String name() {
        return name;
    }

    /** Connects an Ethernet interface to a new port with the switch's port options. */
    public SimSwitch connect(SimInterface iface) {
        return connect(iface, portOptions);
    }

    /** Connects an Ethernet interface to a new port. */
    public SimSwitch connect(SimInterface iface, LinkOptions options) {
        if (iface.link() != null) throw new IllegalArgumentException("interface already linked: " + iface);
        if (iface.isLoopback()) throw new IllegalArgumentException("loopback interfaces cannot be linked");
        SimLink l = new SimLink(net, iface, this, options);
        iface.attach(l);
        ports.add(l);
        return this;
    }

    /** The port count. */
    public int portCount() {
        return ports.size();
    }

    /** The connected interfaces, in the order they were connected. */
    public List<SimInterface> ports() {
        List<SimInterface> out = new ArrayList<>();
        for (SimLink l : ports) out.add(l.hostEnd());
        return out;
    }

    /** Starts recording every frame that enters the switch, from now on (like {@code tcpdump -i br0}). */
    public FrameCapture capture() {
        FrameCapture c = new FrameCapture(name);
        captures.add(c);
        return c;
    }

    void captured(SimInterface from, byte[] frame) {
        for (FrameCapture c : captures) c.record(net.clock().nanos(), from, true, frame);
    }

    /** The interface on the port where {@code mac} was last seen as a source, or null. */
    public SimInterface learntPort(long mac) {
        SimLink l = macTable.get(mac);
        return l == null ? null : l.hostEnd();
    }

    void forward(SimLink ingress, SimInterface from, byte[] frame, long packetId, String event, String summary,
                 boolean arp) {
        long dst = Arp.mac(frame, 0);
        long src = Arp.mac(frame, 6);
        if ((src & GROUP_BIT) == 0) macTable.put(src, ingress);
        SimLink known = (dst & GROUP_BIT) == 0 ? macTable.get(dst) : null;
        if (known != null) {
            if (known != ingress) known.deliver(from, known.hostEnd(), frame, packetId, event, summary, arp);
            return;
        }
        for (SimLink p : ports) {
            // Each receiver gets its own copy: a forwarding host rewrites the TTL in place.
            if (p != ingress) p.deliver(from, p.hostEnd(), frame.clone(), packetId, event, summary, arp);
        }
    }

    @Override
    public String toString() {
        return "SimSwitch[" + name + ", " + ports.size() + " ports]";
    }
}

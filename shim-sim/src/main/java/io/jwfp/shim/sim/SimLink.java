package io.jwfp.shim.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Ethernet segment with latency, loss and reordering: either a point-to-point link (two interfaces, every frame
 * goes to the other end, whose NIC filters it by MAC) or the ports of a {@link SimSwitch} (any number of interfaces;
 * the switch learns source MACs and sends a frame to the port that owns its destination, or floods it to all other
 * ports when the destination is broadcast or not learned yet). Loss and the reordering delay are drawn once per
 * frame, so a flooded frame is lost or late on every port alike. Not thread-safe.
 */
final class SimLink {
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private final SimNetwork net;
    private final SimSwitch bridge;
    private final List<SimInterface> ends = new ArrayList<>();
    private final Map<Long, SimInterface> learned = new HashMap<>();
    private final LinkOptions options;

    /** A point-to-point link. */
    SimLink(SimNetwork net, SimInterface a, SimInterface b, LinkOptions options) {
        this.net = net;
        this.bridge = null;
        this.options = options;
        ends.add(a);
        ends.add(b);
    }

    /** A switch's segment; ports join with {@link #join}. */
    SimLink(SimNetwork net, SimSwitch bridge, LinkOptions options) {
        this.net = net;
        this.bridge = bridge;
        this.options = options;
    }

    void join(SimInterface i) {
        ends.add(i);
    }

    LinkOptions options() {
        return options;
    }

    /** Where a frame from {@code from} goes: the peer of a link, or the switch's choice of ports. */
    private List<SimInterface> targets(SimInterface from, byte[] frame) {
        if (bridge == null) return List.of(ends.get(0) == from ? ends.get(1) : ends.get(0));
        learned.put(Arp.mac(frame, 6), from);
        long dst = Arp.mac(frame, 0);
        SimInterface port = (dst & 0x0100_0000_0000L) != 0 || dst == BROADCAST ? null : learned.get(dst);
        if (port == from) return List.of(); // the destination sits behind the port the frame came in on
        if (port != null) return List.of(port);
        List<SimInterface> flood = new ArrayList<>(ends);
        flood.remove(from);
        return flood;
    }

    /** Puts a frame on the wire from {@code from}; the receiving end(s) get it after the latency unless it is lost. */
    void transmit(SimInterface from, byte[] frame, long packetId, String event, String summary, boolean arp) {
        from.captured(true, frame);
        if (bridge != null) bridge.captured(from, frame);
        List<SimInterface> to = targets(from, frame);
        boolean lost = options.loss() > 0 && net.random().nextDouble() < options.loss();
        for (SimInterface t : to) {
            net.trace().transmission(net.clock().nanos(), from.host().name(), t.host().name(), event, packetId, lost,
                    arp, false, summary);
        }
        if (lost) return;
        long delay = options.latency().toNanos();
        if (options.reorder() > 0 && net.random().nextDouble() < options.reorder() && !options.jitter().isZero()) {
            delay += net.random().nextLong(options.jitter().toNanos() + 1);
        }
        for (SimInterface t : to) {
            net.clock().scheduleNanos(delay, () -> {
                t.captured(false, frame);
                t.host().frameReceived(t, frame, packetId);
            });
        }
    }
}

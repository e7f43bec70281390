package io.jwfp.shim.sim;

/**
 * An Ethernet link with latency, loss and reordering: either point to point between two interfaces, or from one
 * interface to a port of a {@link SimSwitch}. Not thread-safe (the simulation is single-threaded).
 */
final class SimLink {
    private final SimNetwork net;
    private final SimInterface a;
    private final SimInterface b;
    private final SimSwitch sw;
    private final LinkOptions options;

    /** A point-to-point link. */
    SimLink(SimNetwork net, SimInterface a, SimInterface b, LinkOptions options) {
        this(net, a, b, null, options);
    }

    /** A link from {@code a} to a port of {@code sw}. */
    SimLink(SimNetwork net, SimInterface a, SimSwitch sw, LinkOptions options) {
        this(net, a, null, sw, options);
    }

    private SimLink(SimNetwork net, SimInterface a, SimInterface b, SimSwitch sw, LinkOptions options) {
        this.net = net;
        this.a = a;
        this.b = b;
        this.sw = sw;
        this.options = options;
    }

    LinkOptions options() {
        return options;
    }

    /** The host end of a switch link (or the first end of a point-to-point one). */
    SimInterface hostEnd() {
        return a;
    }

    SimInterface peer(SimInterface of) {
        return of == a ? b : a;
    }

    /**
     * Puts a frame on the wire from {@code from}. Point to point, the other end receives it after the latency unless
     * it is lost; on a switch link, the switch forwards it at once to the ports it learnt or floods it.
     */
    void transmit(SimInterface from, byte[] frame, long packetId, String event, String summary, boolean arp) {
        from.captured(true, frame);
        if (sw != null) {
            sw.captured(from, frame);
            sw.forward(this, from, frame, packetId, event, summary, arp);
            return;
        }
        deliver(from, peer(from), frame, packetId, event, summary, arp);
    }

    /**
     * Carries a frame to {@code to} over this link: trace, capture, loss, latency and reordering, then the receiving
     * host's NIC.
     */
    void deliver(SimInterface from, SimInterface to, byte[] frame, long packetId, String event, String summary,
                 boolean arp) {
        boolean lost = options.loss() > 0 && net.random().nextDouble() < options.loss();
        net.trace().transmission(net.clock().nanos(), from.host().name(), to.host().name(), event, packetId, lost, arp,
                false, summary);
        net.captured(from, to, frame, packetId, lost);
        if (lost) return;
        long delay = options.latency().toNanos();
        if (options.reorder() > 0 && net.random().nextDouble() < options.reorder() && !options.jitter().isZero()) {
            delay += net.random().nextLong(options.jitter().toNanos() + 1);
        }
        net.clock().scheduleNanos(delay, () -> {
            to.captured(false, frame);
            to.host().frameReceived(to, frame, packetId);
        });
    }
}

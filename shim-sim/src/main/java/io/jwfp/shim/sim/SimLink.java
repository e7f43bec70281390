package io.jwfp.shim.sim;

/** A point-to-point Ethernet link with latency, loss and reordering. */
final class SimLink {
    private final SimNetwork net;
    private final SimInterface a;
    private final SimInterface b;
    private final LinkOptions options;

    SimLink(SimNetwork net, SimInterface a, SimInterface b, LinkOptions options) {
        this.net = net;
        this.a = a;
        this.b = b;
        this.options = options;
    }

    LinkOptions options() {
        return options;
    }

    SimInterface peer(SimInterface of) {
        return of == a ? b : a;
    }

    /** Puts a frame on the wire from {@code from}; the other end receives it after the latency unless it is lost. */
    void transmit(SimInterface from, byte[] frame, long packetId, String event, String summary, boolean arp) {
        SimInterface to = peer(from);
        boolean lost = options.loss() > 0 && net.random().nextDouble() < options.loss();
        net.trace().transmission(net.clock().nanos(), from.host().name(), to.host().name(), event, packetId, lost, arp,
                false, summary);
        if (lost) return;
        long delay = options.latency().toNanos();
        if (options.reorder() > 0 && net.random().nextDouble() < options.reorder() && !options.jitter().isZero()) {
            delay += net.random().nextLong(options.jitter().toNanos() + 1);
        }
        net.clock().scheduleNanos(delay, () -> to.host().frameReceived(to, frame, packetId));
    }
}

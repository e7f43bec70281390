package io.jwfp.shim.sim;

import java.time.Duration;

/**
 * How a simulated link behaves: its MTU, one-way latency, and optional loss and reordering. Loss and reordering
 * draw from the network's seeded random source, so a run with the same seed behaves the same.
 *
 * @param mtu         the largest IP packet the link carries (bytes); larger ones are dropped
 * @param latency     one-way delay of every frame
 * @param loss        probability (0-1) that a frame is lost
 * @param reorder     probability (0-1) that a frame is held back by an extra random delay of up to {@code jitter}
 * @param jitter      the largest extra delay of a reordered frame
 */
public record LinkOptions(int mtu, Duration latency, double loss, double reorder, Duration jitter) {
    /** Ethernet: MTU 1500, 1 ms, no loss, no reordering. */
    public static final LinkOptions DEFAULT = new LinkOptions(1500, Duration.ofMillis(1), 0, 0, Duration.ZERO);

    public LinkOptions {
        if (mtu < 1280) throw new IllegalArgumentException("mtu: " + mtu + " (expected: at least 1280)");
        if (loss < 0 || loss >= 1) throw new IllegalArgumentException("loss: " + loss + " (expected: 0 <= loss < 1)");
        if (reorder < 0 || reorder > 1) throw new IllegalArgumentException("reorder: " + reorder + " (expected: 0-1)");
    }

    public LinkOptions withLoss(double p) {
        return new LinkOptions(mtu, latency, p, reorder, jitter);
    }

    public LinkOptions withReorder(double p, Duration maxExtraDelay) {
        return new LinkOptions(mtu, latency, loss, p, maxExtraDelay);
    }

    public LinkOptions withMtu(int m) {
        return new LinkOptions(m, latency, loss, reorder, jitter);
    }
}

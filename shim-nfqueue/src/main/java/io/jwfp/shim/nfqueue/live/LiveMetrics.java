package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.layer.Layer;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live pipeline's monitoring counters beyond {@link LiveStats}: classifications per layer and outcome, how long the
 * engine took for each (a fixed-bucket histogram) and why packets were dropped (per-filter hits are the engine's, FilterHits). jwfpd exports
 * them as Prometheus metrics (docs/metrics.md); nothing here knows the format.
 *
 * <p>Thread safety: written by every queue thread and the out-of-band thread at once, read by a scrape on another
 * thread. Every counter is a {@link LongAdder}, made up front (per layer, per bucket, per reason), so counting a
 * classification is a few uncontended adds and allocates nothing. Reads are per counter, not one atomic snapshot.
 */
public final class LiveMetrics {
    /**
     * Upper bounds (inclusive) of the classify-latency buckets, in nanoseconds; a last bucket takes everything above.
     * From a bare static filter (about a microsecond) to a callout that blocks for milliseconds.
     */
    private static final long[] LATENCY_BOUNDS_NANOS = {1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
            500_000, 1_000_000, 5_000_000, 25_000_000};

    /** Why the pipeline dropped a packet (reasons counted elsewhere, held packets and kernel drops, are not here). */
    public enum Drop {
        /** A filter's BLOCK decided (including a connection aborted at ALE_FLOW_ESTABLISHED: its packet becomes a RST). */
        FILTER_BLOCK("filter_block"),
        /** A callout absorbed the packet (FWPS_CLASSIFY_OUT_FLAG_ABSORB) and nothing held it. */
        CALLOUT_ABSORB("callout_absorb"),
        /** A straggler of a TCP connection aborted at ALE_FLOW_ESTABLISHED, dropped without a classification. */
        ABORTED_FLOW("aborted_flow");

        private final String label;

        Drop(String label) {
            this.label = label;
        }

        /** The reason as a metric label value. */
        public String label() {
            return label;
        }
    }

    private final LongAdder[] permits = adders(Layer.maxLayerId() + 1);
    private final LongAdder[] blocks = adders(Layer.maxLayerId() + 1);
    private final LongAdder[] latencyBuckets = adders(LATENCY_BOUNDS_NANOS.length + 1);
    private final LongAdder latencySumNanos = new LongAdder();
    private final LongAdder[] drops = adders(Drop.values().length);

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) a[i] = new LongAdder();
        return a;
    }

    /** One classification at {@code layer} that took {@code nanos} and decided {@code result}. Allocation-free. */
    void classified(Layer layer, ClassifyResult result, long nanos) {
        (result.isBlock() ? blocks : permits)[layer.layerId()].increment();
        int b = 0;
        while (b < LATENCY_BOUNDS_NANOS.length && nanos > LATENCY_BOUNDS_NANOS[b]) b++;
        latencyBuckets[b].increment();
        latencySumNanos.add(nanos);
        // Per-filter hits are the engine's own (FilterHits), counted in classify for every shim.
    }

    /** The pipeline dropped a packet for {@code reason}. */
    void dropped(Drop reason) {
        drops[reason.ordinal()].increment();
    }

    /** Classifications at {@code layer} that ended in a permit. */
    public long permits(Layer layer) {
        return permits[layer.layerId()].sum();
    }

    /** Classifications at {@code layer} that ended in a block (absorbed ones included). */
    public long blocks(Layer layer) {
        return blocks[layer.layerId()].sum();
    }

    /** Packets dropped for {@code reason}. */
    public long drops(Drop reason) {
        return drops[reason.ordinal()].sum();
    }

    /** The latency buckets' upper bounds in seconds (the last, +Inf, is not included). */
    public static double[] latencyBoundsSeconds() {
        double[] s = new double[LATENCY_BOUNDS_NANOS.length];
        for (int i = 0; i < s.length; i++) s[i] = LATENCY_BOUNDS_NANOS[i] / 1e9;
        return s;
    }

    /** Classifications per latency bucket (not cumulative), one more than {@link #latencyBoundsSeconds}: the last is +Inf. */
    public long[] latencyCounts() {
        long[] c = new long[latencyBuckets.length];
        for (int i = 0; i < c.length; i++) c[i] = latencyBuckets[i].sum();
        return c;
    }

    /** The time all classifications took together, in nanoseconds. */
    public long latencySumNanos() {
        return latencySumNanos.sum();
    }
}

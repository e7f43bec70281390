package io.jwfp.engine.state;

import java.util.concurrent.atomic.LongAdder;

/**
 * One filter's hit counters, kept by {@link io.jwfp.engine.FilterEngine#classify} (never by an explain):
 * <ul>
 *   <li><b>decided</b>: classifications whose final decision this filter made (it is {@code ClassifyResult
 *   .decidingFilter()}: the filter whose action stood after every sublayer ran, vetoes and absorbed blocks included);</li>
 *   <li><b>matched</b>: classifications in which arbitration reached this filter and its conditions matched, so its
 *   action was taken (a static PERMIT or BLOCK, or its callout consulted, whatever the callout returned). Filters below
 *   the first deciding filter of their sublayer are not reached, nor are sublayers holding only static filters after
 *   a hard decision (they cannot change it). Every decided classification is also a matched one: matched ≥ decided.</li>
 * </ul>
 * The layer default (no filter decided) counts nowhere.
 *
 * <p>Counts belong to the filter, not to a snapshot: a snapshot rebuild hands an unchanged filter's counters to its
 * new compiled form, so they survive every commit that does not delete the filter. They start at 0 when jwfpd starts
 * (persistent filters keep their ids, not their counts).
 *
 * <p>Thread safety: counting is one {@link LongAdder} add per classification in the common case (the deciding filter
 * was the only one reached), contention-adaptive across classifying threads and allocation-free once a contended
 * counter has grown its cells. Reads ({@link #decided()}, {@link #matched()}) may run on any thread; while traffic flows
 * the two are read one after the other, not as one atomic snapshot.
 */
public final class FilterHits {
    /** Classifications this filter decided. */
    private final LongAdder decided = new LongAdder();
    /** Classifications that reached this filter with its conditions matching but that it did not decide. */
    private final LongAdder matchedOnly = new LongAdder();

    /** A read of both counters. */
    public record Counts(long decided, long matched) {
        public static final Counts ZERO = new Counts(0, 0);
    }

    /** The filter decided one classification (it was reached and matched, too). */
    public void countDecided() {
        decided.increment();
    }

    /** The filter was reached and matched but another filter decided. */
    public void countMatched() {
        matchedOnly.increment();
    }

    /**
     * Moves one count from matched-only to decided: for a filter the engine had to count before arbitration knew it
     * would decide (see {@code Arbiter.countHits}).
     */
    public void promote() {
        matchedOnly.decrement();
        decided.increment();
    }

    public long decided() {
        return decided.sum();
    }

    public long matched() {
        return decided.sum() + matchedOnly.sum();
    }

    public Counts counts() {
        long d = decided.sum();
        return new Counts(d, d + matchedOnly.sum());
    }

    @Override
    public String toString() {
        Counts c = counts();
        return "decided " + c.decided() + ", matched " + c.matched();
    }
}

package io.jwfp.shim.nfqueue.live;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters of the live pipeline, shared by the queue threads. Increments allocate nothing; thread-safe. */
public final class LiveStats {
    public static final int PACKETS = 0;
    public static final int PERMITTED = 1;
    public static final int BLOCKED = 2;
    public static final int ABSORBED = 3;
    public static final int UNPARSED = 4;
    public static final int CLASSIFICATIONS = 5;
    public static final int ALE_NEW_FLOWS = 6;
    public static final int ALE_REAUTHORIZATIONS = 7;
    public static final int FLOW_ESTABLISHED = 8;
    public static final int MODIFIED = 9;
    public static final int INJECTIONS_REFUSED = 10;
    public static final int INJECTED_OWN = 11;
    /** Packets whose verdict was deferred for a callout acting out of band (pended, or absorbed with a clone out). */
    public static final int HELD = 12;
    /** Held packets that went on with a verdict the callout's injection or completion gave. */
    public static final int HELD_RELEASED = 13;
    /** Held packets dropped: the reauthorization blocked, the callout let go of its clones or completed without one. */
    public static final int HELD_DROPPED = 14;
    /** Held packets dropped because the callout did nothing within the hold limit. */
    public static final int HELD_EXPIRED = 15;
    public static final int PENDED = 16;
    public static final int WORK_ITEMS = 17;
    /** Work items and out-of-band steps that threw, and deferred verdicts the queue refused. */
    public static final int OUT_OF_BAND_FAILURES = 18;
    public static final int FLOWS_ABORTED = 19;
    public static final int ABORTED_FLOW_PACKETS = 20;
    private static final String[] NAMES = {"packets", "permitted", "blocked", "absorbed", "unparsed", "classifications",
            "aleNewFlows", "aleReauthorizations", "flowEstablished", "modified", "injectionsRefused", "injectedOwn",
            "held", "heldReleased", "heldDropped", "heldExpired", "pended", "workItems", "outOfBandFailures",
            "flowsAborted", "abortedFlowPackets"};

    private final AtomicLongArray counters = new AtomicLongArray(NAMES.length);

    void increment(int counter) {
        counters.incrementAndGet(counter);
    }

    public long get(int counter) {
        return counters.get(counter);
    }

    /** All counters by name. */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) m.put(NAMES[i], counters.get(i));
        return m;
    }
}

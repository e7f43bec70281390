package io.jwfp.shim.nfqueue;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live counters of one queue. The queue's thread is the only writer, so updates are plain ordered stores
 * ({@code lazySet}, no locked instruction per packet) and any thread may read a {@link #snapshot()}.
 * Kernel-side drops are not visible here; see {@link NfQueue#kernelStats()}.
 */
public final class NfQueueStats {
    static final int PACKETS = 0;
    static final int PAYLOAD_BYTES = 1;
    static final int RECV_CALLS = 2;
    static final int DATAGRAMS = 3;
    static final int ENOBUFS = 4;
    static final int TRUNCATED = 5;
    static final int MALFORMED = 6;
    static final int VERDICTS = 7;
    static final int VERDICT_MESSAGES = 8;
    static final int BATCH_VERDICT_MESSAGES = 9;
    static final int SEND_CALLS = 10;
    static final int SEND_ERRORS = 11;
    static final int VERDICT_ERRORS = 12;
    static final int HANDLER_ERRORS = 13;
    static final int REPEATED_DURING_SETUP = 14;
    static final int GSO_PACKETS = 15;
    static final int LAST_VERDICT_ERRNO = 16;
    static final int LAST_VERDICT_ERROR_ID = 17;
    private static final int COUNT = 18;

    private final AtomicLongArray counters = new AtomicLongArray(COUNT);

    void add(int counter, long delta) {
        counters.lazySet(counter, counters.getPlain(counter) + delta);
    }

    void increment(int counter) {
        counters.lazySet(counter, counters.getPlain(counter) + 1);
    }

    void set(int counter, long value) {
        counters.lazySet(counter, value);
    }

    long get(int counter) {
        return counters.getAcquire(counter);
    }

    /** A consistent-enough copy for monitoring (each counter is read atomically, not all together). */
    public Snapshot snapshot() {
        return new Snapshot(get(PACKETS), get(PAYLOAD_BYTES), get(RECV_CALLS), get(DATAGRAMS), get(ENOBUFS),
                get(TRUNCATED), get(MALFORMED), get(VERDICTS), get(VERDICT_MESSAGES), get(BATCH_VERDICT_MESSAGES),
                get(SEND_CALLS), get(SEND_ERRORS), get(VERDICT_ERRORS), get(HANDLER_ERRORS),
                get(REPEATED_DURING_SETUP), get(GSO_PACKETS), (int) get(LAST_VERDICT_ERRNO),
                (int) get(LAST_VERDICT_ERROR_ID));
    }

    /**
     * Counter values.
     *
     * @param packets              packet messages handed to the handler
     * @param payloadBytes         sum of payload bytes delivered
     * @param receiveCalls         {@code recvmmsg} calls that returned data
     * @param datagrams            netlink datagrams received (one per packet unless the kernel batches)
     * @param enobufs              receive calls that failed with ENOBUFS: the socket buffer overflowed and the
     *                             kernel dropped messages (never fatal; raise the receive buffer or the copy range)
     * @param truncated            messages cut short (by the copy range or a too-small receive slot)
     * @param malformed            messages that could not be parsed as packets
     * @param verdicts             verdicts given by handlers (a batch message covers many)
     * @param verdictMessages      single NFQNL_MSG_VERDICT messages sent
     * @param batchVerdictMessages NFQNL_MSG_VERDICT_BATCH messages sent
     * @param sendCalls            {@code send} system calls for verdicts
     * @param sendErrors           verdict sends that failed even after retrying
     * @param verdictErrors        NLMSG_ERROR answers to verdicts (e.g. ENOENT for an unknown id)
     * @param handlerErrors        handler callbacks that threw; those packets got the configured error verdict
     * @param repeatedDuringSetup  packets that arrived while the queue was being configured and were given
     *                             NF_REPEAT so they are queued again to the ready queue
     * @param gsoPackets           packets flagged NFQA_SKB_GSO
     * @param lastVerdictErrno     errno of the last verdict error, 0 if none
     * @param lastVerdictErrorId   packet id (netlink seq) of the last verdict error
     */
    public record Snapshot(long packets, long payloadBytes, long receiveCalls, long datagrams, long enobufs,
            long truncated, long malformed, long verdicts, long verdictMessages, long batchVerdictMessages,
            long sendCalls, long sendErrors, long verdictErrors, long handlerErrors, long repeatedDuringSetup,
            long gsoPackets, int lastVerdictErrno, int lastVerdictErrorId) {}
}

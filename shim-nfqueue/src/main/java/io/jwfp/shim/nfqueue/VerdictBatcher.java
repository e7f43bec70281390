package io.jwfp.shim.nfqueue;

import io.jwfp.shim.nfqueue.natives.Constants;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link VerdictSink} of a queue: encodes verdicts into one send buffer, coalesces runs, and hands full
 * buffers to a {@link Transport}.
 *
 * <p>When is a batch verdict safe? {@code NFQNL_MSG_VERDICT_BATCH(id N)} hits every packet still queued with an
 * id not after N. Packets reach the socket in id order (the kernel assigns ids and unicasts under one lock), and
 * packets the kernel failed to deliver are never left in its queue. So a run of packets that were <em>received
 * one right after the other</em> and got the same verdict can be sent as one batch message, provided no older
 * packet is still waiting: every older packet either already has its message earlier in the same buffer (the
 * kernel handles the messages of one send in order) or is deferred. Hence runs only start while no packet is
 * deferred; a deferral that happens later concerns a newer id and cannot be covered by the run.
 */
final class VerdictBatcher implements VerdictSink {
    /** Sends {@code length} bytes of {@code buffer} to the kernel in one call. */
    interface Transport {
        void send(MemorySegment buffer, long length);
    }

    private final MemorySegment buf;
    private final long capacity;
    private final int queueNumber;
    private final Transport transport;
    private final boolean coalesce;
    private final NfQueueStats stats;
    /** Shared with {@link NfQueue#completeDeferred}, which may run on other threads (it only decrements). */
    final AtomicInteger deferred = new AtomicInteger();

    private long pos;

    private boolean runActive;
    private int runVerdict;
    private boolean runHasMark;
    private int runMark;
    private int runFirst;
    private int runLast;
    private int runLength;

    private boolean inPacket;
    private int currentId;
    private boolean currentDecided;
    private boolean hasPrevious;
    private int previousId;

    VerdictBatcher(MemorySegment buffer, int queueNumber, boolean coalesce, NfQueueStats stats, Transport transport) {
        if (buffer.byteSize() < NfqMessages.verdictSize(true, true, Constants.NFQNL_MAX_COPY_RANGE)) {
            throw new IllegalArgumentException("verdict buffer too small for a full-size payload verdict: " + buffer.byteSize());
        }
        this.buf = buffer;
        this.capacity = buffer.byteSize();
        this.queueNumber = queueNumber;
        this.coalesce = coalesce;
        this.stats = stats;
        this.transport = transport;
    }

    /** The receive loop announces each packet before its callback. */
    void beginPacket(int id) {
        inPacket = true;
        currentId = id;
        currentDecided = false;
    }

    /** ...and closes it afterwards; returns true when the packet was left without a verdict (deferred). */
    boolean endPacket() {
        inPacket = false;
        hasPrevious = true;
        previousId = currentId;
        if (!currentDecided) {
            deferred.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Forget stream position, e.g. after ENOBUFS lost messages: a gap in the stream must end any run. */
    void breakStream() {
        hasPrevious = false;
    }

    /** Decrements but never below zero, so a duplicate verdict cannot disable coalescing for good. */
    static void decrementDeferred(AtomicInteger counter) {
        int v;
        do {
            v = counter.get();
            if (v <= 0) {
                return;
            }
        } while (!counter.compareAndSet(v, v - 1));
    }

    boolean currentDecided() {
        return currentDecided;
    }

    int deferredCount() {
        return deferred.get();
    }

    @Override
    public void verdict(int packetId, int verdictCode, int options, int mark, int connmark,
            MemorySegment payload, long payloadOffset, int payloadLength) {
        boolean withMark = (options & WITH_MARK) != 0;
        boolean withConnmark = (options & WITH_CONNMARK) != 0;
        boolean withPayload = (options & WITH_PAYLOAD) != 0;
        if (withPayload && (payload == null || payloadLength < 0 || payloadLength > Constants.NFQNL_MAX_COPY_RANGE)) {
            throw new IllegalArgumentException("payload must be 0.." + Constants.NFQNL_MAX_COPY_RANGE
                    + " bytes of a segment, got " + payloadLength);
        }
        boolean current = inPacket && packetId == currentId;
        if (current) {
            if (currentDecided) {
                throw new IllegalStateException("packet " + Integer.toUnsignedString(packetId) + " already has a verdict");
            }
            currentDecided = true;
        } else {
            // Completing a packet deferred earlier (from this thread).
            decrementDeferred(deferred);
        }
        stats.increment(NfQueueStats.VERDICTS);

        if (coalesce && current && !withConnmark && !withPayload && deferred.get() == 0) {
            if (runActive && runVerdict == verdictCode && runHasMark == withMark && (!withMark || runMark == mark)
                    && hasPrevious && previousId == runLast) {
                runLast = packetId;
                runLength++;
                return;
            }
            appendRun();
            runActive = true;
            runVerdict = verdictCode;
            runHasMark = withMark;
            runMark = mark;
            runFirst = packetId;
            runLast = packetId;
            runLength = 1;
            return;
        }
        appendRun();
        int size = NfqMessages.verdictSize(withMark, withConnmark, withPayload ? payloadLength : -1);
        ensureRoom(size);
        pos = NfqMessages.writeVerdict(buf, pos, queueNumber, packetId, verdictCode, withMark, mark,
                withConnmark, connmark, payload, payloadOffset, withPayload ? payloadLength : -1);
        stats.increment(NfQueueStats.VERDICT_MESSAGES);
    }

    private void appendRun() {
        if (!runActive) {
            return;
        }
        runActive = false;
        int size = NfqMessages.PLAIN_VERDICT_SIZE + (runHasMark ? 8 : 0);
        ensureRoom(size);
        if (runLength == 1) {
            pos = NfqMessages.writeVerdict(buf, pos, queueNumber, runFirst, runVerdict, runHasMark, runMark,
                    false, 0, null, 0, -1);
            stats.increment(NfQueueStats.VERDICT_MESSAGES);
        } else {
            pos = NfqMessages.writeBatchVerdict(buf, pos, queueNumber, runLast, runVerdict, runHasMark, runMark);
            stats.increment(NfQueueStats.BATCH_VERDICT_MESSAGES);
        }
    }

    private void ensureRoom(int size) {
        if (pos + size > capacity) {
            sendBuffered();
        }
    }

    private void sendBuffered() {
        if (pos > 0) {
            long len = pos;
            pos = 0;
            transport.send(buf, len);
        }
    }

    @Override
    public void flush() {
        appendRun();
        sendBuffered();
    }

    /**
     * Closes the pending run and hands the buffered bytes to the caller, which sends them itself and then calls
     * {@link #sent()}. The queue's receive loop uses this instead of {@link #flush()} so that the send system
     * call sits close to the loop: behind the extra frames of the transport callback the JIT runs out of inlining
     * depth and no longer scalar-replaces the JDK's per-call errno capture slice.
     */
    long prepareSend() {
        appendRun();
        return pos;
    }

    /** The bytes returned by {@link #prepareSend()} were sent. */
    void sent() {
        pos = 0;
    }

    MemorySegment buffer() {
        return buf;
    }

    /** Bytes waiting in the buffer (tests). */
    long buffered() {
        return pos;
    }
}

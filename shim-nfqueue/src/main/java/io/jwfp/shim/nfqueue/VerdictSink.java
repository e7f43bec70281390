package io.jwfp.shim.nfqueue;

import java.lang.foreign.MemorySegment;

/**
 * Where a handler puts its verdicts. Verdicts are buffered and sent at the latest when the current receive batch
 * has been handled (before the queue blocks again), several messages per {@code send}; runs of consecutive
 * packets with the same plain verdict (and same optional mark) are coalesced into one
 * {@code NFQNL_MSG_VERDICT_BATCH}.
 *
 * <p>Give every packet exactly one verdict. A packet that gets none inside its callback is <em>deferred</em>:
 * it stays queued in the kernel (and counts against the queue length) until you complete it, either with this
 * sink later on the queue's thread or with {@link NfQueue#completeDeferred} from any thread. While deferred
 * packets are outstanding the sink stops using batch verdicts, which would otherwise cover them too.
 *
 * <p>Instances are confined to the queue's thread. Nothing here allocates.
 */
public interface VerdictSink {
    /** Option bit of {@link #verdict(int, int, int, int, int, MemorySegment, long, int)}: set the packet mark. */
    int WITH_MARK = 1;
    /** Option bit: set the connection mark (ctmark) of the packet's conntrack entry. */
    int WITH_CONNMARK = 2;
    /** Option bit: replace the packet with the given payload. */
    int WITH_PAYLOAD = 4;

    default void accept(int packetId) {
        verdict(packetId, Verdict.ACCEPT.code(), 0, 0, 0, null, 0, -1);
    }

    default void drop(int packetId) {
        verdict(packetId, Verdict.DROP.code(), 0, 0, 0, null, 0, -1);
    }

    default void verdict(int packetId, Verdict verdict) {
        verdict(packetId, verdict.code(), 0, 0, 0, null, 0, -1);
    }

    /** Verdict that also sets the packet mark (skb->mark) to {@code mark}. */
    default void verdict(int packetId, Verdict verdict, int mark) {
        verdict(packetId, verdict.code(), WITH_MARK, mark, 0, null, 0, -1);
    }

    /** Verdict that also sets the connection's conntrack mark (needs conntrack in the packet's namespace). */
    default void verdictWithConnmark(int packetId, Verdict verdict, int connmark) {
        verdict(packetId, verdict.code(), WITH_CONNMARK, 0, connmark, null, 0, -1);
    }

    /**
     * Verdict that replaces the packet by {@code length} bytes of {@code source} at {@code offset} (copied
     * before this returns). Checksums must be correct: the kernel marks a mangled packet CHECKSUM_NONE.
     */
    default void verdictModified(int packetId, Verdict verdict, MemorySegment source, long offset, int length) {
        verdict(packetId, verdict.code(), WITH_PAYLOAD, 0, 0, source, offset, length);
    }

    /** Verdict with the packet's own (possibly edited in place) payload. */
    default void verdictModified(NfPacket packet, Verdict verdict) {
        if (packet.isTruncated()) {
            throw new IllegalArgumentException("packet " + Integer.toUnsignedString(packet.id())
                    + " was truncated to " + packet.payloadLength() + " bytes; returning it as payload would cut it");
        }
        verdict(packet.id(), verdict.code(), WITH_PAYLOAD, 0, 0, packet.buffer(), packet.payloadOffset(),
                packet.payloadLength());
    }

    /**
     * The general form.
     *
     * @param verdictCode kernel verdict ({@link Verdict#code()} or {@link Verdict#queueTo(int)})
     * @param options     OR of {@link #WITH_MARK}, {@link #WITH_CONNMARK}, {@link #WITH_PAYLOAD}
     */
    void verdict(int packetId, int verdictCode, int options, int mark, int connmark,
            MemorySegment payload, long payloadOffset, int payloadLength);

    /** Sends everything buffered now (the queue does this itself before it waits for packets). */
    void flush();
}

package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Coalescing rules of the verdict sink, checked on the bytes it would send. */
class VerdictBatcherTest {
    /** One decoded verdict message. */
    record Sent(int type, int verdict, int id, int mark, boolean hasMark, boolean hasConnmark, int payloadLength) {}

    private final Arena arena = Arena.ofConfined();
    private final List<List<Sent>> sends = new ArrayList<>();
    private final NfQueueStats stats = new NfQueueStats();

    @AfterEach
    void close() {
        arena.close();
    }

    private VerdictBatcher batcher(boolean coalesce, int bufferBytes) {
        return new VerdictBatcher(arena.allocate(bufferBytes, 8), 3, coalesce, stats, (buf, len) -> sends.add(decode(buf, len)));
    }

    private static List<Sent> decode(MemorySegment buf, long len) {
        List<Sent> out = new ArrayList<>();
        long off = 0;
        while (off < len) {
            int mlen = buf.get(ValueLayout.JAVA_INT, off);
            int type = NfqMessages.messageType(buf, off);
            assertThat(Short.toUnsignedInt(buf.get(NfqMessages.BE16_U, off + 18))).isEqualTo(3); // res_id = queue
            int verdict = -1, id = -1, mark = 0, payload = -1;
            boolean hasMark = false, hasCt = false;
            long a = off + 20;
            while (a < off + mlen) {
                int alen = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, a));
                int atype = buf.get(ValueLayout.JAVA_SHORT, a + 2) & NLA_TYPE_MASK;
                switch (atype) {
                    case NFQA_VERDICT_HDR -> {
                        verdict = buf.get(NfqMessages.BE32_U, a + 4);
                        id = buf.get(NfqMessages.BE32_U, a + 8);
                    }
                    case NFQA_MARK -> {
                        hasMark = true;
                        mark = buf.get(NfqMessages.BE32_U, a + 4);
                    }
                    case NFQA_CT -> hasCt = true;
                    case NFQA_PAYLOAD -> payload = alen - 4;
                    default -> throw new AssertionError("unexpected attribute " + atype);
                }
                a += (alen + 3) & ~3;
            }
            out.add(new Sent(type, verdict, id, mark, hasMark, hasCt, payload));
            off += (mlen + 3) & ~3;
        }
        return out;
    }

    private static Sent single(int id, int verdict) {
        return new Sent(NFQ_TYPE_VERDICT, verdict, id, 0, false, false, -1);
    }

    private static Sent batch(int lastId, int verdict) {
        return new Sent(NFQ_TYPE_VERDICT_BATCH, verdict, lastId, 0, false, false, -1);
    }

    private static void packet(VerdictBatcher b, int id, Runnable handler) {
        b.beginPacket(id);
        handler.run();
        b.endPacket();
    }

    @Test
    void consecutiveEqualVerdictsBecomeOneBatchMessage() {
        VerdictBatcher b = batcher(true, 256 * 1024);
        for (int id = 10; id <= 15; id++) {
            int i = id;
            packet(b, id, () -> b.accept(i));
        }
        packet(b, 16, () -> b.drop(16));
        packet(b, 17, () -> b.drop(17));
        packet(b, 18, () -> b.accept(18));
        b.flush();
        assertThat(sends).containsExactly(List.of(batch(15, NF_ACCEPT), batch(17, NF_DROP), single(18, NF_ACCEPT)));
        assertThat(stats.snapshot().batchVerdictMessages()).isEqualTo(2);
        assertThat(stats.snapshot().verdictMessages()).isEqualTo(1);
        assertThat(stats.snapshot().verdicts()).isEqualTo(9);
    }

    @Test
    void idGapsInTheReceiveStreamStillCoalesceButAStreamBreakEndsTheRun() {
        VerdictBatcher b = batcher(true, 256 * 1024);
        // ids 1, 2, 5: 3 and 4 were never delivered (kernel failed to unicast them, they are not queued).
        for (int id : new int[] {1, 2, 5}) {
            packet(b, id, () -> b.accept(id));
        }
        b.breakStream(); // e.g. ENOBUFS: messages were lost, some of them may be queued packets
        packet(b, 9, () -> b.accept(9));
        b.flush();
        assertThat(sends).containsExactly(List.of(batch(5, NF_ACCEPT), single(9, NF_ACCEPT)));
    }

    @Test
    void marksCoalesceOnlyWithEqualMarks() {
        VerdictBatcher b = batcher(true, 256 * 1024);
        packet(b, 1, () -> b.verdict(1, Verdict.ACCEPT, 7));
        packet(b, 2, () -> b.verdict(2, Verdict.ACCEPT, 7));
        packet(b, 3, () -> b.verdict(3, Verdict.ACCEPT, 8));
        packet(b, 4, () -> b.accept(4));
        b.flush();
        assertThat(sends).containsExactly(List.of(
                new Sent(NFQ_TYPE_VERDICT_BATCH, NF_ACCEPT, 2, 7, true, false, -1),
                new Sent(NFQ_TYPE_VERDICT, NF_ACCEPT, 3, 8, true, false, -1),
                single(4, NF_ACCEPT)));
    }

    @Test
    void payloadAndConnmarkVerdictsAreNeverBatchedAndKeepOrder() {
        VerdictBatcher b = batcher(true, 256 * 1024);
        MemorySegment data = arena.allocate(100);
        packet(b, 1, () -> b.accept(1));
        packet(b, 2, () -> b.accept(2));
        packet(b, 3, () -> b.verdictModified(3, Verdict.ACCEPT, data, 0, 100));
        packet(b, 4, () -> b.verdictWithConnmark(4, Verdict.ACCEPT, 5));
        packet(b, 5, () -> b.accept(5));
        b.flush();
        assertThat(sends).containsExactly(List.of(batch(2, NF_ACCEPT),
                new Sent(NFQ_TYPE_VERDICT, NF_ACCEPT, 3, 0, false, false, 100),
                new Sent(NFQ_TYPE_VERDICT, NF_ACCEPT, 4, 0, false, true, -1),
                single(5, NF_ACCEPT)));
    }

    @Test
    void deferredPacketsDisableBatchingUntilCompleted() {
        VerdictBatcher b = batcher(true, 256 * 1024);
        packet(b, 1, () -> {}); // deferred
        assertThat(b.deferredCount()).isEqualTo(1);
        packet(b, 2, () -> b.accept(2));
        packet(b, 3, () -> b.accept(3));
        b.flush();
        // A batch up to 3 would also have accepted the deferred packet 1.
        assertThat(sends).containsExactly(List.of(single(2, NF_ACCEPT), single(3, NF_ACCEPT)));
        b.drop(1); // completing the deferred packet later on the queue thread
        assertThat(b.deferredCount()).isZero();
        packet(b, 4, () -> b.accept(4));
        packet(b, 5, () -> b.accept(5));
        b.flush();
        assertThat(sends.get(1)).containsExactly(single(1, NF_DROP), batch(5, NF_ACCEPT));
    }

    @Test
    void aDeferralAfterARunDoesNotPoisonTheRun() {
        VerdictBatcher b = batcher(true, 256 * 1024);
        packet(b, 1, () -> b.accept(1));
        packet(b, 2, () -> b.accept(2));
        packet(b, 3, () -> {}); // deferred, newer than the run
        packet(b, 4, () -> b.accept(4));
        b.flush();
        assertThat(sends).containsExactly(List.of(batch(2, NF_ACCEPT), single(4, NF_ACCEPT)));
    }

    @Test
    void withoutCoalescingEveryPacketGetsItsOwnMessageInOneSend() {
        VerdictBatcher b = batcher(false, 256 * 1024);
        for (int id = 1; id <= 3; id++) {
            int i = id;
            packet(b, id, () -> b.accept(i));
        }
        b.flush();
        assertThat(sends).containsExactly(List.of(single(1, NF_ACCEPT), single(2, NF_ACCEPT), single(3, NF_ACCEPT)));
    }

    @Test
    void aFullBufferIsSentBeforeItOverflows() {
        int size = NfqMessages.verdictSize(true, true, NFQNL_MAX_COPY_RANGE);
        VerdictBatcher b = batcher(false, size);
        MemorySegment big = arena.allocate(60_000);
        packet(b, 1, () -> b.verdictModified(1, Verdict.ACCEPT, big, 0, 60_000));
        packet(b, 2, () -> b.verdictModified(2, Verdict.ACCEPT, big, 0, 60_000));
        assertThat(sends).hasSize(1);
        b.flush();
        assertThat(sends).hasSize(2);
        assertThat(sends.get(1).get(0).id()).isEqualTo(2);
    }

    @Test
    void misuseIsReportedClearly() {
        VerdictBatcher b = batcher(true, 256 * 1024);
        b.beginPacket(1);
        b.accept(1);
        assertThatThrownBy(() -> b.drop(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a verdict");
        assertThatThrownBy(() -> b.verdictModified(1, Verdict.ACCEPT, arena.allocate(8), 0, 70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65531");
        b.endPacket();
    }

    @Test
    void queueToVerdictEncodesTheTargetQueue() {
        assertThat(Verdict.queueTo(5)).isEqualTo((5 << 16) | NF_QUEUE);
        assertThatThrownBy(() -> Verdict.queueTo(70000)).hasMessageContaining("0..65535");
    }
}

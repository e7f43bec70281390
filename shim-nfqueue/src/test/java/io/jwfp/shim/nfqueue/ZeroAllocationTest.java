package io.jwfp.shim.nfqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Proves that parsing packets and encoding verdicts allocate nothing per packet, with the JVM's per-thread
 * allocation counter. Runs warm (after JIT compilation); a few attempts absorb one-off allocations by the
 * runtime itself (e.g. a deoptimization), but a per-packet allocation would show up in every attempt.
 */
class ZeroAllocationTest {
    private static final int PACKETS = 200_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    @Test
    void parseAndVerdictPathAllocatesNothingPerPacket() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] raw = TestMessages.hex(TestMessages.CAPTURED_UDP_UID);
            byte[] rich = new TestMessages().begin(io.jwfp.shim.nfqueue.natives.Constants.NFQ_TYPE_PACKET, 2, 7)
                    .packetHeader(1, 0x800, 3)
                    .be32(io.jwfp.shim.nfqueue.natives.Constants.NFQA_MARK, 5)
                    .nest(io.jwfp.shim.nfqueue.natives.Constants.NFQA_CT)
                        .nest(io.jwfp.shim.nfqueue.natives.Constants.CTA_TUPLE_ORIG)
                            .nest(io.jwfp.shim.nfqueue.natives.Constants.CTA_TUPLE_IP)
                                .be32(io.jwfp.shim.nfqueue.natives.Constants.CTA_IP_V4_SRC, 1)
                                .be32(io.jwfp.shim.nfqueue.natives.Constants.CTA_IP_V4_DST, 2).end()
                            .nest(io.jwfp.shim.nfqueue.natives.Constants.CTA_TUPLE_PROTO)
                                .u8(io.jwfp.shim.nfqueue.natives.Constants.CTA_PROTO_NUM, 6)
                                .be16(io.jwfp.shim.nfqueue.natives.Constants.CTA_PROTO_SRC_PORT, 1)
                                .be16(io.jwfp.shim.nfqueue.natives.Constants.CTA_PROTO_DST_PORT, 2).end()
                        .end()
                        .be32(io.jwfp.shim.nfqueue.natives.Constants.CTA_ID, 3)
                    .end()
                    .be32(io.jwfp.shim.nfqueue.natives.Constants.NFQA_CT_INFO, 2)
                    .attr(io.jwfp.shim.nfqueue.natives.Constants.NFQA_PAYLOAD, new byte[64])
                    .finish().bytes();
            MemorySegment a = TestMessages.native_(arena, raw);
            MemorySegment b = TestMessages.native_(arena, rich);
            NfPacket p = new NfPacket();
            long[] sink = new long[1];
            NfQueueStats stats = new NfQueueStats();
            VerdictBatcher verdicts = new VerdictBatcher(arena.allocate(256 * 1024, 8), 7, true, stats,
                    (buf, len) -> sink[0] += len);

            Runnable loop = () -> {
                for (int i = 0; i < PACKETS; i++) {
                    boolean first = (i & 1) == 0;
                    NfqMessages.parsePacket(first ? a : b, 0, first ? raw.length : rich.length, p);
                    sink[0] += p.id() + p.payloadLength() + p.uid() + p.payloadByte(0) + p.conntrack().original().sourcePort();
                    verdicts.beginPacket(i);
                    if ((i & 7) == 7) {
                        verdicts.verdict(i, Verdict.ACCEPT, 42);
                    } else if ((i & 15) == 6) {
                        verdicts.verdictModified(i, Verdict.ACCEPT, p.buffer(), p.payloadOffset(), p.payloadLength());
                    } else {
                        verdicts.accept(i);
                    }
                    verdicts.endPacket();
                    if ((i & 31) == 31) {
                        verdicts.flush();
                    }
                }
                verdicts.flush();
            };
            for (int warm = 0; warm < 10; warm++) {
                loop.run();
            }
            allocatedBytes(); // the first call may allocate internally
            long best = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 5 && best > 0; attempt++) {
                long before = allocatedBytes();
                loop.run();
                best = Math.min(best, allocatedBytes() - before);
            }
            assertThat(sink[0]).isNotZero();
            assertThat(best).as("bytes allocated for %d packets", PACKETS).isZero();
        }
    }
}

package io.jwfp.shim.nfqueue.live;

import static io.jwfp.shim.nfqueue.live.PipelineHarness.IN;
import static io.jwfp.shim.nfqueue.live.PipelineHarness.OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.repr.Packets;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live pipeline's common path allocates nothing: packets of an established, authorized flow, queued because a
 * packet layer holds filters, are parsed, looked up in the flow table, checked for reauthorization and classified at
 * OUTBOUND_IPPACKET / INBOUND_IPPACKET / the transport layers, and given their verdict, with the JVM's per-thread
 * allocation counter watching (after JIT warm-up; the best of a few rounds absorbs one-off runtime allocations, a
 * per-packet allocation would show in every round).
 */
class PipelineZeroAllocationTest {
    private static final int PACKETS = 100_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path tmp;

    @Test
    void packetsOfAnEstablishedFlowAreClassifiedWithoutAllocating() throws Exception {
        try (PipelineHarness h = new PipelineHarness(tmp)) {
            h.filter("permit-out", Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4, ActionType.FWP_ACTION_PERMIT);
            h.filter("permit-in", Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4, ActionType.FWP_ACTION_PERMIT);
            h.filter("permit-connects", Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, ActionType.FWP_ACTION_PERMIT);
            InetAddress a = InetAddress.getByName("10.200.0.1");
            InetAddress b = InetAddress.getByName("10.200.0.2");
            byte[] syn = Packets.tcp(a, b, 40000, 5201, 1, 0, TcpView.FLAG_SYN, 65535, List.of(), new byte[0]);
            byte[] data = Packets.tcp(a, b, 40000, 5201, 2, 1, TcpView.FLAG_ACK, 65535, List.of(), new byte[1400]);
            byte[] ack = Packets.tcp(b, a, 5201, 40000, 1, 1402, TcpView.FLAG_ACK, 65535, List.of(), new byte[0]);
            assertThat(h.feed(syn, OUT, Marks.CT_NEW).permitted()).isTrue(); // the flow is authorized once
            int est = Marks.CT_EST | Marks.EST_DONE | Marks.gen(h.clock.generation());
            h.sink.keep = false;
            Runnable loop = () -> {
                for (int i = 0; i < PACKETS; i++) {
                    if ((i & 3) == 3) h.feed(ack, IN, est | Marks.CT_REPLY);
                    else h.feed(data, OUT, est);
                }
            };
            for (int warm = 0; warm < 15; warm++) loop.run();
            THREADS.getCurrentThreadAllocatedBytes();
            long best = Long.MAX_VALUE;
            int rounds = 0;
            for (; rounds < 5 && best > 0; rounds++) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                loop.run();
                best = Math.min(best, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
            long loops = 15 + rounds;
            assertThat(h.sink.count).isEqualTo(1 + loops * PACKETS);
            // Each packet: a packet layer at least, plus the other direction's transport layer for replies.
            assertThat(h.stats.get(LiveStats.CLASSIFICATIONS)).as("the layers really ran").isGreaterThanOrEqualTo(loops * PACKETS);
            assertThat(h.flows.size()).isEqualTo(1);
            // Any per-packet allocation would cost at least 16 bytes x 100,000 packets.
            assertThat(best).as("bytes allocated for " + PACKETS + " packets (best warm round)").isLessThan(1000);
        }
    }
}

package io.jwfp.shim.nfqueue.live;

import static io.jwfp.shim.nfqueue.live.PipelineHarness.OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.repr.Packets;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline feeds {@link LiveMetrics}: per-layer outcomes, latency, deciding filters and drop reasons. */
class LiveMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void classificationsDecisionsAndDropsAreCounted() throws Exception {
        try (PipelineHarness h = new PipelineHarness(tmp)) {
            long permit = h.filter("permit-out", Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4, ActionType.FWP_ACTION_PERMIT);
            InetAddress a = InetAddress.getByName("10.200.0.1");
            InetAddress b = InetAddress.getByName("10.200.0.2");
            byte[] data = Packets.tcp(a, b, 40000, 5201, 2, 1, TcpView.FLAG_ACK, 65535, List.of(), new byte[100]);
            int est = Marks.CT_EST | Marks.EST_DONE | Marks.gen(h.clock.generation());
            for (int i = 0; i < 5; i++) assertThat(h.feed(data, OUT, est).permitted()).isTrue();
            LiveMetrics m = h.rt.metrics();
            assertThat(m.permits(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).isEqualTo(5);
            assertThat(m.blocks(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).isZero();
            assertThat(m.permits(Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4)).as("no filters there: not classified").isZero();
            assertThat(h.bfe.filterEngine().hits(permit).decided()).as("the engine counts the live hits").isEqualTo(5);
            assertThat(Arrays.stream(m.latencyCounts()).sum()).isEqualTo(5);
            assertThat(m.latencyCounts()).hasSize(m.latencyBoundsSeconds().length + 1);
            assertThat(m.latencySumNanos()).isPositive();

            // The permit filter goes (its count with it), a block filter comes: the same packets are dropped now, for
            // the filter's reason, and it decides.
            h.session.filterDeleteById(permit);
            long block = h.filter("block-out", Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4, ActionType.FWP_ACTION_BLOCK);
            for (int i = 0; i < 3; i++) assertThat(h.feed(data, OUT, est).permitted()).isFalse();
            assertThat(m.blocks(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).isEqualTo(3);
            assertThat(m.permits(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).isEqualTo(5);
            assertThat(m.drops(LiveMetrics.Drop.FILTER_BLOCK)).isEqualTo(3);
            assertThat(m.drops(LiveMetrics.Drop.CALLOUT_ABSORB)).isZero();
            assertThat(h.bfe.filterEngine().hits(block).decided()).isEqualTo(3);
            assertThat(h.bfe.filterEngine().hits(permit)).as("a deleted filter has no counters").isNull();
        }
    }

    @Test
    void aPacketACalloutAbsorbsIsADropOfItsOwn() throws Exception {
        try (PipelineHarness h = new PipelineHarness(tmp)) {
            long absorber = h.callout(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4,
                    (in, meta, data, ctx, filter, flow, out) -> out.absorb(), io.jwfp.engine.callout.FlowDeleteFn.NONE);
            byte[] data = Packets.tcp(InetAddress.getByName("10.200.0.1"), InetAddress.getByName("10.200.0.2"), 40000,
                    5201, 2, 1, TcpView.FLAG_ACK, 65535, List.of(), new byte[10]);
            int est = Marks.CT_EST | Marks.EST_DONE | Marks.gen(h.clock.generation());
            assertThat(h.feed(data, OUT, est).permitted()).isFalse();
            LiveMetrics m = h.rt.metrics();
            assertThat(m.drops(LiveMetrics.Drop.CALLOUT_ABSORB)).isEqualTo(1);
            assertThat(m.drops(LiveMetrics.Drop.FILTER_BLOCK)).isZero();
            assertThat(m.blocks(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).isEqualTo(1);
            assertThat(h.bfe.filterEngine().hits(absorber).decided()).isEqualTo(1);
        }
    }
}

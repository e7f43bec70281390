package io.jwfp.scenarios.stmedit;

import static io.jwfp.scenarios.stmedit.StmeditSim.bytes;
import static io.jwfp.scenarios.stmedit.StmeditSim.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.trace.Classification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SE-1: the two editors chained across sublayers (seed-samples §12, stmedit). */
class Se1ChainedEditTest {
    /** The recorder exchange: B sends, A records and replies; returns {recorded by A, read by B}. */
    static String[] exchange(StmeditSim s, int port, String request, String reply) {
        TcpSocket l = s.listen(port);
        TcpSocket[] p = s.connect(l, port);
        p[0].send(bytes(request));
        s.net.runUntilIdle();
        String recorded = text(p[1].recvAll());
        p[1].send(bytes(reply));
        s.net.runUntilIdle();
        String read = text(p[0].recvAll());
        p[0].close();
        p[1].close();
        s.net.runUntilIdle();
        return new String[] {recorded, read};
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-1 rainy->cloudy (set 1, 0x40) then cloudy->sunny (set 2, 0x20), both directions")
    void chainedEditBothDirections(IpVersion v) {
        StmeditSim s = new StmeditSim(v, Map.of());
        String[] r = exchange(s, 8888, "rainy day, cloudy night", "rainy cloudy");
        assertThat(r[0]).isEqualTo("sunny day, sunny night");
        assertThat(r[1]).isEqualTo("sunny sunny");
        // Both connections' flows ended: every flow context was released.
        assertThat(s.stat("stmedit-oob-stream-" + s.suffix(), "flows")).isZero();
        assertThat(s.stat("stmedit-inline-stream-" + s.suffix(), "flows")).isZero();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-1 MultipleCallouts=0: only set 1, rainy->cloudy")
    void singleSet(IpVersion v) {
        StmeditSim s = new StmeditSim(v, Map.of("MultipleCallouts", 0));
        String[] r = exchange(s, 8888, "rainy day, cloudy night", "rainy cloudy");
        assertThat(r[0]).isEqualTo("cloudy day, cloudy night");
        assertThat(r[1]).isEqualTo("cloudy cloudy");
        assertThat(s.callout("stmedit-inline-stream-" + s.suffix())).isNull();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-1 port 8889 is not inspected")
    void otherPortUntouched(IpVersion v) {
        StmeditSim s = new StmeditSim(v, Map.of());
        String[] r = exchange(s, 8889, "rainy day, cloudy night", "rainy cloudy");
        assertThat(r[0]).isEqualTo("rainy day, cloudy night");
        assertThat(r[1]).isEqualTo("rainy cloudy");
        assertThat(s.stat("stmedit-oob-stream-" + s.suffix(), "indications")).isZero();
        assertThat(s.stat("stmedit-inline-stream-" + s.suffix(), "indications")).isZero();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-1 trace: the 0x40 callout sees the original data first; injected data reaches only the 0x20 one")
    void traceShowsSublayerOrderAndInjectedDataOnlyBelow(IpVersion v) {
        StmeditSim s = new StmeditSim(v, Map.of());
        s.net.trace().clear();
        String request = "rainy day, cloudy night", reply = "rainy cloudy";
        exchange(s, 8888, request, reply);
        String oob = "stmedit-oob-stream-" + s.suffix(), inline = "stmedit-inline-stream-" + s.suffix();
        Layer stream = v == IpVersion.V4 ? Layer.FWPM_LAYER_STREAM_V4 : Layer.FWPM_LAYER_STREAM_V6;
        List<Classification> data = s.net.trace().classifications("A").stream()
                .filter(c -> c.layer() == stream && !c.summary().contains("len=0")).toList();
        assertThat(data).isNotEmpty();
        // The original bytes: decided (blocked) by set 1's filter, each byte once.
        List<Classification> byOob = data.stream().filter(c -> oob.equals(c.filterName())).toList();
        assertThat(byOob).allMatch(Classification::blocked);
        assertThat(byOob.stream().mapToLong(Se1ChainedEditTest::len).sum()).isEqualTo(request.length() + reply.length());
        // Everything else is set 1's output, seen by set 2's filter only, and always after set 1 saw the original.
        List<Classification> byInline = data.stream().filter(c -> inline.equals(c.filterName())).toList();
        // Set 2's own injections ("sunny") reach no callout at all: no sublayer weighs less than 0x20.
        List<Classification> byNobody = data.stream().filter(c -> c.filterId() == 0).toList();
        assertThat(byNobody).hasSize(4).allMatch(c -> c.summary().endsWith("len=5") && !c.blocked());
        assertThat(byOob.size() + byInline.size() + byNobody.size()).isEqualTo(data.size());
        assertThat(byInline).isNotEmpty();
        assertThat(data.getFirst().filterName()).isEqualTo(oob);
        // Set 1 never saw its own injections: it was offered exactly the application's bytes.
        assertThat(s.stat(oob, "bytesIndicated")).isEqualTo(request.length() + reply.length());
        assertThat(s.stat(oob, "bytesInjected")).isEqualTo("cloudy day, cloudy night".length() + "cloudy cloudy".length());
        assertThat(s.stat(inline, "replacements")).isEqualTo(4);
    }

    static long len(Classification c) {
        String sum = c.summary();
        int i = sum.indexOf("len=");
        int j = i + 4;
        while (j < sum.length() && Character.isDigit(sum.charAt(j))) j++;
        return Long.parseLong(sum.substring(i + 4, j));
    }
}

package io.jwfp.scenarios.stmedit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.trace.Classification;
import io.jwfp.shim.sim.trace.Transmission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SE-4: back-pressure and shutdown. B sends 64 MiB without the pattern as fast as TCP lets it; the out-of-band
 * editor's backlog reaches BusyThreshold, it defers the inbound stream (the simulator's TCP then closes its receive
 * window) and continues once its worker caught up.
 */
class Se4BackPressureTest {
    static final long KIB = 1024;
    static final long THRESHOLD = 16 * KIB;

    static byte[] noPattern(int size, long seed) {
        byte[] b = new byte[size];
        Random r = new Random(seed);
        for (int i = 0; i < size; i++) b[i] = (byte) ('a' + r.nextInt(24)); // a-x: neither "rainy" nor "cloudy"
        return b;
    }

    /** Engine-side buffering and stream-layer events, sampled while the transfer runs. */
    static final class Watch {
        final AtomicLong maxHeld = new AtomicLong();
        final AtomicLong defers = new AtomicLong();
        final AtomicLong continued = new AtomicLong();
        final AtomicLong resets = new AtomicLong();

        Watch(StmeditSim s, TcpSocket serverSide) {
            Layer stream = s.v == IpVersion.V4 ? Layer.FWPM_LAYER_STREAM_V4 : Layer.FWPM_LAYER_STREAM_V6;
            s.net.trace().clear();
            s.net.trace().setRecording(false);
            s.net.trace().addListener(e -> {
                if (e instanceof Classification c && c.layer() == stream && c.summary().contains(" < ")) {
                    if (c.summary().endsWith(" DEFER")) defers.incrementAndGet();
                    if (c.summary().contains("(continued)")) continued.incrementAndGet();
                    maxHeld.accumulateAndGet(serverSide.streamLayerHeldBytes(), Math::max);
                }
                if (e instanceof Transmission t && t.summary() != null && t.summary().matches(".*\\[[SFP.]*R[SFP.]*\\].*")) {
                    resets.incrementAndGet();
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-4 64 MiB without the pattern: identical bytes, backlog within a small multiple of BusyThreshold, defer/continue")
    void backPressure(IpVersion v) throws Exception {
        StmeditSim s = new StmeditSim(v, Map.of());
        int size = 64 << 20;
        byte[] sent = noPattern(size, 5);
        TcpSocket[] p = s.pair(8888);
        Watch w = new Watch(s, p[1]);
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long received = 0;
        StmeditSim.sendAll(p[0], sent);
        // The recorder reads as data comes (its socket buffer is not what is measured).
        while (!p[1].isEof()) {
            s.net.runFor(Duration.ofMillis(50));
            byte[] b = p[1].recvAll();
            got.update(b);
            received += b.length;
            assertThat(s.net.clock().now()).as("transfer stalled").isLessThan(Duration.ofMinutes(5));
        }
        assertThat(received).isEqualTo(size);
        assertThat(got.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(sent));

        String oob = "stmedit-oob-stream-" + s.suffix();
        long maxBacklog = s.stat(oob, "maxBacklog");
        assertThat(maxBacklog).as("set 1's backlog").isPositive().isLessThanOrEqualTo(THRESHOLD);
        // Deferred data waits in the stream layer, bounded by the receive window it closes (64 KiB = 4 x 16 KiB).
        assertThat(w.maxHeld.get() + maxBacklog).as("engine-side buffering").isLessThanOrEqualTo(6 * THRESHOLD);
        assertThat(s.stat(oob, "defers")).isPositive();
        assertThat(s.stat(oob, "continues")).isPositive();
        assertThat(w.defers.get()).as("DEFER in the trace").isPositive();
        assertThat(w.continued.get()).as("indications after FwpsStreamContinue0 in the trace").isPositive();
        assertThat(p[0].windowProbes() + p[0].segmentsRetransmitted()).as("probes and retransmissions")
                .isLessThan(p[0].segmentsSent() / 100);
        p[0].close();
        p[1].close();
        s.net.runUntilIdle();
        assertThat(w.resets.get()).isZero();
        assertThat(s.stat(oob, "flows")).isZero();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-4 stopping the engine mid-transfer: contexts removed, the transfer completes unmodified, no reset")
    void stopMidTransfer(IpVersion v) throws Exception {
        StmeditSim s = new StmeditSim(v, Map.of());
        int size = 16 << 20;
        byte[] sent = noPattern(size, 6);
        TcpSocket[] p = s.pair(8888);
        Watch w = new Watch(s, p[1]);
        StmeditSim.sendAll(p[0], sent);
        s.net.runFor(Duration.ofMillis(200));
        byte[] before = p[1].recvAll();
        assertThat(before.length).as("mid-transfer").isBetween(1, size - 1);
        String oob = "stmedit-oob-stream-" + s.suffix(), inline = "stmedit-inline-stream-" + s.suffix();
        assertThat(s.stat(oob, "flows")).isEqualTo(1);
        assertThat(s.stat(oob, "defers")).as("stopped while back-pressure is on").isPositive();

        // The driver's unload: stop the stream callouts (flush, continue deferred flows, remove contexts) ...
        s.callout(oob).control().control("stop", Map.of());
        s.callout(inline).control().control("stop", Map.of());
        s.net.runFor(Duration.ofMillis(50));
        assertThat(s.stat(oob, "flows")).as("contexts removed").isZero();
        assertThat(s.stat(inline, "flows")).isZero();
        // ... then its dynamic session closes: every filter goes.
        s.session.close();
        long indicationsAtStop = s.stat(oob, "indications");

        s.net.runUntilIdle();
        byte[] after = p[1].recvAll();
        assertThat(p[1].isEof()).isTrue();
        byte[] all = Arrays.copyOf(before, before.length + after.length);
        System.arraycopy(after, 0, all, before.length, after.length);
        assertThat(all.length).isEqualTo(size);
        assertThat(Arrays.equals(all, sent)).isTrue();
        assertThat(s.stat(oob, "indications")).as("no classification after the stop").isEqualTo(indicationsAtStop);
        p[0].close();
        p[1].close();
        s.net.runUntilIdle();
        assertThat(w.resets.get()).isZero();
        assertThat(p[0].error()).isNull();
        assertThat(p[1].error()).isNull();
    }
}

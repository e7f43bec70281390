package io.jwfp.scenarios.stmedit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.trace.Transmission;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SE-3: a length-changing edit at volume. MultipleCallouts=0, so every "rainy" becomes "cloudy" (5 to 6 bytes):
 * 4 MiB of text with 100 000 planted patterns, many straddling segment boundaries, sent by B, recorded and echoed by
 * A. On the simulator the stream layer sits above TCP, as on Windows, so TCP numbers the edited bytes itself: this
 * checks the editor and the stream layer at volume (the packet-level rewriter for live traffic has its own
 * property tests).
 */
class Se3VolumeTest {
    static final int SIZE = 4 << 20;
    static final int PATTERNS = 100_000;
    static final byte[] FIND = StmeditSim.bytes("rainy");
    static final byte[] X = StmeditSim.bytes("cloudy");

    /**
     * Random lower-case text without 'y' (so "rainy" occurs only where planted, and "cloudy" cannot form "rainy"),
     * with {@code PATTERNS} planted: one straddling each multiple of {@code mss} first, the rest at random free spots.
     */
    static byte[] text(long seed, int mss, int[] straddling) {
        Random r = new Random(seed);
        byte[] t = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            int c = r.nextInt(26);
            t[i] = (byte) (c == 24 ? ' ' : 'a' + c);
        }
        boolean[] used = new boolean[SIZE];
        int planted = 0;
        for (int b = mss; b + 3 < SIZE && planted < PATTERNS; b += mss) {
            int at = b - 1 - r.nextInt(4); // 1 to 4 bytes before the boundary, the rest after
            planted += plant(t, used, at) ? 1 : 0;
        }
        straddling[0] = planted;
        while (planted < PATTERNS) planted += plant(t, used, r.nextInt(SIZE - FIND.length)) ? 1 : 0;
        return t;
    }

    private static boolean plant(byte[] t, boolean[] used, int at) {
        for (int i = Math.max(0, at - 1); i < Math.min(t.length, at + FIND.length + 1); i++) if (used[i]) return false;
        System.arraycopy(FIND, 0, t, at, FIND.length);
        for (int i = at; i < at + FIND.length; i++) used[i] = true;
        return true;
    }

    static byte[] expected(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + PATTERNS);
        int pos = 0;
        for (int i = 0; i + FIND.length <= in.length; ) {
            if (in[i] == 'r' && in[i + 1] == 'a' && in[i + 2] == 'i' && in[i + 3] == 'n' && in[i + 4] == 'y') {
                out.write(in, pos, i - pos);
                out.writeBytes(X);
                i += FIND.length;
                pos = i;
            } else {
                i++;
            }
        }
        out.write(in, pos, in.length - pos);
        return out.toByteArray();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-3 4 MiB with 100 000 'rainy' -> 'cloudy': exact sha256 both ways, FIN without RST, < 1 % retransmitted, < 30 s")
    void volume(IpVersion v) throws Exception {
        StmeditSim s = new StmeditSim(v, Map.of("MultipleCallouts", 0));
        int mss = v == IpVersion.V4 ? 1460 : 1440;
        int[] straddling = new int[1];
        byte[] sent = text(v.ordinal() + 11, mss, straddling);
        byte[] want = expected(sent);
        assertThat(want.length).isEqualTo(SIZE + PATTERNS);
        assertThat(straddling[0]).isGreaterThan(2800);

        s.net.trace().clear();
        s.net.trace().setRecording(false);
        AtomicLong resets = new AtomicLong();
        s.net.trace().addListener(e -> {
            if (e instanceof Transmission t && t.summary() != null && t.summary().matches(".*\\[[SFP.]*R[SFP.]*\\].*")) {
                resets.incrementAndGet();
            }
        });
        TcpSocket[] p = s.pair(8888);
        long start = s.net.clock().nanos();
        StmeditSim.sendAll(p[0], sent);
        s.net.runUntilIdle();
        byte[] recorded = p[1].recvAll();
        assertThat(p[1].isEof()).isTrue();
        assertThat(recorded.length).isEqualTo(SIZE + PATTERNS);
        assertThat(sha256(recorded)).isEqualTo(sha256(want));

        p[1].send(recorded); // the echo passes set 1 outbound: no "rainy" left, nothing changes
        p[1].shutdownOutput();
        s.net.runUntilIdle();
        byte[] echoed = p[0].recvAll();
        assertThat(p[0].isEof()).isTrue();
        assertThat(sha256(echoed)).isEqualTo(sha256(recorded));
        double seconds = (s.net.clock().nanos() - start) / 1e9;
        assertThat(seconds).as("simulated transfer time").isLessThan(30);

        p[0].close();
        p[1].close();
        s.net.runUntilIdle();
        assertThat(resets.get()).as("RST segments").isZero();
        assertThat(p[0].state()).isEqualTo("CLOSED");
        assertThat(p[1].state()).isEqualTo("CLOSED");
        assertThat(p[0].error()).isNull();
        assertThat(p[1].error()).isNull();
        for (TcpSocket t : p) {
            assertThat(t.segmentsRetransmitted()).as("retransmitted of %d", t.segmentsSent())
                    .isLessThan(t.segmentsSent() / 100);
        }
        String oob = "stmedit-oob-stream-" + s.suffix();
        assertThat(s.stat(oob, "replacements")).isEqualTo(PATTERNS);
        assertThat(s.stat(oob, "flows")).isZero();
    }
}

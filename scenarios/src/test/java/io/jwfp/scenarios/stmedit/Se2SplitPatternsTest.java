package io.jwfp.scenarios.stmedit;

import static io.jwfp.scenarios.stmedit.StmeditSim.bytes;
import static io.jwfp.scenarios.stmedit.StmeditSim.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.shim.sim.TcpSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SE-2: patterns split across writes, and the held tail flushed before the FIN. */
class Se2SplitPatternsTest {
    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-2 'r', 'ai', 'ny' written 300 ms apart (no Nagle in the simulator): the server records 'sunny'")
    void splitPattern(IpVersion v) {
        StmeditSim s = new StmeditSim(v, Map.of());
        TcpSocket[] p = s.pair(8888);
        StringBuilder recorded = new StringBuilder();
        for (String part : new String[] {"r", "ai", "ny"}) {
            p[0].send(bytes(part));
            s.net.runFor(Duration.ofMillis(300));
            recorded.append(text(p[1].recvAll()));
            if (!part.equals("ny")) assertThat(recorded).as("nothing of a partial match is delivered").isEmpty();
        }
        assertThat(recorded.toString()).isEqualTo("sunny");
        assertThat(p[0].segmentsSent()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-2 'it will rain' then shutdown(SD_SEND): the server records exactly that, then EOF")
    void heldTailFlushedBeforeFin(IpVersion v) {
        StmeditSim s = new StmeditSim(v, Map.of());
        TcpSocket[] p = s.pair(8888);
        p[0].send(bytes("it will rain"));
        s.net.runFor(Duration.ofMillis(300));
        assertThat(text(p[1].recvAll())).as("'rain' may become 'rainy': held").isEqualTo("it will ");
        assertThat(p[1].isEof()).isFalse();
        p[0].shutdownOutput();
        s.net.runUntilIdle();
        assertThat(text(p[1].recvAll())).isEqualTo("rain");
        assertThat(p[1].isEof()).isTrue();
        // The server side closes too: a clean four-way close, both flows gone.
        p[1].close();
        p[0].close();
        s.net.runUntilIdle();
        assertThat(p[0].state()).isEqualTo("CLOSED");
        assertThat(p[1].error()).isNull();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("SE-2 a chained pattern split at every position, in both directions")
    void everySplitPosition(IpVersion v) {
        StmeditSim s = new StmeditSim(v, Map.of());
        TcpSocket l = s.listen(8888);
        String msg = "a rainy and cloudy day";
        for (int cut = 1; cut < msg.length(); cut++) {
            TcpSocket[] p = s.connect(l, 8888);
            p[0].send(bytes(msg.substring(0, cut)));
            s.net.runFor(Duration.ofMillis(50));
            p[0].send(bytes(msg.substring(cut)));
            p[0].shutdownOutput();
            p[1].send(bytes(msg.substring(0, cut)));
            s.net.runFor(Duration.ofMillis(50));
            p[1].send(bytes(msg.substring(cut)));
            p[1].shutdownOutput();
            s.net.runUntilIdle();
            assertThat(text(p[1].recvAll())).as("inbound, cut at %d", cut).isEqualTo("a sunny and sunny day");
            assertThat(text(p[0].recvAll())).as("outbound, cut at %d", cut).isEqualTo("a sunny and sunny day");
            assertThat(p[0].isEof()).isTrue();
            assertThat(p[1].isEof()).isTrue();
            p[0].close();
            p[1].close();
        }
        s.net.runUntilIdle();
    }
}

package io.jwfp.scenarios.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** INS-3 (seed-samples §12): BlockTraffic toggled at run time, no restart. */
class Ins3RuntimeToggleTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("INS-3 runtime toggle: 1 stops new connections and stalls an open session; 0 again lets both go on")
    void runtimeToggle(@TempDir Path dir) {
        try (InspectBed bed = new InspectBed(dir, IpVersion.V4, false)) {
            bed.apps.http(bed.b, IpVersion.V4, 80, "B");
            Programs.TcpServer chat = bed.apps.sink(bed.b, IpVersion.V4, 6000);
            TcpSocket session = Testbed.client(bed.a).tcpSocket(IpVersion.V4);
            session.connect(Testbed.at(bed.b, IpVersion.V4, 6000));
            assertThat(bed.apps.runUntil(session::isConnected, Duration.ofSeconds(5))).isTrue();
            session.send(b("hello "));
            assertThat(bed.apps.runUntil(() -> chat.connections().size() == 1 && chat.connections().get(0).bytes() == 6,
                    Duration.ofSeconds(5))).isTrue();
            Programs.Connection atB = chat.connections().get(0);
            bed.apps.run(Duration.ofSeconds(30)); // idle but open

            bed.setBlockTraffic(true);
            assertThat(bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V4, 80), Duration.ofSeconds(5)).ok()).isFalse();
            session.send(b("world"));
            bed.apps.run(Duration.ofSeconds(10));
            assertThat(atB.bytes()).as("the open session stopped delivering").isEqualTo(6);
            assertThat(session.error()).isNull();

            bed.setBlockTraffic(false);
            Programs.CurlResult again = bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V4, 80), Duration.ofSeconds(5));
            assertThat(again.ok()).as(again.error()).isTrue();
            assertThat(bed.apps.runUntil(() -> atB.bytes() == 11, Duration.ofSeconds(60)))
                    .as("the stalled session resumes by retransmission").isTrue();
            assertThat(atB.text()).isEqualTo("hello world");
            assertThat(session.error()).isNull();
            assertThat(session.state()).isEqualTo("ESTABLISHED");
        }
    }
}

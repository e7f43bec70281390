package io.jwfp.scenarios.inspect;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.shim.sim.FrameCapture;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** INS-2 (seed-samples §12): with BlockTraffic=1 A and B cannot talk; A and C can. */
class Ins2BlockModeTest {
    @Test
    @DisplayName("INS-2 block mode: no SYN leaves, one audited drop at ALE_AUTH_CONNECT_V4; B->A times out silently; UDP dropped; A<->C unaffected")
    void blockMode(@TempDir Path dir) {
        try (InspectBed bed = new InspectBed(dir, IpVersion.V4, true)) {
            bed.apps.http(bed.b, IpVersion.V4, 80, "B");
            Programs.UdpEcho echo = bed.apps.udpEcho(bed.b, Testbed.at(bed.b, IpVersion.V4, 7), "B:");
            Programs.TcpServer web = bed.apps.http(bed.a, IpVersion.V4, 80, "A");
            bed.apps.http(bed.c, IpVersion.V4, 80, "C");
            FrameCapture atB = Testbed.nic(bed.b).capture();

            // curl -m 5 A -> B fails; B sees no SYN; one classify-drop at AUTH_CONNECT: the reauthorization.
            long before = bed.lastEvent();
            Programs.CurlResult curl = bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V4, 80), Duration.ofSeconds(5));
            assertThat(curl.ok()).isFalse();
            assertThat(curl.error()).isEqualTo("WSAEACCES");
            assertThat(atB.ipFrames()).as("nothing from A reaches B").isEmpty();
            List<NetEvent> drops = bed.drops(before);
            assertThat(drops).singleElement().satisfies(e -> {
                assertThat(e.layer()).isEqualTo(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
                assertThat(e.filterId()).isEqualTo(bed.filterId("connect"));
                assertThat(e.reauthorize()).isTrue();
                assertThat(e.remotePort()).isEqualTo(80);
            });

            // B -> A: times out; A never accepts and sends nothing back (no RST); no net event (absorbed).
            before = bed.lastEvent();
            Programs.CurlResult in = bed.apps.curl(bed.b, Testbed.at(bed.a, IpVersion.V4, 80), Duration.ofMinutes(3));
            assertThat(in.ok()).isFalse();
            assertThat(in.error()).isEqualTo("WSAETIMEDOUT");
            assertThat(web.connections()).isEmpty();
            assertThat(atB.ipFrames()).as("B only sent; A answered nothing").allMatch(FrameCapture.Frame::sent);
            assertThat(bed.drops(before)).isEmpty();

            // UDP to B: nothing arrives.
            UdpSocket u = Testbed.client(bed.a).udpSocket(IpVersion.V4);
            for (int i = 0; i < 3; i++) {
                assertThat(bed.apps.udpAsk(u, Testbed.at(bed.b, IpVersion.V4, 7), "q".getBytes(StandardCharsets.US_ASCII),
                        Duration.ofSeconds(2))).isNull();
            }
            assertThat(echo.answered()).isEmpty();
            assertThat(atB.ipFrames()).allMatch(FrameCapture.Frame::sent);

            // A <-> C unaffected.
            Programs.CurlResult toC = bed.apps.curl(bed.a, Testbed.at(bed.c, IpVersion.V4, 80), Duration.ofSeconds(5));
            assertThat(toC.ok()).as(toC.error()).isTrue();
            assertThat(bed.apps.ping(bed.a, Testbed.address(bed.c, IpVersion.V4), 1, Duration.ofSeconds(2))).isTrue();
        }
    }
}

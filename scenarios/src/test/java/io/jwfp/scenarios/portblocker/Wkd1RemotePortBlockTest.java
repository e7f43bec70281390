package io.jwfp.scenarios.portblocker;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.shim.sim.FrameCapture;
import io.jwfp.shim.sim.scenario.Testbed;
import io.jwfp.shim.sim.trace.Classification;
import io.jwfp.shim.sim.trace.Direction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WKD-1 (seed-samples §12): a remote-port rule added at run time blocks outbound TCP to that port only. */
class Wkd1RemotePortBlockTest {
    @Test
    @DisplayName("WKD-1 remote-port block, TCP outbound: port 80 fails within 5 s, 8080 works, one drop event")
    void remotePortBlockTcpOutbound(@TempDir Path dir) {
        try (PortBlockerBed bed = new PortBlockerBed(dir)) {
            Programs.TcpServer s80 = bed.apps.http(bed.b, IpVersion.V4, 80, "B:80");
            Programs.TcpServer s8080 = bed.apps.http(bed.b, IpVersion.V4, 8080, "B:8080");
            assertThat(bed.control("add-rule", "port=80").path("rules").asInt()).isEqualTo(1);
            assertThat(bed.rulePorts()).containsExactly(80);
            FrameCapture atB = Testbed.nic(bed.b).capture();
            bed.t.network().trace().clear();

            Programs.CurlResult blocked = bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V4, 80), Duration.ofSeconds(5));
            List<Classification> afterBlocked = bed.at(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
            Programs.CurlResult allowed = bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V4, 8080), Duration.ofSeconds(5));
            bed.apps.run(Duration.ofSeconds(2));

            assertThat(blocked.ok()).isFalse();
            assertThat(blocked.error()).as("aborted right after the handshake (decision S5)").isEqualTo("WSAECONNABORTED");
            assertThat(blocked.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(allowed.ok()).as(allowed.error()).isTrue();
            assertThat(allowed.body()).isEqualTo("B:8080");
            assertThat(s80.connections()).as("B's port-80 server never accepts the connection").isEmpty();
            assertThat(s80.connectionsWithData()).isZero();
            assertThat(s8080.connectionsWithData()).isEqualTo(1);

            // Trace: exactly one FLOW_ESTABLISHED_V4 classify per connection, outbound; 80 blocked, 8080 permitted.
            List<Classification> fe = bed.at(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
            assertThat(afterBlocked).hasSize(1);
            assertThat(fe).hasSize(2);
            assertThat(fe).allSatisfy(c -> {
                assertThat(c.direction()).isEqualTo(Direction.OUTBOUND);
                assertThat(c.filterId()).isEqualTo(bed.filterId);
            });
            assertThat(fe.get(0).blocked()).isTrue();
            assertThat(fe.get(1).blocked()).isFalse();

            // Net events: one classify-drop naming the filter and FLOW_ESTABLISHED_V4 (TCP, remote port 80); none
            // for 8080, whose flow shows as an allow.
            List<NetEvent> drops = bed.events(NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
            assertThat(drops).singleElement().satisfies(e -> {
                assertThat(e.filterId()).isEqualTo(bed.filterId);
                assertThat(e.ipProtocol()).isEqualTo(6);
                assertThat(e.remotePort()).isEqualTo(80);
                assertThat(e.direction()).isEqualTo("FWP_DIRECTION_OUTBOUND");
            });
            assertThat(bed.a.bfe().netEvents().since(0)).filteredOn(e -> e.type() == NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP)
                    .noneMatch(e -> e.remotePort() == 8080 || e.localPort() == 8080);
            assertThat(bed.events(NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_ALLOW, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4))
                    .singleElement().satisfies(e -> assertThat(e.remotePort()).isEqualTo(8080));

            // On the wire: the handshake to 80 is visible (the verdict comes after the SYN-ACK), no data segment.
            boolean synAckFrom80 = false;
            for (FrameCapture.Frame f : atB.ipFrames()) {
                ParsedPacket p = f.parse();
                if (p.protocol() != 6) continue;
                if (p.dstPort() == 80) assertThat(p.payloadLength()).as("data to port 80").isZero();
                if (p.srcPort() == 80 && (p.tcpFlags() & (TcpView.FLAG_SYN | TcpView.FLAG_ACK)) == (TcpView.FLAG_SYN | TcpView.FLAG_ACK)) {
                    synAckFrom80 = true;
                }
            }
            assertThat(synAckFrom80).isTrue();
        }
    }
}

package io.jwfp.scenarios.portblocker;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.scenarios.support.JwfpCli;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import io.jwfp.shim.sim.trace.Classification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WKD-3 (seed-samples §12): defaults, per-flow classification, IPv4 only, and the control API's edges. */
class Wkd3DefaultsAndScopeTest {
    @Test
    @DisplayName("WKD-3 no rules: all IPv4 traffic works; ten curls are ten FLOW_ESTABLISHED_V4 classifies")
    void noRulesNothingBlockedOneClassifyPerFlow(@TempDir Path dir) {
        try (PortBlockerBed bed = new PortBlockerBed(dir)) {
            Programs.TcpServer web = bed.apps.http(bed.b, IpVersion.V4, 80, "B");
            Programs.UdpEcho echo = bed.apps.udpEcho(bed.b, Testbed.at(bed.b, IpVersion.V4, 7), "B:");
            UdpSocket u = Testbed.client(bed.a).udpSocket(IpVersion.V4);
            assertThat(bed.apps.udpAsk(u, Testbed.at(bed.b, IpVersion.V4, 7), "x".getBytes(StandardCharsets.US_ASCII),
                    Duration.ofSeconds(2))).isNotNull();
            assertThat(bed.apps.ping(bed.a, Testbed.address(bed.b, IpVersion.V4), 1, Duration.ofSeconds(2))).isTrue();
            assertThat(echo.answered()).hasSize(1);

            bed.t.network().trace().clear();
            for (int i = 0; i < 10; i++) {
                Programs.CurlResult r = bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V4, 80), Duration.ofSeconds(5));
                assertThat(r.ok()).as("curl #%d: %s", i + 1, r.error()).isTrue();
            }
            List<Classification> fe = bed.at(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
            assertThat(fe).as("per flow, not per packet").hasSize(10);
            assertThat(fe).allMatch(c -> !c.blocked() && c.filterId() == bed.filterId);
            assertThat(web.connectionsWithData()).isEqualTo(10);
        }
    }

    @Test
    @DisplayName("WKD-3 with rule 80, IPv6 to port 80 works and never reaches the (IPv4-only) callout")
    void ipv6IsNeverSeen(@TempDir Path dir) {
        try (PortBlockerBed bed = new PortBlockerBed(dir)) {
            bed.apps.http(bed.b, IpVersion.V6, 80, "B6");
            bed.control("add-rule", "port=80");
            bed.t.network().trace().clear();
            Programs.CurlResult r = bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V6, 80), Duration.ofSeconds(5));
            assertThat(r.ok()).as(r.error()).isTrue();
            assertThat(r.body()).isEqualTo("B6");
            assertThat(bed.at(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4)).isEmpty();
            assertThat(bed.at(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V6)).singleElement()
                    .satisfies(c -> assertThat(c.filterId()).as("the layer default, no filter").isZero());
        }
    }

    @Test
    @DisplayName("WKD-3 control API: a 17-byte record is rejected, duplicates are accepted, there is no delete")
    void controlApiEdges(@TempDir Path dir) {
        try (PortBlockerBed bed = new PortBlockerBed(dir)) {
            byte[] record = io.jwfp.callouts.samples.portblocker.PortBlocker.Rule.record(80);
            String seventeen = HexFormat.of().formatHex(java.util.Arrays.copyOf(record, 17));
            JwfpCli.Run shortRecord = bed.controlRun("ioctl", "code=0x0022E004", "input=" + seventeen);
            assertThat(shortRecord.rc()).isNotZero();
            assertThat(shortRecord.err()).contains("STATUS_INVALID_PARAMETER").contains("17 bytes").contains("18-byte");
            assertThat(bed.rulePorts()).isEmpty();

            bed.control("ioctl", "code=0x0022E004", "input=" + HexFormat.of().formatHex(record));
            bed.control("add-rule", "port=80");
            assertThat(bed.rulePorts()).containsExactly(80, 80);

            JwfpCli.Run delete = bed.controlRun("delete-rule", "port=80");
            assertThat(delete.rc()).isNotZero();
            assertThat(delete.err()).contains("unknown command 'delete-rule'").contains("there is no delete");
            assertThat(bed.rulePorts()).containsExactly(80, 80);

            // The dialog's range is 1-65534; port 0 only through the raw record (WKD-2 e).
            JwfpCli.Run zero = bed.controlRun("add-rule", "port=0");
            assertThat(zero.rc()).isNotZero();
            assertThat(zero.err()).contains("port").contains("1-65534");
        }
    }
}

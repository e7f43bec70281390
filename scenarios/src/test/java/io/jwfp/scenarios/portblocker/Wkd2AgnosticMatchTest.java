package io.jwfp.scenarios.portblocker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.shim.sim.FrameCapture;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WKD-2 (seed-samples §12): the rule matches the flow's remote port whatever the protocol and whichever side opened
 * the flow; loopback flows are classified too; ICMP carries its code in the remote-port slot.
 */
class Wkd2AgnosticMatchTest {
    @Test
    @DisplayName("WKD-2 direction/protocol-agnostic match, loopback, ICMP (rule 53; raw rule 0)")
    void agnosticMatch(@TempDir Path dir) {
        try (PortBlockerBed bed = new PortBlockerBed(dir)) {
            bed.control("add-rule", "port=53");
            Programs.UdpEcho dns = bed.apps.udpEcho(bed.b, Testbed.at(bed.b, IpVersion.V4, 53), "B:");
            Programs.TcpServer a9000 = bed.apps.http(bed.a, IpVersion.V4, 9000, "A:9000");
            Programs.TcpServer a53 = bed.apps.http(bed.a, IpVersion.V4, 53, "A:53");
            FrameCapture atB = Testbed.nic(bed.b).capture();

            // (a) A UDP datagram A -> B:53 never reaches B: three tries, 2 s each.
            UdpSocket u = Testbed.client(bed.a).udpSocket(IpVersion.V4);
            for (int i = 0; i < 3; i++) {
                assertThat(bed.apps.udpAsk(u, Testbed.at(bed.b, IpVersion.V4, 53), "q".getBytes(StandardCharsets.US_ASCII),
                        Duration.ofSeconds(2))).isNull();
            }
            assertThat(dns.answered()).isEmpty();
            assertThat(atB.ipFrames()).noneMatch(f -> {
                ParsedPacket p = f.parse();
                return p.protocol() == 17 && p.dstPort() == 53;
            });

            // (b) B connects from source port 53 to A's TCP server on 9000: A's application never accepts it.
            TcpSocket from53 = Testbed.client(bed.b).tcpSocket(IpVersion.V4);
            from53.bind(Testbed.at(bed.b, IpVersion.V4, 53));
            Programs.CurlResult b = bed.apps.curl(from53, Testbed.at(bed.a, IpVersion.V4, 9000), Duration.ofSeconds(5));
            assertThat(b.ok()).isFalse();
            assertThat(a9000.connections()).isEmpty();

            // (c) Inside A, a client to a server on 127.0.0.1:53 fails (loopback flows are classified alike).
            Programs.CurlResult c = bed.apps.curl(bed.a, new InetSocketAddress(Testbed.ip("127.0.0.1"), 53), Duration.ofSeconds(5));
            assertThat(c.ok()).isFalse();
            assertThat(a53.connections()).isEmpty();

            // (d) B connects from an ephemeral port to A:53/tcp: succeeds (A's local port is not checked).
            Programs.CurlResult d = bed.apps.curl(bed.b, Testbed.at(bed.a, IpVersion.V4, 53), Duration.ofSeconds(5));
            assertThat(d.ok()).as(d.error()).isTrue();
            assertThat(d.body()).isEqualTo("A:53");

            // (e) Rule {remotePort=0} through the raw control API (the 18-byte record): ping fails (echo code 0).
            byte[] record = io.jwfp.callouts.samples.portblocker.PortBlocker.Rule.record(0);
            bed.control("ioctl", "code=0x0022E004", "input=" + HexFormat.of().formatHex(record));
            assertThat(bed.rulePorts()).containsExactly(53, 0);
            assertThat(bed.apps.ping(bed.a, Testbed.address(bed.b, IpVersion.V4), 1, Duration.ofSeconds(2))).isFalse();
            // After a restart without that rule, ping works.
            io.jwfp.scenarios.support.SamplePolicies.unload(bed.a, bed.policy);
            bed.load();
            assertThat(bed.rulePorts()).isEmpty();
            assertThat(bed.apps.ping(bed.a, Testbed.address(bed.b, IpVersion.V4), 2, Duration.ofSeconds(2))).isTrue();
        }
    }
}

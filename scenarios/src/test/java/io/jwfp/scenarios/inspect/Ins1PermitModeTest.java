package io.jwfp.scenarios.inspect;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import io.jwfp.shim.sim.trace.Classification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** INS-1 (seed-samples §12): with BlockTraffic=0 everything to and from B takes the detour and arrives intact. */
class Ins1PermitModeTest {
    @Test
    @DisplayName("INS-1 permit mode is lossless: 10 MiB TCP, 100-datagram UDP echo, ping, inbound TCP; A<->C untouched")
    void permitModeIsLossless(@TempDir Path dir) throws Exception {
        try (InspectBed bed = new InspectBed(dir, IpVersion.V4, false)) {
            Programs.TcpServer sink = bed.apps.sink(bed.b, IpVersion.V4, 5000);
            Programs.UdpEcho echo = bed.apps.udpEcho(bed.b, Testbed.at(bed.b, IpVersion.V4, 7), "B:");
            Programs.TcpServer web = bed.apps.http(bed.a, IpVersion.V4, 80, "served by A");
            bed.apps.http(bed.c, IpVersion.V4, 80, "C");

            // The first TCP connection: its AUTH_CONNECT is pended, then reauthorized.
            byte[] data = new byte[10 << 20];
            new SplittableRandom(5).nextBytes(data);
            Programs.Connection got = bed.apps.upload(bed.a, Testbed.at(bed.b, IpVersion.V4, 5000), data, sink,
                    Duration.ofMinutes(5));
            assertThat(got).isNotNull();
            assertThat(got.bytes()).isEqualTo(data.length);
            assertThat(got.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));

            // A closed first: its last ACK is held after its socket is gone and still reaches B (sent at the network
            // layer: upstream issue #234 avoided), so B's side closes cleanly instead of timing out.
            bed.apps.run(Duration.ofSeconds(10));
            assertThat(got.socket.state()).isEqualTo("CLOSED");
            assertThat(got.socket.error()).isNull();
            long atNetworkLayer = bed.control("status").path("injectedAtNetworkLayer").asLong();
            assertThat(atNetworkLayer).isPositive();

            List<Classification> connect = bed.bySample().stream()
                    .filter(c -> c.layer() == FWPM_LAYER_ALE_AUTH_CONNECT_V4).toList();
            assertThat(connect).hasSize(2);
            assertThat(connect.get(0)).satisfies(c -> {
                assertThat(c.blocked() && c.absorbed() && !c.reauthorize()).as("pended: BLOCK + ABSORB").isTrue();
            });
            assertThat(connect.get(1)).satisfies(c -> {
                assertThat(c.reauthorize() && !c.blocked()).as("the reauthorization permits").isTrue();
            });
            List<Classification> out = bed.bySample().stream().filter(c -> c.layer() == FWPM_LAYER_OUTBOUND_TRANSPORT_V4).toList();
            // Each segment twice: the original absorbed, its clone recognized as self-injected and permitted (but
            // those sent at the network layer, which come back at OUTBOUND_IPPACKET only).
            assertThat(out.stream().filter(c -> !c.injected())).allMatch(c -> c.blocked() && c.absorbed());
            assertThat(out.stream().filter(Classification::injected)).allMatch(c -> !c.blocked());
            assertThat(out.stream().filter(Classification::injected).count())
                    .isEqualTo(out.stream().filter(c -> !c.injected()).count() - atNetworkLayer).isGreaterThan(7000);

            // 100 datagrams, each answered exactly once, the first one included (it was held at AUTH_CONNECT).
            UdpSocket u = Testbed.client(bed.a).udpSocket(IpVersion.V4);
            for (int i = 0; i < 100; i++) {
                UdpSocket.Datagram r = bed.apps.udpAsk(u, Testbed.at(bed.b, IpVersion.V4, 7),
                        ("d" + i).getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(2));
                assertThat(r).as("answer %d", i).isNotNull();
                assertThat(new String(r.data(), StandardCharsets.US_ASCII)).isEqualTo("B:d" + i);
            }
            bed.apps.run(Duration.ofSeconds(1));
            assertThat(echo.answered()).hasSize(100);
            assertThat(u.receive()).isNull();
            assertThat(bed.apps.ping(bed.a, Testbed.address(bed.b, IpVersion.V4), 1, Duration.ofSeconds(2))).isTrue();

            // B -> A: accepted and intact; the SYN needed an ALE decision, so the transport layer let it pass.
            bed.t.network().trace().clear();
            Programs.CurlResult in = bed.apps.curl(bed.b, Testbed.at(bed.a, IpVersion.V4, 80), Duration.ofSeconds(5));
            assertThat(in.ok()).as(in.error()).isTrue();
            assertThat(in.body()).isEqualTo("served by A");
            assertThat(web.connectionsWithData()).isEqualTo(1);
            List<Classification> inbound = bed.bySample().stream().filter(c -> c.layer() == FWPM_LAYER_INBOUND_TRANSPORT_V4).toList();
            assertThat(inbound.getFirst()).satisfies(c -> {
                assertThat(c.event()).isEqualTo("SYN");
                assertThat(c.blocked() || c.injected()).as("permitted at transport: ALE classifies it").isFalse();
            });
            assertThat(inbound).filteredOn(c -> !c.injected() && !c.event().equals("SYN"))
                    .isNotEmpty().allMatch(c -> c.blocked() && c.absorbed());

            // A <-> C produces no classify by the sample's filters (once B's connection has closed).
            bed.apps.run(Duration.ofSeconds(10));
            bed.t.network().trace().clear();
            assertThat(bed.apps.curl(bed.a, Testbed.at(bed.c, IpVersion.V4, 80), Duration.ofSeconds(5)).ok()).isTrue();
            assertThat(bed.apps.ping(bed.a, Testbed.address(bed.c, IpVersion.V4), 2, Duration.ofSeconds(2))).isTrue();
            assertThat(bed.bySample()).isEmpty();

            assertThat(bed.drops(0)).as("no net events: nothing was dropped").isEmpty();
            assertThat(bed.control("status").path("injectFailures").asLong()).isZero();
        }
    }
}

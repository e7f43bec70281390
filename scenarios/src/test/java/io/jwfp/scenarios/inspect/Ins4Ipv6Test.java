package io.jwfp.scenarios.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.sim.FrameCapture;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** INS-4 (seed-samples §12): RemoteAddressToInspect=fd00:200::2 in permit mode. */
class Ins4Ipv6Test {
    @Test
    @DisplayName("INS-4 IPv6: TCP, UDP and ICMPv6 echo work; B sees byte-identical packets, no extension header added")
    void ipv6PermitModeIsTransparent(@TempDir Path dir) {
        List<String> withEngine;
        try (InspectBed bed = new InspectBed(dir, IpVersion.V6, false)) {
            withEngine = exchange(bed.t, bed.apps);
            assertThat(bed.bySample()).as("the traffic did take the detour").isNotEmpty()
                    .anyMatch(c -> c.absorbed()).anyMatch(c -> c.injected());
            assertThat(bed.control("status").path("injectFailures").asLong()).isZero();
        }
        Testbed plain = Testbed.t3();
        List<String> without = exchange(plain, new Programs(plain.network()));
        assertThat(without).hasSizeGreaterThanOrEqualTo(10); // TCP (handshake, request, ACKs, FIN), 3 datagrams, 1 echo
        assertThat(withEngine).containsExactlyElementsOf(without);
    }

    /** TCP, UDP and ping from A to B; returns the IP packets B received, in hex. */
    static List<String> exchange(Testbed t, Programs apps) {
        apps.http(t.b(), IpVersion.V6, 80, "B6");
        apps.udpEcho(t.b(), Testbed.at(t.b(), IpVersion.V6, 7), "B:");
        FrameCapture atB = Testbed.nic(t.b()).capture();
        Programs.CurlResult curl = apps.curl(t.a(), Testbed.at(t.b(), IpVersion.V6, 80), Duration.ofSeconds(5));
        assertThat(curl.ok()).as(curl.error()).isTrue();
        assertThat(curl.body()).isEqualTo("B6");
        UdpSocket u = Testbed.client(t.a()).udpSocket(IpVersion.V6);
        for (int i = 0; i < 3; i++) {
            UdpSocket.Datagram r = apps.udpAsk(u, Testbed.at(t.b(), IpVersion.V6, 7),
                    ("d" + i).getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(2));
            assertThat(r).isNotNull();
        }
        assertThat(apps.ping(t.a(), Testbed.address(t.b(), IpVersion.V6), 1, Duration.ofSeconds(2))).isTrue();
        apps.run(Duration.ofSeconds(10));
        List<String> in = new ArrayList<>();
        for (FrameCapture.Frame f : atB.ipFrames()) {
            if (f.sent()) continue;
            ParsedPacket p = f.parse();
            assertThat(p.ipVersion()).isEqualTo(6);
            assertThat(p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
            byte nextHeader = f.ipPacket()[6];
            assertThat(nextHeader).as("no extension header (upstream #1338)").isIn((byte) 6, (byte) 17, (byte) 58);
            in.add(HexFormat.of().formatHex(f.ipPacket()));
        }
        return in;
    }
}

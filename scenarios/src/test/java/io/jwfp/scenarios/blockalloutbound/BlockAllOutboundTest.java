package io.jwfp.scenarios.blockalloutbound;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_INBOUND_IPPACKET_V4;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.sim.FrameCapture;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed's first application on the simulator (T2): {@code examples/policies/samples/block-all-outbound.yaml} on
 * A — one static BLOCK filter at OUTBOUND_IPPACKET_V4 and its V6 twin.
 */
class BlockAllOutboundTest {
    final Testbed t = Testbed.t2();
    final SimHost a = t.a();
    final SimHost b = t.b();
    final Programs apps = new Programs(t.network());
    final Policy policy = SamplePolicies.parse("block-all-outbound");
    final PolicyApplier.Result loaded = SamplePolicies.load(a, policy);

    static Layer outbound(IpVersion v) {
        return v == IpVersion.V4 ? FWPM_LAYER_OUTBOUND_IPPACKET_V4 : FWPM_LAYER_OUTBOUND_IPPACKET_V6;
    }

    long filterId(IpVersion v) {
        return loaded.filterIds().get(v == IpVersion.V4 ? "block-all-outbound-v4" : "block-all-outbound-v6");
    }

    List<NetEvent> drops() {
        return a.bfe().netEvents().since(0).stream()
                .filter(e -> e.type() == NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP).toList();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("every outbound packet of A is dropped: TCP connect fails, UDP and ICMP do not leave; net events name the filter and layer")
    void everyOutboundPacketIsDropped(IpVersion v) {
        apps.http(b, v, 80, "B");
        Programs.UdpEcho echo = apps.udpEcho(b, Testbed.at(b, v, 7), "B:");
        FrameCapture atB = Testbed.nic(b).capture();

        Programs.CurlResult curl = apps.curl(a, Testbed.at(b, v, 80), Duration.ofSeconds(5));
        assertThat(curl.ok()).isFalse();
        assertThat(curl.error()).isEqualTo("timeout");
        UdpSocket u = Testbed.client(a).udpSocket(v);
        assertThat(apps.udpAsk(u, Testbed.at(b, v, 7), "x".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(2))).isNull();
        assertThat(apps.ping(a, Testbed.address(b, v), 1, Duration.ofSeconds(2))).isFalse();
        apps.run(Duration.ofMinutes(2)); // the SYN's retransmissions run out

        assertThat(echo.answered()).isEmpty();
        assertThat(atB.frames()).as("only neighbour resolution (below IP) leaves A").allMatch(f -> f.sent() || f.isArp());
        assertThat(drops()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.layer()).isEqualTo(outbound(v));
            assertThat(e.filterId()).isEqualTo(filterId(v));
            assertThat(e.direction()).isEqualTo("FWP_DIRECTION_OUTBOUND");
        });
        assertThat(drops()).allMatch(e -> e.remoteAddr().equals(io.jwfp.shim.sim.scenario.Scenarios.text(Testbed.address(b, v))));
        // The trace says what was dropped: the SYN and its 5 retransmissions, the datagram, the echo request.
        assertThat(t.network().trace().classifications("A")).filteredOn(c -> c.layer() == outbound(v))
                .allMatch(c -> c.blocked() && c.filterId() == filterId(v))
                .extracting(c -> c.event()).containsExactlyInAnyOrder("SYN", "SYN", "SYN", "SYN", "SYN", "SYN",
                        "datagram", "echo-request");
        assertThat(drops()).hasSize(8);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("inbound packets still arrive at A, but A's answers cannot leave")
    void inboundArrivesRepliesDoNot(IpVersion v) {
        Programs.TcpServer web = apps.http(a, v, 80, "A");
        Programs.UdpEcho echo = apps.udpEcho(a, Testbed.at(a, v, 7), "A:");
        FrameCapture atB = Testbed.nic(b).capture();

        assertThat(apps.ping(b, Testbed.address(a, v), 1, Duration.ofSeconds(2))).isFalse();
        UdpSocket u = Testbed.client(b).udpSocket(v);
        assertThat(apps.udpAsk(u, Testbed.at(a, v, 7), "x".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(2))).isNull();
        Programs.CurlResult curl = apps.curl(b, Testbed.at(a, v, 80), Duration.ofSeconds(5));

        assertThat(curl.ok()).isFalse();
        assertThat(echo.answered()).as("the datagram arrived at A's program").hasSize(1);
        assertThat(web.connections()).as("the handshake never completes").isEmpty();
        Layer in = v == IpVersion.V4 ? FWPM_LAYER_INBOUND_IPPACKET_V4 : FWPM_LAYER_INBOUND_IPPACKET_V4.otherIpVersion();
        assertThat(t.network().trace().classifications("A")).filteredOn(c -> c.layer() == in)
                .isNotEmpty().allMatch(c -> !c.blocked());
        assertThat(atB.ipFrames()).as("nothing A answers reaches B").allMatch(FrameCapture.Frame::sent);
        // The echo reply, the UDP answer and the SYN-ACKs: dropped at OUTBOUND_IPPACKET by the sample's filter.
        assertThat(t.network().trace().classifications("A")).filteredOn(c -> c.layer() == outbound(v))
                .allMatch(c -> c.blocked() && c.filterId() == filterId(v))
                .extracting(c -> c.event()).contains("echo-reply", "datagram", "SYN-ACK");
        assertThat(drops()).isNotEmpty().allMatch(e -> e.layer() == outbound(v) && e.filterId() == filterId(v));
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("loopback traffic inside A is outbound too, and is dropped")
    void loopbackIsDropped(IpVersion v) {
        InetSocketAddress lo = new InetSocketAddress(Testbed.ip(v == IpVersion.V4 ? "127.0.0.1" : "::1"), 8080);
        Programs.TcpServer local = apps.tcpServer(a, lo, (c, data) -> { });
        TcpSocket c = Testbed.client(a).tcpSocket(v);
        Programs.CurlResult r = apps.curl(c, lo, Duration.ofSeconds(3));
        assertThat(r.ok()).isFalse();
        assertThat(local.connections()).isEmpty();
        assertThat(drops()).isNotEmpty().allMatch(NetEvent::loopback);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("removing the filter restores traffic")
    void removingTheFilterRestoresTraffic(IpVersion v) {
        apps.http(b, v, 80, "B");
        assertThat(apps.curl(a, Testbed.at(b, v, 80), Duration.ofSeconds(3)).ok()).isFalse();
        SamplePolicies.unload(a, policy);
        Programs.CurlResult r = apps.curl(a, Testbed.at(b, v, 80), Duration.ofSeconds(3));
        assertThat(r.ok()).as(r.error()).isTrue();
        assertThat(r.body()).isEqualTo("B");
        assertThat(apps.ping(a, Testbed.address(b, v), 9, Duration.ofSeconds(2))).isTrue();
    }
}

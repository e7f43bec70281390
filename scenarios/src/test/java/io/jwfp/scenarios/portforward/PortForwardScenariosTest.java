package io.jwfp.scenarios.portforward;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.scenarios.nat.Apps.bytes;
import static io.jwfp.scenarios.nat.Apps.text;
import static io.jwfp.scenarios.nat.Nets.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.policy.PolicyException;
import io.jwfp.scenarios.nat.Apps;
import io.jwfp.scenarios.nat.Nets;
import io.jwfp.scenarios.nat.SamplePolicies;
import io.jwfp.scenarios.nat.Wire;
import io.jwfp.shim.sim.CapturedFrame;
import io.jwfp.shim.sim.PingSocket;
import io.jwfp.shim.sim.SimCapture;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.trace.Classification;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Port forwarding by IP header rewrite (the seed's second application) on the simulated network, T2: host A is the
 * client (10.200.0.1, fd00:200::1), host B runs the forwarder and has A' = 10.200.0.2 (fd00:200::2), the address clients
 * use, and B' = 10.200.0.12 (fd00:200::12), where the server listens on port 8080. The policy is the shipped
 * {@code examples/policies/samples/port-forward.yaml} (IPv4) or {@code port-forward-v6.yaml}.
 */
class PortForwardScenariosTest {
    /** One run: the network, the forwarding host's capture and addresses of the family under test. */
    static final class Setup {
        final Nets.T2 t = Nets.t2(5);
        final SimCapture cap = t.net().startCapture();
        final IpVersion v;
        final String listen, target, client;

        Setup(IpVersion v) {
            this.v = v;
            boolean v4 = v == IpVersion.V4;
            t.b().eth().addAddress(v4 ? "10.200.0.12/24" : "fd00:200::12/64");
            listen = v4 ? "10.200.0.2" : "fd00:200::2";
            target = v4 ? "10.200.0.12" : "fd00:200::12";
            client = v4 ? "10.200.0.1" : "fd00:200::1";
            server().applyPolicy(SamplePolicies.load(v4 ? "port-forward.yaml" : "port-forward-v6.yaml"));
        }

        SimHost server() {
            return t.b().host();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> stats() {
            FwpsCallout c = server().engine().callouts().byKey(io.jwfp.policy.PolicyParser.derivedKey("callout",
                    v == IpVersion.V4 ? "port-forward-inbound-v4" : "port-forward-inbound-v6"));
            return (Map<String, Object>) c.control().control("stats", Map.of());
        }

        /** Every IP frame on the link is between the client and A' (never B'), on the ports given. */
        void assertWireShowsOnly(int serverPort) {
            for (CapturedFrame f : cap.frames()) {
                if (!f.isIp()) continue;
                ParsedPacket p = Wire.parse(f);
                java.net.InetAddress src = addr(p, true), dst = addr(p, false);
                assertThat(List.of(src, dst)).as("%s", f).containsExactlyInAnyOrder(Nets.ip(client), Nets.ip(listen));
                if (p.has(ParsedPacket.HAS_PORTS) && !p.has(ParsedPacket.NON_FIRST_FRAGMENT)) {
                    assertThat(src.equals(Nets.ip(listen)) ? p.srcPort() : p.dstPort()).as("%s", f).isEqualTo(serverPort);
                }
            }
        }
    }

    static java.net.InetAddress addr(ParsedPacket p, boolean src) {
        return p.ipVersion() == 4 ? InetBits.toInet4(src ? p.srcV4() : p.dstV4())
                : InetBits.toInet6(src ? p.srcHi() : p.dstHi(), src ? p.srcLo() : p.dstLo());
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("PF-1 TCP: a client talks to A':80, the server on B':8080 serves it, and the client sees A'")
    void pf1Tcp(IpVersion v) {
        Setup s = new Setup(v);
        Apps.TcpServer server = new Apps.TcpServer(s.t.b().proc(), at(s.target, 8080), req -> bytes("served:" + text(req)));
        Apps.TcpClient[] clients = new Apps.TcpClient[10];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Apps.TcpClient(s.t.a().proc(), at(s.listen, 80), bytes("request " + i));
            Apps.settle(s.t.net(), server, clients[i]);
        }
        for (int i = 0; i < clients.length; i++) {
            assertThat(text(clients[i].response())).isEqualTo("served:request " + i);
            assertThat(clients[i].done()).isTrue();
            assertThat(clients[i].socket.remoteAddress()).isEqualTo(at(s.listen, 80));
        }
        assertThat(server.connections()).hasSize(10).allSatisfy(c -> {
            assertThat(c.peer.getAddress()).isEqualTo(Nets.ip(s.client));
            assertThat(c.socket.localAddress()).isEqualTo(at(s.target, 8080));
        });
        s.assertWireShowsOnly(80);
        assertThat(Wire.assertChecksumsValid(s.cap)).isGreaterThan(50);
        assertThat(s.server().stats()).doesNotContainKeys("bad-ip-checksum", "bad-transport-checksum", "no-endpoint");
        // Both ends closed with FIN, nothing reset.
        assertThat(s.t.net().trace().transmissions()).noneMatch(x -> x.event().equals("RST"));
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("PF-1 TCP volume: 1 MiB each way over one forwarded connection arrives intact")
    void pf1TcpVolume(IpVersion v) {
        Setup s = new Setup(v);
        byte[] up = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(up);
        byte[] down = new byte[1 << 20];
        new SplittableRandom(2).nextBytes(down);
        Apps.TcpServer server = new Apps.TcpServer(s.t.b().proc(), at(s.target, 8080), req -> down);
        Apps.TcpClient client = new Apps.TcpClient(s.t.a().proc(), at(s.listen, 80), up);
        Apps.settle(s.t.net(), server, client);
        assertThat(server.connections().getFirst().request()).isEqualTo(up);
        assertThat(client.response()).isEqualTo(down);
        s.assertWireShowsOnly(80);
        Wire.assertChecksumsValid(s.cap);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("PF-2 UDP: datagrams to A':80 reach the server on B':8080; replies come from A':80, connected or not")
    void pf2Udp(IpVersion v) {
        Setup s = new Setup(v);
        Apps.UdpEcho echo = new Apps.UdpEcho(s.t.b().proc(), at(s.target, 8080), "echo:");
        UdpSocket unconnected = s.t.a().proc().udpSocket(v);
        unconnected.sendTo(bytes("one"), at(s.listen, 80));
        Apps.settle(s.t.net(), echo);
        UdpSocket.Datagram d = unconnected.receive();
        assertThat(text(d.data())).isEqualTo("echo:one");
        assertThat(d.from()).isEqualTo(at(s.listen, 80));
        // A connected socket only takes datagrams from its peer: the reply must come from A':80.
        UdpSocket connected = s.t.a().proc().udpSocket(v);
        connected.connect(at(s.listen, 80));
        for (int i = 0; i < 20; i++) connected.send(bytes("c" + i));
        Apps.settle(s.t.net(), echo);
        for (int i = 0; i < 20; i++) assertThat(text(connected.receive().data())).isEqualTo("echo:c" + i);
        assertThat(echo.received).hasSize(21).allMatch(x -> x.from().getAddress().equals(Nets.ip(s.client)));
        assertThat(s.t.a().host().stats()).doesNotContainKey("udp-not-from-connected-peer");
        s.assertWireShowsOnly(80);
        Wire.assertChecksumsValid(s.cap);
        assertThat(s.stats()).containsEntry("forwarded", 21L).containsEntry("repliesRewritten", 21L);
    }

    @Test
    @DisplayName("PF-3 IPv6: the shipped IPv6 policy forwards [fd00:200::2]:80 to [fd00:200::12]:8080, TCP and UDP")
    void pf3Ipv6() {
        Setup s = new Setup(IpVersion.V6);
        Apps.TcpServer server = Apps.TcpServer.answering(s.t.b().proc(), at(s.target, 8080), "v6");
        Apps.TcpClient client = new Apps.TcpClient(s.t.a().proc(), at(s.listen, 80), bytes("hi"));
        Apps.UdpEcho echo = new Apps.UdpEcho(s.t.b().proc(), at(s.target, 8080), "u6:");
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V6);
        u.sendTo(bytes("x"), at(s.listen, 80));
        Apps.settle(s.t.net(), server, client, echo);
        assertThat(text(client.response())).isEqualTo("v6");
        assertThat(text(u.receive().data())).isEqualTo("u6:x");
        // No extension header added: every IPv6 packet on the wire carries TCP or UDP right after its header.
        for (CapturedFrame f : s.cap.frames()) {
            if (f.etherType() != CapturedFrame.IPV6) continue;
            assertThat(f.ip()[6] & 0xFF).isIn(IpProtocol.TCP, IpProtocol.UDP);
        }
        Wire.assertChecksumsValid(s.cap);
    }

    @Test
    @DisplayName("PF-4 checksums: 300 datagrams of random sizes both ways and a TCP exchange, every packet on the link valid")
    void pf4Checksums() {
        for (IpVersion v : IpVersion.values()) {
            Setup s = new Setup(v);
            Apps.UdpEcho echo = new Apps.UdpEcho(s.t.b().proc(), at(s.target, 8080), "");
            UdpSocket u = s.t.a().proc().udpSocket(v);
            SplittableRandom r = new SplittableRandom(9);
            for (int i = 0; i < 300; i++) {
                byte[] b = new byte[1 + r.nextInt(1400)];
                r.nextBytes(b);
                u.sendTo(b, at(s.listen, 80));
                Apps.settle(s.t.net(), echo);
                assertThat(u.receive().data()).isEqualTo(b);
            }
            Apps.TcpServer server = Apps.TcpServer.answering(s.t.b().proc(), at(s.target, 8080), "ok");
            Apps.TcpClient client = new Apps.TcpClient(s.t.a().proc(), at(s.listen, 80), new byte[5000]);
            Apps.settle(s.t.net(), server, client);
            assertThat(Wire.assertChecksumsValid(s.cap)).isGreaterThanOrEqualTo(600);
            // The receiving stacks verify checksums too; neither dropped anything for a bad one.
            assertThat(s.server().stats()).doesNotContainKeys("bad-ip-checksum", "bad-transport-checksum");
            assertThat(s.t.a().host().stats()).doesNotContainKeys("bad-ip-checksum", "bad-transport-checksum");
        }
    }

    @Test
    @DisplayName("PF-5 non-matching traffic is untouched: another port, B' directly, ICMP, the server's own connections")
    void pf5NonMatchingTrafficUntouched() {
        Setup s = new Setup(IpVersion.V4);
        Apps.TcpServer on81 = Apps.TcpServer.answering(s.t.b().proc(), at(s.listen, 81), "81");
        Apps.TcpServer target = Apps.TcpServer.answering(s.t.b().proc(), at(s.target, 8080), "direct");
        Apps.TcpClient to81 = new Apps.TcpClient(s.t.a().proc(), at(s.listen, 81), bytes("a"));
        Apps.TcpClient direct = new Apps.TcpClient(s.t.a().proc(), at(s.target, 8080), bytes("b"));
        PingSocket ping = s.t.a().proc().pingSocket(IpVersion.V4);
        ping.echo(Nets.ip(s.listen), 1, bytes("ping"));
        // The server host opens a connection of its own from B' to the client.
        Apps.TcpServer onClient = Apps.TcpServer.answering(s.t.a().proc(), at(s.client, 9000), "client");
        Apps.TcpClient fromServer = new Apps.TcpClient(s.t.b().proc(), at(s.target, 0), at(s.client, 9000), bytes("c"));
        Apps.settle(s.t.net(), on81, target, to81, direct, onClient, fromServer);
        assertThat(text(to81.response())).isEqualTo("81");
        assertThat(text(direct.response())).isEqualTo("direct");
        assertThat(direct.socket.remoteAddress()).isEqualTo(at(s.target, 8080));
        assertThat(text(fromServer.response())).isEqualTo("client");
        assertThat(ping.replies()).hasSize(1).allMatch(r -> r.from().equals(Nets.ip(s.listen)));
        assertThat(s.stats()).containsEntry("forwarded", 0L).containsEntry("repliesRewritten", 0L);
        // B' talks to the client on the wire directly (nothing was rewritten to A').
        assertThat(s.cap.frames()).filteredOn(CapturedFrame::isIp)
                .anyMatch(f -> addr(Wire.parse(f), true).equals(Nets.ip(s.target)));
        Wire.assertChecksumsValid(s.cap);
    }

    @Test
    @DisplayName("PF-5 Protocol=tcp leaves UDP to A':80 alone")
    void pf5ProtocolTcpOnly() {
        Nets.T2 t = Nets.t2(5);
        t.b().eth().addAddress("10.200.0.12/24");
        t.b().host().applyPolicy(SamplePolicies.load("port-forward.yaml", x -> x.replace("Protocol: both", "Protocol: tcp")));
        Apps.UdpEcho onA = new Apps.UdpEcho(t.b().proc(), at("10.200.0.2", 80), "A:");
        Apps.UdpEcho onB = new Apps.UdpEcho(t.b().proc(), at("10.200.0.12", 8080), "B:");
        UdpSocket u = t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(bytes("x"), at("10.200.0.2", 80));
        Apps.settle(t.net(), onA, onB);
        assertThat(text(u.receive().data())).isEqualTo("A:x");
        assertThat(onB.received).isEmpty();
    }

    @Test
    @DisplayName("PF-6 fragments pass the inbound layer untouched; the reassembled datagram is forwarded whole, the reply fragmented after the rewrite")
    void pf6Fragments() {
        Setup s = new Setup(IpVersion.V4);
        Apps.UdpEcho echo = new Apps.UdpEcho(s.t.b().proc(), at(s.target, 8080), "");
        byte[] big = new byte[4000];
        new SplittableRandom(4).nextBytes(big);
        // Make the bytes where a later fragment starts look like port 80, as a careless rewriter would read them.
        big[1472] = 0;
        big[1473] = 80;
        big[2952] = 0;
        big[2953] = 80;
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(big, at(s.listen, 80));
        Apps.settle(s.t.net(), echo);
        assertThat(echo.received).hasSize(1);
        assertThat(echo.received.getFirst().data()).isEqualTo(big);
        UdpSocket.Datagram back = u.receive();
        assertThat(back.data()).isEqualTo(big);
        assertThat(back.from()).isEqualTo(at(s.listen, 80));
        // Three fragments each way on the wire, all between the client and A'.
        assertThat(s.cap.frames()).filteredOn(f -> f.isIp() && Wire.parse(f).has(ParsedPacket.FRAGMENT)).hasSize(6);
        s.assertWireShowsOnly(80);
        Wire.assertChecksumsValid(s.cap);
        List<Classification> in = s.t.net().trace().classifications("B").stream()
                .filter(c -> c.layer() == FWPM_LAYER_INBOUND_IPPACKET_V4).toList();
        assertThat(in).extracting(Classification::event, Classification::absorbed, Classification::injected)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("fragment", false, false),
                        org.assertj.core.groups.Tuple.tuple("fragment", false, false),
                        org.assertj.core.groups.Tuple.tuple("fragment", false, false),
                        org.assertj.core.groups.Tuple.tuple("datagram", true, false),
                        org.assertj.core.groups.Tuple.tuple("datagram", false, true));
        assertThat(s.stats()).containsEntry("fragmentsPassed", 3L).containsEntry("forwarded", 1L);
    }

    @Test
    @DisplayName("PF-7 the trace: the original is absorbed, the rewritten copy is re-classified as the forwarder's own and permitted")
    void pf7LoopGuardInTheTrace() {
        Setup s = new Setup(IpVersion.V4);
        Apps.UdpEcho echo = new Apps.UdpEcho(s.t.b().proc(), at(s.target, 8080), "");
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(bytes("once"), at(s.listen, 80));
        Apps.settle(s.t.net(), echo);
        List<Classification> b = s.t.net().trace().classifications("B");
        List<Classification> ipIn = b.stream().filter(c -> c.layer() == FWPM_LAYER_INBOUND_IPPACKET_V4).toList();
        assertThat(ipIn).hasSize(2);
        assertThat(ipIn.get(0).absorbed()).isTrue();
        assertThat(ipIn.get(0).filterName()).isEqualTo("port-forward-inbound-v4");
        assertThat(ipIn.get(1).injected()).isTrue();
        assertThat(ipIn.get(1).action()).isEqualTo(ActionType.FWP_ACTION_PERMIT);
        assertThat(ipIn.get(1).summary()).contains("10.200.0.12:8080");
        List<Classification> ipOut = b.stream().filter(c -> c.layer() == FWPM_LAYER_OUTBOUND_IPPACKET_V4).toList();
        assertThat(ipOut).hasSize(2);
        assertThat(ipOut.get(0).absorbed()).isTrue();
        assertThat(ipOut.get(1).injected()).isTrue();
        assertThat(ipOut.get(1).summary()).contains("10.200.0.2:80");
        // The rewritten copies no longer match the shipped filters (they name A' inbound and B' outbound).
        assertThat(s.stats()).containsEntry("ownInjectionsSeen", 0L);
        assertThat(s.server().bfe().netEvents().since(0)).isEmpty();
    }

    @Test
    @DisplayName("PF-7 loop guard: with filters that match everything, the forwarder meets its own copies and lets them pass once")
    void pf7LoopGuardWithBroadFilters() {
        Nets.T2 t = Nets.t2(5);
        t.b().eth().addAddress("10.200.0.12/24");
        t.b().host().applyPolicy(SamplePolicies.load("port-forward.yaml", x -> x
                .replace("      - {field: FWPM_CONDITION_IP_LOCAL_ADDRESS, value: 10.200.0.2}\n", "")
                .replace("      - {field: FWPM_CONDITION_IP_LOCAL_ADDRESS, value: 10.200.0.12}\n", "")
                .replace("    conditions:\n", "")));
        Apps.UdpEcho echo = new Apps.UdpEcho(t.b().proc(), at("10.200.0.12", 8080), "");
        UdpSocket u = t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(bytes("once"), at("10.200.0.2", 80));
        Apps.settle(t.net(), echo);
        assertThat(echo.received).hasSize(1);
        assertThat(text(u.receive().data())).isEqualTo("once");
        assertThat(u.receive()).isNull();
        FwpsCallout c = t.b().host().engine().callouts().byKey(io.jwfp.policy.PolicyParser.derivedKey("callout",
                "port-forward-inbound-v4"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) c.control().control("stats", Map.of());
        assertThat(stats).containsEntry("ownInjectionsSeen", 2L).containsEntry("forwarded", 1L)
                .containsEntry("repliesRewritten", 1L);
    }

    @Test
    @DisplayName("PF-8 configuration: a bad value fails the apply with the key named, and nothing is applied")
    void pf8ConfigValidation() {
        String[][] cases = {
                {"ListenPort: 80", "ListenPort: 0", "ListenPort: 0 is out of range"},
                {"      ListenPort: 80\n", "", "ListenPort: missing"},
                {"TargetAddress: 10.200.0.12", "TargetAddress: fd00::12", "TargetAddress: fd00::12 is IPv6 but ListenAddress 10.200.0.2 is IPv4"},
                {"TargetAddress: 10.200.0.12\n      TargetPort: 8080", "TargetAddress: 10.200.0.2\n      TargetPort: 80",
                        "TargetPort: TargetAddress:TargetPort equals ListenAddress:ListenPort"},
                {"Protocol: both", "Protocol: sctp", "Protocol: 'sctp' is not one of both, tcp, udp"},
                {"Protocol: both", "Protocl: both", "Protocl: unknown key"},
                {"ListenAddress: 10.200.0.2", "ListenAddress: server.example", "ListenAddress: 'server.example' is not an IPv4 or IPv6 address"},
        };
        SamplePolicies.assertRefused("port-forward.yaml", FWPM_LAYER_INBOUND_IPPACKET_V4, cases);
        Nets.T2 t = Nets.t2(5);
        assertThatThrownBy(() -> t.b().host().applyPolicy(SamplePolicies.load("port-forward.yaml",
                x -> x.replace("layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4\n    implementation", "layer: FWPM_LAYER_OUTBOUND_IPPACKET_V6\n    implementation")
                        .replace("layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4\n    sublayer", "layer: FWPM_LAYER_OUTBOUND_IPPACKET_V6\n    sublayer")
                        .replace("{field: FWPM_CONDITION_IP_LOCAL_ADDRESS, value: 10.200.0.12}", "{field: FWPM_CONDITION_IP_LOCAL_ADDRESS, value: \"fd00::12\"}"))))
                .hasMessageContaining("ListenAddress: 10.200.0.2 is V4 but the callout is at FWPM_LAYER_OUTBOUND_IPPACKET_V6");
    }
}

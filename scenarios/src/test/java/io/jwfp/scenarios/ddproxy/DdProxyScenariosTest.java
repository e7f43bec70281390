package io.jwfp.scenarios.ddproxy;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.scenarios.nat.Apps.bytes;
import static io.jwfp.scenarios.nat.Apps.text;
import static io.jwfp.scenarios.nat.Nets.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.policy.PolicyException;
import io.jwfp.policy.PolicyParser;
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
import io.jwfp.shim.sim.trace.Direction;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ddproxy's acceptance scenarios DDP-1…4 (seed-samples §12) on the simulated network, T3: the engine runs on A
 * (10.200.0.1); B (10.200.0.2) echoes UDP 5001 with "B:", C (10.200.0.3) echoes 5002 with "C:"; the shipped
 * {@code examples/policies/samples/ddproxy.yaml} redirects 10.200.0.2:5001 to 10.200.0.3:5002.
 */
class DdProxyScenariosTest {
    /** The T3 network with the echo servers, A's policy and a capture of every frame. */
    static final class Setup {
        final Nets.T3 t = Nets.t3(11);
        final SimCapture cap = t.net().startCapture();
        final Apps.UdpEcho b, c;
        final boolean v4;

        Setup(String policy, boolean v4) {
            this(SamplePolicies.load(policy), v4);
        }

        Setup(io.jwfp.policy.Policy policy, boolean v4) {
            this.v4 = v4;
            b = new Apps.UdpEcho(t.b().proc(), at(v4 ? "10.200.0.2" : "fd00:200::2", 5001), "B:");
            c = new Apps.UdpEcho(t.c().proc(), at(v4 ? "10.200.0.3" : "fd00:200::3", 5002), "C:");
            t.a().host().applyPolicy(policy);
        }

        void settle() {
            Apps.settle(t.net(), b, c);
        }

        SimHost a() {
            return t.a().host();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> stats(String callout) {
            FwpsCallout co = a().engine().callouts().byKey(PolicyParser.derivedKey("callout", callout));
            return (Map<String, Object>) co.control().control("stats", Map.of());
        }

        List<Classification> classified(Layer layer) {
            return t.net().trace().classifications("A").stream().filter(x -> x.layer() == layer).toList();
        }

        /** UDP datagrams the links carried to {@code host}'s port (tcpdump in that host). */
        List<ParsedPacket> udpTo(SimHost host, int port) {
            return cap.to(host).stream().filter(CapturedFrame::isIp).map(Wire::parse)
                    .filter(p -> p.protocol() == IpProtocol.UDP && p.dstPort() == port).toList();
        }
    }

    static InetAddress ip(ParsedPacket p, boolean src) {
        return p.ipVersion() == 4 ? InetBits.toInet4(src ? p.srcV4() : p.dstV4())
                : InetBits.toInet6(src ? p.srcHi() : p.dstHi(), src ? p.srcLo() : p.dstLo());
    }

    @Test
    @DisplayName("DDP-1 transparent UDP redirect with reply un-NAT: \"hello\" to 10.200.0.2:5001 comes back \"C:hello\" from 10.200.0.2:5001")
    void ddp1() {
        Setup s = new Setup("ddproxy.yaml", true);
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(bytes("hello"), at("10.200.0.2", 5001));
        s.settle();
        UdpSocket.Datagram d = u.receive();
        assertThat(text(d.data())).isEqualTo("C:hello");
        assertThat(d.from()).isEqualTo(at("10.200.0.2", 5001));
        // tcpdump in B: nothing to 5001. In C: the request from A's port to 10.200.0.3:5002, checksum valid.
        assertThat(s.udpTo(s.t.b().host(), 5001)).isEmpty();
        assertThat(s.b.received).isEmpty();
        List<ParsedPacket> atC = s.udpTo(s.t.c().host(), 5002);
        assertThat(atC).hasSize(1);
        assertThat(ip(atC.getFirst(), true)).isEqualTo(Nets.ip("10.200.0.1"));
        assertThat(atC.getFirst().srcPort()).isEqualTo(u.localAddress().getPort());
        assertThat(atC.getFirst().has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
        Wire.assertChecksumsValid(s.cap);
        // The trace: FLOW_ESTABLISHED for the ORIGINAL flow, then for the PROXY flow the injected clone opened.
        assertThat(s.classified(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4)).extracting(Classification::filterName)
                .containsExactly("ddproxy-original-flow-v4", "ddproxy-proxy-flow-v4");
        assertThat(s.classified(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4)).allMatch(c -> c.action() == ActionType.FWP_ACTION_PERMIT);
        assertThat(s.classified(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4).get(1).injected()).isTrue();
        List<Classification> dd = s.classified(FWPM_LAYER_DATAGRAM_DATA_V4);
        assertThat(dd).filteredOn(c -> c.direction() == Direction.OUTBOUND).hasSize(1).allSatisfy(c -> {
            assertThat(c.absorbed()).isTrue();
            assertThat(c.filterName()).isEqualTo("ddproxy-datagrams-out-v4");
        });
        assertThat(dd).filteredOn(c -> c.direction() == Direction.INBOUND)
                .extracting(Classification::absorbed, Classification::injected, Classification::filterName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, false, "ddproxy-replies-in-v4"),
                        org.assertj.core.groups.Tuple.tuple(false, true, null));
        assertThat(s.classified(FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).filteredOn(Classification::injected).hasSize(1);
        // Net events: no drops.
        assertThat(s.a().bfe().netEvents().since(0)).isEmpty();
        assertThat(s.stats("ddproxy-datagram-data-v4")).containsEntry("originalFlows", 1L).containsEntry("proxyFlows", 1L)
                .containsEntry("redirected", 1L).containsEntry("repliesRewritten", 1L).containsEntry("injectFailures", 0L);
    }

    @Test
    @DisplayName("DDP-1 loop guard: with datagram-data filters that match everything, the proxy meets its own injections and lets them pass")
    void ddp1LoopGuard() {
        String text = SamplePolicies.text("ddproxy.yaml");
        // Keep only the direction condition of the two datagram-data filters.
        for (String f : List.of("ddproxy-datagrams-out-v4", "ddproxy-replies-in-v4")) {
            int at = text.indexOf("  - name: " + f);
            int cond = text.indexOf("    conditions:\n", at);
            int dir = text.indexOf("      - {field: FWPM_CONDITION_DIRECTION", cond);
            text = text.substring(0, cond + "    conditions:\n".length()) + text.substring(dir);
        }
        Setup s = new Setup(PolicyParser.parse("broad.yaml", text), true);
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(bytes("hello"), at("10.200.0.2", 5001));
        s.settle();
        assertThat(text(u.receive().data())).isEqualTo("C:hello");
        assertThat(u.receive()).isNull();
        assertThat(s.c.received).hasSize(1);
        assertThat(s.stats("ddproxy-datagram-data-v4")).containsEntry("redirected", 1L)
                .containsEntry("repliesRewritten", 1L).containsEntry("ownInjectionsSeen", 1L);
        // The rewritten reply, on the ORIGINAL flow, was shown to the callout as its own injection and permitted.
        assertThat(s.classified(FWPM_LAYER_DATAGRAM_DATA_V4)).filteredOn(c -> c.direction() == Direction.INBOUND && c.injected())
                .hasSize(1).allMatch(c -> c.action() == ActionType.FWP_ACTION_PERMIT && !c.absorbed()
                        && "ddproxy-replies-in-v4".equals(c.filterName()));
    }

    @Test
    @DisplayName("DDP-2 connected socket, volume: 1000 send/recv pairs of 1-1400 random bytes, all answered from 10.200.0.2:5001")
    void ddp2() {
        Setup s = new Setup("ddproxy.yaml", true);
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V4);
        u.connect(at("10.200.0.2", 5001));
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 1000; i++) {
            byte[] payload = new byte[1 + r.nextInt(1400)];
            r.nextBytes(payload);
            u.send(payload);
            s.settle();
            UdpSocket.Datagram d = u.receive();
            assertThat(d).as("reply %d", i).isNotNull();
            assertThat(d.from()).isEqualTo(at("10.200.0.2", 5001));
            assertThat(Arrays.copyOfRange(d.data(), 2, d.data().length)).isEqualTo(payload);
            assertThat(text(Arrays.copyOf(d.data(), 2))).isEqualTo("C:");
        }
        assertThat(s.c.received).hasSize(1000);
        assertThat(s.b.received).isEmpty();
        // A connected socket takes only its peer's datagrams: nothing arrived un-rewritten.
        assertThat(s.a().stats()).doesNotContainKey("udp-not-from-connected-peer");
        assertThat(Wire.assertChecksumsValid(s.cap)).isGreaterThanOrEqualTo(2000);
    }

    @Test
    @DisplayName("DDP-2 the PR #551 bug class: a proxy that rewrote the reply's destination port would never reach the connected socket")
    void ddp2RepliesNotRewrittenAreRefusedByAConnectedSocket() {
        // Without the inbound filter the replies come back from 10.200.0.3:5002 as they are: the connected socket drops them.
        Setup s = new Setup(SamplePolicies.load("ddproxy.yaml",
                x -> SamplePolicies.withoutFilter(x, "ddproxy-replies-in-v4")), true);
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V4);
        u.connect(at("10.200.0.2", 5001));
        u.send(bytes("x"));
        s.settle();
        assertThat(s.c.received).hasSize(1);
        assertThat(u.receive()).isNull();
        assertThat(s.a().stats().get("udp-not-from-connected-peer")).isEqualTo(1L);
    }

    @Test
    @DisplayName("DDP-3 scope: another port, TCP, and an unsolicited datagram from C are not touched")
    void ddp3() {
        Setup s = new Setup("ddproxy.yaml", true);
        Apps.UdpEcho b5003 = new Apps.UdpEcho(s.t.b().proc(), at("10.200.0.2", 5003), "B3:");
        Apps.TcpServer bTcp = Apps.TcpServer.answering(s.t.b().proc(), at("10.200.0.2", 5001), "tcp-B");
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(bytes("p"), at("10.200.0.2", 5003));
        Apps.TcpClient tcp = new Apps.TcpClient(s.t.a().proc(), at("10.200.0.2", 5001), bytes("t"));
        Apps.settle(s.t.net(), s.b, s.c, b5003, bTcp, tcp);
        assertThat(text(u.receive().data())).isEqualTo("B3:p");
        assertThat(text(tcp.response())).isEqualTo("tcp-B");
        assertThat(text(bTcp.connections().getFirst().request())).isEqualTo("t");
        // An A socket that never sent anything gets a datagram from C:5002: delivered as it is.
        UdpSocket quiet = s.t.a().proc().udpSocket(IpVersion.V4);
        quiet.bind(at("10.200.0.1", 6000));
        s.t.net().trace().clear();
        s.c.socket.sendTo(bytes("unsolicited"), at("10.200.0.1", 6000));
        s.settle();
        UdpSocket.Datagram d = quiet.receive();
        assertThat(text(d.data())).isEqualTo("unsolicited");
        assertThat(d.from()).isEqualTo(at("10.200.0.3", 5002));
        // The replies-in filter matches it, but the flow has no context: the conditional-on-flow callout is skipped.
        assertThat(s.classified(FWPM_LAYER_DATAGRAM_DATA_V4)).hasSize(1).allMatch(c -> c.filterId() == 0 && !c.absorbed());
        assertThat(s.stats("ddproxy-datagram-data-v4")).containsEntry("redirected", 0L).containsEntry("repliesRewritten", 0L);
    }

    @Test
    @DisplayName("DDP-4a ICMP mode: ping 10.200.0.2 is answered by 10.200.0.3 and shows 10.200.0.2; B sees no echo request")
    void ddp4aIcmp() {
        Setup s = new Setup("ddproxy-icmp.yaml", true);
        PingSocket ping = s.t.a().proc().pingSocket(IpVersion.V4);
        for (int i = 1; i <= 3; i++) {
            ping.echo(Nets.ip("10.200.0.2"), i, bytes("ping " + i));
            s.settle();
        }
        assertThat(ping.replies()).hasSize(3).allMatch(r -> r.from().equals(Nets.ip("10.200.0.2")));
        assertThat(ping.replies()).extracting(PingSocket.Reply::sequence).containsExactly(1, 2, 3);
        assertThat(echoRequestsTo(s, s.t.b().host())).isZero();
        assertThat(echoRequestsTo(s, s.t.c().host())).isEqualTo(3);
        Wire.assertChecksumsValid(s.cap);
    }

    static long echoRequestsTo(Setup s, SimHost h) {
        return s.cap.to(h).stream().filter(CapturedFrame::isIp).map(Wire::parse)
                .filter(p -> (p.protocol() == IpProtocol.ICMP && p.icmpType() == 8)
                        || (p.protocol() == IpProtocol.ICMPV6 && p.icmpType() == 128)).count();
    }

    @Test
    @DisplayName("DDP-4b IPv6: DDP-1 over IPv6; UDP checksums non-zero and valid, no extension header on any injected packet")
    void ddp4bIpv6() {
        Setup s = new Setup("ddproxy-v6.yaml", false);
        UdpSocket u = s.t.a().proc().udpSocket(IpVersion.V6);
        u.sendTo(bytes("hello"), at("fd00:200::2", 5001));
        UdpSocket conn = s.t.a().proc().udpSocket(IpVersion.V6);
        conn.connect(at("fd00:200::2", 5001));
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 50; i++) {
            byte[] b = new byte[1 + r.nextInt(1200)];
            r.nextBytes(b);
            conn.send(b);
        }
        s.settle();
        UdpSocket.Datagram d = u.receive();
        assertThat(text(d.data())).isEqualTo("C:hello");
        assertThat(d.from()).isEqualTo(at("fd00:200::2", 5001));
        for (int i = 0; i < 50; i++) assertThat(conn.receive()).isNotNull().extracting(UdpSocket.Datagram::from)
                .isEqualTo(at("fd00:200::2", 5001));
        assertThat(s.udpTo(s.t.b().host(), 5001)).isEmpty();
        assertThat(s.c.received).hasSize(51);
        for (CapturedFrame f : s.cap.frames()) {
            if (f.etherType() != CapturedFrame.IPV6) continue;
            byte[] ip = f.ip();
            assertThat(ip[6] & 0xFF).as("next header of %s", f).isEqualTo(IpProtocol.UDP);
            int checksum = ((ip[40 + 6] & 0xFF) << 8) | (ip[40 + 7] & 0xFF);
            assertThat(checksum).as("UDP checksum of %s", f).isNotZero();
        }
        Wire.assertChecksumsValid(s.cap);
    }

    @Test
    @DisplayName("DDP-4b IPv6 ICMP mode: ping6 fd00:200::2 is answered by fd00:200::3 and shows fd00:200::2 (ICMPv6 checksums valid)")
    void ddp4bIpv6Icmp() {
        UnaryOperator<String> v6 = x -> x.replace("10.200.0.2", "fd00:200::2").replace("10.200.0.3", "fd00:200::3")
                .replace("_V4", "_V6").replace("-v4", "-v6").replace("value: icmp}", "value: icmpv6}");
        Setup s = new Setup(SamplePolicies.load("ddproxy-icmp.yaml", v6), false);
        PingSocket ping = s.t.a().proc().pingSocket(IpVersion.V6);
        for (int i = 1; i <= 3; i++) {
            ping.echo(Nets.ip("fd00:200::2"), i, bytes("ping " + i));
            s.settle();
        }
        assertThat(ping.replies()).hasSize(3).allMatch(r -> r.from().equals(Nets.ip("fd00:200::2")));
        assertThat(echoRequestsTo(s, s.t.b().host())).isZero();
        assertThat(echoRequestsTo(s, s.t.c().host())).isEqualTo(3);
        Wire.assertChecksumsValid(s.cap);
        assertThat(s.a().stats()).doesNotContainKeys("bad-transport-checksum");
    }

    @Test
    @DisplayName("DDP-4c configuration: ports 5001/5001 without a new address refuse to load, naming the key; so do mixed families")
    void ddp4cConfigValidation() {
        String[][] cases = {
                {"      NewDestinationAddress: \"10.200.0.3\"\n      NewDestinationPort: 5002\n",
                        "      NewDestinationPort: 5001\n", "NewDestinationAddress: missing: the addresses come in pairs"},
                {"      DestinationAddressToIntercept: \"10.200.0.2\"\n", "",
                        "DestinationAddressToIntercept: missing: the addresses come in pairs"},
                {"NewDestinationAddress: \"10.200.0.3\"", "NewDestinationAddress: \"fd00:200::3\"",
                        "NewDestinationAddress: fd00:200::3 is IPv6 but DestinationAddressToIntercept 10.200.0.2 is IPv4"},
                {"InspectUdp: 1", "InspectUdp: 2", "InspectUdp: 2 is out of range"},
                {"NewDestinationPort: 5002", "NewDestinationPort: 70000", "NewDestinationPort: 70000 is out of range"},
        };
        SamplePolicies.assertRefused("ddproxy.yaml", FWPM_LAYER_DATAGRAM_DATA_V4, cases);
        // The seed's exact case: InspectUdp=1, ports 5001/5001, no new address (and so no address pair).
        Nets.T3 t = Nets.t3(1);
        assertThatThrownBy(() -> t.a().host().applyPolicy(SamplePolicies.load("ddproxy.yaml", x -> x
                .replace("      DestinationAddressToIntercept: \"10.200.0.2\"\n", "")
                .replace("      NewDestinationAddress: \"10.200.0.3\"\n", "")
                .replace("NewDestinationPort: 5002", "NewDestinationPort: 5001"))))
                .hasMessageContaining("NewDestinationPort: equals DestinationPortToIntercept (5001) and no address pair is configured");
    }
}

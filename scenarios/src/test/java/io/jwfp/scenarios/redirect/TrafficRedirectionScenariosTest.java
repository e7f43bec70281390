package io.jwfp.scenarios.redirect;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.scenarios.nat.Apps.bytes;
import static io.jwfp.scenarios.nat.Apps.text;
import static io.jwfp.scenarios.nat.Nets.at;
import static io.jwfp.scenarios.nat.Nets.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.callouts.samples.nat.IpRewrite;
import io.jwfp.callouts.samples.nat.NatAddress;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.policy.PolicyException;
import io.jwfp.policy.PolicyParser;
import io.jwfp.scenarios.nat.Apps;
import io.jwfp.scenarios.nat.Nets;
import io.jwfp.scenarios.nat.SamplePolicies;
import io.jwfp.scenarios.nat.TestCallouts;
import io.jwfp.scenarios.nat.Wire;
import io.jwfp.shim.sim.CapturedFrame;
import io.jwfp.shim.sim.SimCapture;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.trace.Classification;
import io.jwfp.shim.sim.trace.Transmission;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * BOT-Man-JL's traffic redirection driver: the acceptance scenarios BMR-1…4 (seed-samples §12) on the simulated
 * network, T3 (A 10.200.0.1, B 10.200.0.2, C 10.200.0.3 through br0). BMR-2 and BMR-3 rewrite MAC frames and rely on
 * Windows' layer placement, which only the simulator models (live Linux has no MAC-layer hook).
 */
class TrafficRedirectionScenariosTest {
    static final long MAC_11 = 0x02_00_00_00_00_11L, MAC_13 = 0x02_00_00_00_00_13L;

    static InetAddress addr(ParsedPacket p, boolean src) {
        return p.ipVersion() == 4 ? InetBits.toInet4(src ? p.srcV4() : p.dstV4())
                : InetBits.toInet6(src ? p.srcHi() : p.dstHi(), src ? p.srcLo() : p.dstLo());
    }

    @SuppressWarnings("unchecked")
    static <T> T control(SimHost h, String callout, String command) {
        FwpsCallout c = h.engine().callouts().byKey(PolicyParser.derivedKey("callout", callout));
        return (T) c.control().control(command, Map.of());
    }

    static List<Classification> classified(Nets.T3 t, SimHost h, io.jwfp.engine.layer.Layer layer) {
        return t.net().trace().classifications(h.name()).stream().filter(c -> c.layer() == layer).toList();
    }

    // ------------------------------------------------------------------ BMR-1

    @Test
    @DisplayName("BMR-1 single-ended redirect: curl 10.200.0.2:80 returns C's page, the socket still shows 10.200.0.2:80, B gets nothing")
    void bmr1() {
        Nets.T3 t = Nets.t3(21);
        SimCapture cap = t.net().startCapture();
        t.a().host().applyPolicy(SamplePolicies.load("traffic-redirection.yaml"));
        Apps.TcpServer b80 = Apps.TcpServer.answering(t.b().proc(), at("10.200.0.2", 80), "B");
        Apps.TcpServer c8080 = new Apps.TcpServer(t.c().proc(), at("10.200.0.3", 8080), req -> bytes("C"));
        Apps.UdpEcho bUdp = new Apps.UdpEcho(t.b().proc(), at("10.200.0.2", 80), "B:");
        Apps.UdpEcho cUdp = new Apps.UdpEcho(t.c().proc(), at("10.200.0.3", 8080), "C:");
        Apps.TcpClient curl = new Apps.TcpClient(t.a().proc(), at("10.200.0.2", 80), bytes("GET / HTTP/1.0\r\n\r\n"));
        Apps.settle(t.net(), b80, c8080, bUdp, cUdp, curl);
        assertThat(text(curl.response())).isEqualTo("C");
        assertThat(curl.socket.remoteAddress()).isEqualTo(at("10.200.0.2", 80));
        assertThat(c8080.connections()).hasSize(1).allMatch(c -> c.peer.getAddress().equals(ip("10.200.0.1")));
        // A 1 MiB upload arrives intact at C.
        byte[] upload = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(upload);
        Apps.TcpClient put = new Apps.TcpClient(t.a().proc(), at("10.200.0.2", 80), upload);
        Apps.settle(t.net(), b80, c8080, bUdp, cUdp, put);
        assertThat(c8080.connections()).hasSize(2);
        assertThat(c8080.connections().get(1).request()).isEqualTo(upload);
        assertThat(text(put.response())).isEqualTo("C");
        // A UDP datagram to 10.200.0.2:80 is delivered to C:8080 too, and its answer comes from 10.200.0.2:80.
        UdpSocket u = t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(bytes("dgram"), at("10.200.0.2", 80));
        Apps.settle(t.net(), b80, c8080, bUdp, cUdp);
        UdpSocket.Datagram d = u.receive();
        assertThat(text(d.data())).isEqualTo("C:dgram");
        assertThat(d.from()).isEqualTo(at("10.200.0.2", 80));
        // B receives nothing: no connection, no datagram, and no IP frame on its link but flooded ones.
        assertThat(b80.connections()).isEmpty();
        assertThat(bUdp.received).isEmpty();
        assertThat(cap.to(t.b().host())).filteredOn(CapturedFrame::isIp).allMatch(f -> f.dstMac() != t.b().eth().mac());
        // Every packet on the wire has valid IPv4 header and TCP/UDP checksums (the sample recomputes none).
        assertThat(Wire.assertChecksumsValid(cap)).isGreaterThan(100);
        assertThat(t.c().host().stats()).doesNotContainKeys("bad-ip-checksum", "bad-transport-checksum");
        assertThat(t.a().host().stats()).doesNotContainKeys("bad-ip-checksum", "bad-transport-checksum");
    }

    // ------------------------------------------------------------------ BMR-2

    /** Both ends run the driver with mirrored configurations; their NICs accept the fake MACs. */
    static Nets.T3 twoEnded(SimCapture[] cap, boolean cWithInboundMac) {
        Nets.T3 t = Nets.t3(22);
        cap[0] = t.net().startCapture();
        t.a().eth().setPromiscuous(true);
        t.c().eth().setPromiscuous(true);
        // The fake peers have static neighbour entries: nobody answers ARP for a fake address.
        t.a().eth().addNeighbour(ip("10.200.0.13"), MAC_13);
        t.c().eth().addNeighbour(ip("10.200.0.11"), MAC_11);
        t.a().host().applyPolicy(SamplePolicies.load("traffic-redirection-two-ended-a.yaml"));
        t.c().host().applyPolicy(cWithInboundMac ? SamplePolicies.load("traffic-redirection-two-ended-c.yaml")
                : SamplePolicies.load("traffic-redirection-two-ended-c.yaml",
                        x -> SamplePolicies.withoutFilter(x, "traffic-redirection-two-ended-c-inbound-mac")));
        return t;
    }

    @Test
    @DisplayName("BMR-2 two-ended anonymization: A reaches C:80, C's server sees A; on br0 only fake addresses, fake MACs and port 8080")
    void bmr2() {
        SimCapture[] cap = new SimCapture[1];
        Nets.T3 t = twoEnded(cap, true);
        Apps.TcpServer c80 = new Apps.TcpServer(t.c().proc(), at("10.200.0.3", 80), req -> bytes("C:" + text(req)));
        Apps.TcpClient curl = new Apps.TcpClient(t.a().proc(), at("10.200.0.3", 80), bytes("GET /"));
        Apps.settle(t.net(), c80, curl);
        assertThat(text(curl.response())).isEqualTo("C:GET /");
        assertThat(curl.socket.remoteAddress()).isEqualTo(at("10.200.0.3", 80));
        assertThat(c80.connections()).hasSize(1);
        assertThat(c80.connections().getFirst().peer.getAddress()).isEqualTo(ip("10.200.0.1"));
        Set<InetAddress> fakeIps = Set.of(ip("10.200.0.11"), ip("10.200.0.13"));
        int ipFrames = 0;
        for (CapturedFrame f : cap[0].frames()) {
            if (f.etherType() == CapturedFrame.ARP) continue; // ARP is the only place real addresses may show
            assertThat(f.etherType()).as("%s", f).isEqualTo(CapturedFrame.IPV4);
            ParsedPacket p = Wire.parse(f);
            assertThat(Set.of(addr(p, true), addr(p, false))).as("%s", f).isEqualTo(fakeIps);
            assertThat(Set.of(f.srcMac(), f.dstMac())).as("%s", f).isEqualTo(Set.of(MAC_11, MAC_13));
            int serverPort = addr(p, true).equals(ip("10.200.0.13")) ? p.srcPort() : p.dstPort();
            assertThat(serverPort).as("%s", f).isEqualTo(8080);
            ipFrames++;
        }
        assertThat(ipFrames).isGreaterThanOrEqualTo(8);
        Wire.assertChecksumsValid(cap[0]);
        Map<String, Object> a = control(t.a().host(), "traffic-redirection-two-ended-a-outbound-ip", "stats");
        assertThat((Long) a.get("framesOutRewritten")).isPositive();
        assertThat((Long) a.get("framesInRewritten")).isPositive();
        assertThat(a).containsEntry("injectFailures", 0L);
    }

    // ------------------------------------------------------------------ BMR-3

    /** A callout of the scenario's own that does the driver's source rewrite (to LocalFake) at the wrong layer. */
    static void misplacedSourceRewrite(SimHost h, NatAddress localFake) {
        FwpsKernel k = h.kernel();
        InjectionHandle inj = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
        TestCallouts.add(h, "source rewrite at OUTBOUND_IPPACKET", FWPM_LAYER_OUTBOUND_IPPACKET_V4, 0x100,
                (in, meta, data, ctx, f, flow, out) -> {
                    NetBufferList nbl = (NetBufferList) data;
                    if (k.queryPacketInjectionState(inj, nbl) != FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED) {
                        out.actionType = ActionType.FWP_ACTION_PERMIT;
                        return;
                    }
                    NetBufferList copy = k.allocateNetBufferListCopy(nbl);
                    IpRewrite.rewrite(copy.segment(), copy.dataOffset(), copy.dataLength(), IpRewrite.Side.SOURCE, localFake, -1);
                    k.injectNetworkSendAsync(inj, null, 0, meta.compartmentId, copy, null, null);
                    out.absorb();
                }, FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(InetBits.v4("10.200.0.3"))));
    }

    @Test
    @DisplayName("BMR-3a source rewritten at OUTBOUND_IPPACKET: nothing on the wire, a discard record on the outbound IP discard path")
    void bmr3aSourceRewriteAtTheNetworkLayer() {
        Nets.T3 t = Nets.t3(23);
        SimCapture cap = t.net().startCapture();
        // The two-ended driver on A without its MAC layers, its diagnostic callout watching the outbound discard layer.
        t.a().host().applyPolicy(SamplePolicies.load("traffic-redirection-two-ended-a.yaml", x -> SamplePolicies.withoutFilter(
                SamplePolicies.withoutFilter(x, "traffic-redirection-two-ended-a-outbound-mac"),
                "traffic-redirection-two-ended-a-inbound-mac")
                .replace("FWPM_LAYER_INBOUND_IPPACKET_V4_DISCARD", "FWPM_LAYER_OUTBOUND_IPPACKET_V4_DISCARD")));
        t.a().eth().addNeighbour(ip("10.200.0.13"), MAC_13);
        misplacedSourceRewrite(t.a().host(), NatAddress.of(ip("10.200.0.11")));
        Apps.TcpClient curl = new Apps.TcpClient(t.a().proc(), at("10.200.0.3", 80), bytes("x"));
        Apps.settle(t.net(), curl);
        assertThat(curl.socket.error()).isEqualTo("WSAETIMEDOUT");
        assertThat(cap.frames()).allMatch(f -> f.etherType() == CapturedFrame.ARP);
        assertThat(classified(t, t.a().host(), FWPM_LAYER_OUTBOUND_IPPACKET_V4_DISCARD)).isNotEmpty();
        List<Map<String, Object>> discards = control(t.a().host(), "traffic-redirection-two-ended-a-outbound-ip", "discards");
        assertThat(discards).isNotEmpty().allSatisfy(d -> {
            assertThat(d).containsEntry("layer", "FWPM_LAYER_OUTBOUND_IPPACKET_V4_DISCARD")
                    .containsEntry("module", FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_NETWORK);
            assertThat((String) d.get("packet")).startsWith("proto 6 10.200.0.11:");
        });
        assertThat(t.a().host().stats()).containsKey("source-not-local");
    }

    @Test
    @DisplayName("BMR-3b destination restored only at INBOUND_IPPACKET: never classified there, seen at INBOUND_IPPACKET_V4_DISCARD by the diagnostic callout")
    void bmr3bDestinationOnlyAtTheNetworkLayer() {
        SimCapture[] cap = new SimCapture[1];
        Nets.T3 t = twoEnded(cap, false);
        Apps.TcpServer c80 = Apps.TcpServer.answering(t.c().proc(), at("10.200.0.3", 80), "C");
        Apps.TcpClient curl = new Apps.TcpClient(t.a().proc(), at("10.200.0.3", 80), bytes("x"));
        Apps.settle(t.net(), c80, curl);
        assertThat(curl.socket.error()).isEqualTo("WSAETIMEDOUT");
        assertThat(c80.connections()).isEmpty();
        SimHost c = t.c().host();
        assertThat(classified(t, c, FWPM_LAYER_INBOUND_IPPACKET_V4)).isEmpty();
        Map<String, Object> stats = control(c, "traffic-redirection-two-ended-c-inbound-ip", "stats");
        assertThat(stats).containsEntry("inboundRewritten", 0L);
        List<Map<String, Object>> discards = control(c, "traffic-redirection-two-ended-c-inbound-ip", "discards");
        assertThat(discards).hasSize(6).allSatisfy(d -> {
            assertThat(d).containsEntry("layer", "FWPM_LAYER_INBOUND_IPPACKET_V4_DISCARD")
                    .containsEntry("module", FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_NETWORK);
            assertThat((String) d.get("packet")).startsWith("proto 6 10.200.0.11:").endsWith(" > 10.200.0.13:8080");
        });
        // The diagnostic callout permits, so the stack's own drop goes on: counted as "not local".
        assertThat(c.stats().get("not-local")).isEqualTo(6L);
    }

    @Test
    @DisplayName("BMR-3c un-NAT only at INBOUND_TRANSPORT: the replies never reach it (transport discard), the client retransmits its SYN and fails")
    void bmr3cUnNatAtTheTransportLayer() {
        Nets.T3 t = Nets.t3(24);
        SimHost a = t.a().host();
        a.applyPolicy(SamplePolicies.load("traffic-redirection.yaml",
                x -> SamplePolicies.withoutFilter(x, "traffic-redirection-inbound-ip")));
        int[] invoked = {0};
        TestCallouts.add(a, "un-NAT at INBOUND_TRANSPORT", FWPM_LAYER_INBOUND_TRANSPORT_V4, 0x100,
                (in, meta, data, ctx, f, flow, out) -> {
                    invoked[0]++;
                    out.actionType = ActionType.FWP_ACTION_PERMIT;
                }, FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(InetBits.v4("10.200.0.3"))));
        Apps.TcpServer c8080 = Apps.TcpServer.answering(t.c().proc(), at("10.200.0.3", 8080), "C");
        Apps.TcpClient curl = new Apps.TcpClient(t.a().proc(), at("10.200.0.2", 80), bytes("x"));
        Apps.settle(t.net(), c8080, curl);
        assertThat(curl.socket.error()).isEqualTo("WSAETIMEDOUT");
        assertThat(invoked[0]).isZero();
        assertThat(classified(t, a, FWPM_LAYER_INBOUND_TRANSPORT_V4_DISCARD)).isNotEmpty()
                .allMatch(c -> c.event().equals("SYN-ACK"));
        assertThat(classified(t, a, FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).filteredOn(c -> c.event().equals("SYN")).hasSize(6);
        assertThat(c8080.connections()).isEmpty();
    }

    @Test
    @DisplayName("BMR-3d RemoteReal nobody has: repeated ARP requests, zero OUTBOUND_IPPACKET classifies")
    void bmr3dUnresolvableRemoteReal() {
        Nets.T3 t = Nets.t3(25);
        t.a().host().applyPolicy(SamplePolicies.load("traffic-redirection.yaml", x -> x.replace("10.200.0.2", "10.200.0.99")));
        Apps.TcpClient curl = new Apps.TcpClient(t.a().proc(), at("10.200.0.99", 80), bytes("x"));
        Apps.settle(t.net(), curl);
        assertThat(curl.socket.error()).isEqualTo("WSAETIMEDOUT");
        assertThat(classified(t, t.a().host(), FWPM_LAYER_OUTBOUND_IPPACKET_V4)).isEmpty();
        List<Transmission> tx = t.net().trace().transmissions().stream().filter(x -> x.fromHost().equals("A")).toList();
        assertThat(tx).allMatch(Transmission::arp).allMatch(x -> x.summary().contains("who-has 10.200.0.99"));
        assertThat(tx.stream().map(Transmission::packetId).distinct().count()).isGreaterThanOrEqualTo(6);
        Map<String, Object> stats = control(t.a().host(), "traffic-redirection-outbound-ip", "stats");
        assertThat(stats).containsEntry("classifies", 0L);
    }

    // ------------------------------------------------------------------ BMR-4

    @Test
    @DisplayName("BMR-4 scope: IPv6, ARP and other hosts untouched")
    void bmr4Scope() {
        Nets.T3 t = Nets.t3(26);
        // A fourth host on the switch: neither RemoteReal nor RemoteFake.
        SimHost d = t.net().addHost("D");
        t.br0().connect(d.addInterface("eth0", "10.200.0.4/24"));
        SimCapture cap = t.net().startCapture();
        t.a().host().applyPolicy(SamplePolicies.load("traffic-redirection.yaml"));
        Apps.TcpServer b6 = Apps.TcpServer.answering(t.b().proc(), at("fd00:200::2", 80), "B6");
        Apps.TcpServer d80 = Apps.TcpServer.answering(d.process(400, "/usr/sbin/d", 1000), at("10.200.0.4", 80), "D80");
        Apps.TcpServer c8080 = Apps.TcpServer.answering(t.c().proc(), at("10.200.0.3", 8080), "C8080");
        Apps.TcpClient v6 = new Apps.TcpClient(t.a().proc(), at("fd00:200::2", 80), bytes("six"));
        Apps.TcpClient other = new Apps.TcpClient(t.a().proc(), at("10.200.0.4", 80), bytes("other"));
        Apps.settle(t.net(), b6, d80, c8080, v6, other);
        assertThat(text(v6.response())).isEqualTo("B6");
        assertThat(text(other.response())).isEqualTo("D80");
        assertThat(c8080.connections()).isEmpty();
        Map<String, Object> stats = control(t.a().host(), "traffic-redirection-outbound-ip", "stats");
        assertThat(stats).containsEntry("outboundRewritten", 0L).containsEntry("inboundRewritten", 0L);
        // IPv6 frames on the wire carry B's real address.
        assertThat(cap.frames()).filteredOn(f -> f.etherType() == CapturedFrame.IPV6).isNotEmpty()
                .allMatch(f -> Set.of(addr(Wire.parse(f), true), addr(Wire.parse(f), false))
                        .equals(Set.of(ip("fd00:200::1"), ip("fd00:200::2"))));
        // ARP frames carry the real addresses and MACs, untouched.
        Set<Long> realMacs = Set.of(t.a().eth().mac(), t.b().eth().mac(), t.c().eth().mac(), d.interfaces().get(1).mac());
        assertThat(cap.frames()).filteredOn(f -> f.etherType() == CapturedFrame.ARP).isNotEmpty()
                .allMatch(f -> realMacs.contains(f.srcMac()));
        Wire.assertChecksumsValid(cap);
    }

    @Test
    @DisplayName("BMR-4 as in the driver, RemoteFake cannot be reached directly: its packets are made to look like RemoteReal's")
    void bmr4RemoteFakeIsNotReachableDirectly() {
        Nets.T3 t = Nets.t3(28);
        t.a().host().applyPolicy(SamplePolicies.load("traffic-redirection.yaml"));
        Apps.TcpServer c80 = Apps.TcpServer.answering(t.c().proc(), at("10.200.0.3", 80), "C80");
        Apps.TcpClient direct = new Apps.TcpClient(t.a().proc(), at("10.200.0.3", 80), bytes("direct"));
        Apps.settle(t.net(), c80, direct);
        // C's SYN-ACK arrives rewritten to come from 10.200.0.2:80, which matches no connection of A's.
        assertThat(direct.response()).isEmpty();
        assertThat(direct.socket.isConnected()).isFalse();
        Map<String, Object> stats = control(t.a().host(), "traffic-redirection-outbound-ip", "stats");
        assertThat((Long) stats.get("inboundRewritten")).isPositive();
    }

    @Test
    @DisplayName("BMR-4 a 4000-byte datagram to RemoteReal:80 is fragmented at MTU 1500 and arrives whole at C:8080; its echo comes back whole from 10.200.0.2:80")
    void bmr4Fragments() {
        Nets.T3 t = Nets.t3(27);
        SimCapture cap = t.net().startCapture();
        t.a().host().applyPolicy(SamplePolicies.load("traffic-redirection.yaml"));
        Apps.UdpEcho c = new Apps.UdpEcho(t.c().proc(), at("10.200.0.3", 8080), "");
        byte[] big = new byte[4000];
        new SplittableRandom(5).nextBytes(big);
        // Where later fragments start (payload offsets 1472 and 2952) put the bytes of port 80 and 8080: a rewriter
        // that read "ports" in later fragments would change them.
        big[1472] = 0;
        big[1473] = 80;
        big[1474] = 0x1F;
        big[1475] = (byte) 0x90;
        big[2952] = 0x1F;
        big[2953] = (byte) 0x90;
        big[2954] = 0;
        big[2955] = 80;
        UdpSocket u = t.a().proc().udpSocket(IpVersion.V4);
        u.sendTo(big, at("10.200.0.2", 80));
        Apps.settle(t.net(), c);
        assertThat(c.received).hasSize(1);
        assertThat(c.received.getFirst().data()).isEqualTo(big);
        UdpSocket.Datagram back = u.receive();
        assertThat(back.data()).isEqualTo(big);
        assertThat(back.from()).isEqualTo(at("10.200.0.2", 80));
        List<CapturedFrame> frags = cap.frames().stream().filter(CapturedFrame::isIp)
                .filter(f -> Wire.parse(f).has(ParsedPacket.FRAGMENT)).toList();
        assertThat(frags).hasSize(6).allMatch(f -> f.bytes().length - 14 <= 1500);
        Wire.assertChecksumsValid(cap);
        Map<String, Object> stats = control(t.a().host(), "traffic-redirection-outbound-ip", "stats");
        assertThat(stats).containsEntry("fragmentsPassed", 3L).containsEntry("outboundRewritten", 1L)
                .containsEntry("inboundRewritten", 1L);
    }

    @Test
    @DisplayName("BMR-4 a missing registry value (no LocalEthernetAddress) refuses to load; other bad values name their key")
    void bmr4ConfigValidation() {
        String[][] cases = {
                {"      LocalEthernetAddress: 00-00-00-00-00-00\n", "", "LocalEthernetAddress: missing"},
                {"RemoteFakeAddress: 10.200.0.3", "RemoteFakeAddress: 0.0.0.0", "RemoteFakeAddress: is zero but RemoteRealAddress is not"},
                {"RemoteFakePort: 8080", "RemoteFakePort: 0", "RemoteFakePort: is zero but RemoteRealPort is not"},
                {"RemoteRealAddress: 10.200.0.2", "RemoteRealAddress: fd00::2", "RemoteRealAddress: fd00::2 is not an IPv4 address"},
                {"LocalEthernetAddress: 00-00-00-00-00-00", "LocalEthernetAddress: 02-00-00-00-00-11",
                        "LocalEthernetAddress: MAC rewrites happen with the local address rewrite"},
                {"RemoteEthernetAddress: 00-00-00-00-00-00", "RemoteEthernetAddress: 02:00:00:00:00", "RemoteEthernetAddress: '02:00:00:00:00' is not a MAC address"},
        };
        SamplePolicies.assertRefused("traffic-redirection.yaml", FWPM_LAYER_OUTBOUND_IPPACKET_V4, cases);
    }

}

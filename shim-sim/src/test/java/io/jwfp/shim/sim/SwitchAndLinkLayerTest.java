package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.shim.sim.trace.Classification;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulator's T3 pieces: a learning switch, frame capture, IPv4 fragmentation and reassembly around the IP packet
 * layers, MAC-layer injection, and work items.
 */
class SwitchAndLinkLayerTest {
    /** The seed's T3 topology: A, B and C on one switch. */
    static final class T3 {
        final SimNetwork net = new SimNetwork(3);
        final SimSwitch br0 = net.addSwitch("br0");
        final SimHost a = net.addHost("A"), b = net.addHost("B"), c = net.addHost("C");
        final SimInterface aEth, bEth, cEth;

        T3(IpVersion v, LinkOptions link) {
            boolean v4 = v == IpVersion.V4;
            aEth = a.addInterface("eth0", v4 ? "10.200.0.1/24" : "fd00:200::1/64");
            bEth = b.addInterface("eth0", v4 ? "10.200.0.2/24" : "fd00:200::2/64");
            cEth = c.addInterface("eth0", v4 ? "10.200.0.3/24" : "fd00:200::3/64");
            br0.connect(aEth, link).connect(bEth, link).connect(cEth, link);
        }

        UdpSocket udp(SimHost h, int port, IpVersion v) {
            UdpSocket s = h.process(300, "/usr/bin/udp", 1000).udpSocket(v);
            if (port > 0) s.bind(new InetSocketAddress(port));
            return s;
        }
    }

    static List<Classification> at(SimNetwork net, SimHost h, io.jwfp.engine.layer.Layer layer) {
        return net.trace().classifications(h.name()).stream().filter(x -> x.layer() == layer).toList();
    }

    @Test
    void theSwitchLearnsMacsAndStopsFloodingOnceItKnowsTheDestination() {
        T3 t = new T3(IpVersion.V4, LinkOptions.DEFAULT);
        SimCapture cap = t.net.startCapture();
        UdpSocket server = t.udp(t.c, 5002, IpVersion.V4);
        UdpSocket client = t.udp(t.a, 0, IpVersion.V4);
        InetSocketAddress to = new InetSocketAddress(TestNet.addr("10.200.0.3"), 5002);
        client.sendTo(new byte[] {1}, to);
        t.net.runUntilIdle();
        client.sendTo(new byte[] {2}, to);
        t.net.runUntilIdle();
        assertThat(server.pending()).isEqualTo(2);
        // B saw the broadcast ARP request and nothing else: the reply taught the switch where A is, A's first
        // datagram where C is.
        assertThat(cap.to(t.b)).hasSize(1).allMatch(f -> f.etherType() == CapturedFrame.ARP);
        assertThat(cap.to(t.c)).filteredOn(CapturedFrame::isIp).hasSize(2);
        assertThat(t.br0.learntPort(t.aEth.mac())).isSameAs(t.aEth);
        assertThat(t.br0.learntPort(t.cEth.mac())).isSameAs(t.cEth);
        assertThat(t.b.stats()).doesNotContainKey("mac-filtered");
        assertThat(cap.frames()).allMatch(f -> f.from().host() != f.to().host());
    }

    @Test
    void framesForAnUnknownMacAreFloodedAndOnlyPromiscuousNicsTakeThem() {
        T3 t = new T3(IpVersion.V4, LinkOptions.DEFAULT);
        t.bEth.setPromiscuous(true);
        t.aEth.addNeighbour(TestNet.addr("10.200.0.3"), 0x02_00_00_00_00_13L); // a static entry: a MAC nobody has
        SimCapture cap = t.net.startCapture();
        t.udp(t.a, 0, IpVersion.V4).sendTo(new byte[] {1}, new InetSocketAddress(TestNet.addr("10.200.0.3"), 9));
        t.net.runUntilIdle();
        assertThat(cap.frames()).hasSize(2).allMatch(f -> f.dstMac() == 0x02_00_00_00_00_13L);
        assertThat(t.c.stats().get("mac-filtered")).isEqualTo(1);
        // B's NIC takes it; IP finds it is not for B (before INBOUND_IPPACKET).
        assertThat(t.b.stats().get("not-local")).isEqualTo(1);
    }

    @Test
    void a4000ByteDatagramIsFragmentedAfterOutboundIppacketAndReassembledAfterInboundIppacket() {
        T3 t = new T3(IpVersion.V4, LinkOptions.DEFAULT);
        SimCapture cap = t.net.startCapture();
        UdpSocket server = t.udp(t.c, 5002, IpVersion.V4);
        byte[] data = new byte[4000];
        new SplittableRandom(1).nextBytes(data);
        t.udp(t.a, 0, IpVersion.V4).sendTo(data, new InetSocketAddress(TestNet.addr("10.200.0.3"), 5002));
        t.net.runUntilIdle();
        assertThat(server.receive().data()).isEqualTo(data);
        List<CapturedFrame> ip = cap.to(t.c).stream().filter(CapturedFrame::isIp).toList();
        assertThat(ip).hasSize(3).allMatch(f -> f.bytes().length - 14 <= 1500);
        int id = -1;
        for (CapturedFrame f : ip) {
            ParsedPacket p = parse(f.ip());
            assertThat(p.has(ParsedPacket.FRAGMENT)).isTrue();
            assertThat(p.has(ParsedPacket.BAD_IP_CHECKSUM)).isFalse();
            assertThat(p.dontFragment()).isFalse();
            if (id < 0) id = (int) p.fragmentId();
            assertThat(p.fragmentId()).isEqualTo(id).isNotZero();
        }
        assertThat(at(t.net, t.a, FWPM_LAYER_OUTBOUND_IPPACKET_V4)).hasSize(1);
        assertThat(at(t.net, t.a, FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET)).hasSize(3)
                .allMatch(c -> c.event().equals("fragment"));
        List<Classification> in = at(t.net, t.c, FWPM_LAYER_INBOUND_IPPACKET_V4);
        assertThat(in).extracting(Classification::event).containsExactly("fragment", "fragment", "fragment", "datagram");
        assertThat(t.a.stats().get("fragmented")).isEqualTo(1);
    }

    @Test
    void theFlagsTellFragmentsFromTheReassembledDatagram() {
        T3 t = new T3(IpVersion.V4, LinkOptions.DEFAULT);
        List<Long> flags = new ArrayList<>();
        TestNet.callout(t.c, FWPM_LAYER_INBOUND_IPPACKET_V4, (in, meta, data, ctx, f, flow, out) -> {
            flags.add(TestNet.flags(in));
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        t.udp(t.c, 5002, IpVersion.V4);
        t.udp(t.a, 0, IpVersion.V4).sendTo(new byte[3000], new InetSocketAddress(TestNet.addr("10.200.0.3"), 5002));
        t.net.runUntilIdle();
        long frag = ConditionFlags.FWP_CONDITION_FLAG_IS_FRAGMENT;
        assertThat(flags).containsExactly(frag, frag, frag, (long) ConditionFlags.FWP_CONDITION_FLAG_IS_REASSEMBLED);
    }

    @Test
    void anIncompleteDatagramIsDroppedAfterTheReassemblyTimeout() {
        T3 t = new T3(IpVersion.V4, LinkOptions.DEFAULT);
        UdpSocket server = t.udp(t.c, 5002, IpVersion.V4);
        int[] seen = {0};
        TestNet.callout(t.c, FWPM_LAYER_INBOUND_IPPACKET_V4, (in, meta, data, ctx, f, flow, out) -> {
            // Drop the second fragment.
            if ((TestNet.flags(in) & ConditionFlags.FWP_CONDITION_FLAG_IS_FRAGMENT) != 0 && seen[0]++ == 1) out.blockHard();
            else out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        t.udp(t.a, 0, IpVersion.V4).sendTo(new byte[4000], new InetSocketAddress(TestNet.addr("10.200.0.3"), 5002));
        t.net.runUntilIdle();
        assertThat(server.pending()).isZero();
        assertThat(t.c.stats()).doesNotContainKey("reassembly-timeout");
        t.net.runFor(Duration.ofSeconds(61));
        assertThat(t.c.stats().get("reassembly-timeout")).isEqualTo(1);
    }

    @Test
    void ipv6PacketsLargerThanTheMtuAreStillDropped() {
        T3 t = new T3(IpVersion.V6, LinkOptions.DEFAULT);
        UdpSocket server = t.udp(t.c, 5002, IpVersion.V6);
        t.udp(t.a, 0, IpVersion.V6).sendTo(new byte[4000], new InetSocketAddress(TestNet.addr("fd00:200::3"), 5002));
        t.net.runUntilIdle();
        assertThat(server.pending()).isZero();
        assertThat(t.a.stats().get("mtu")).isEqualTo(1);
    }

    @Test
    void framesInjectedAtTheMacLayersAreClassifiedThereAgainAndCarryTheirRewrites() {
        T3 t = new T3(IpVersion.V4, LinkOptions.DEFAULT);
        t.cEth.setPromiscuous(true);
        long fakeMac = 0x02_00_00_00_00_11L;
        FwpsKernel ka = t.a.kernel();
        InjectionHandle ha = ka.injectionHandleCreate(AddressFamily.AF_UNSPEC, FwpsKernel.FWPS_INJECTION_TYPE_L2);
        List<FwpsPacketInjectionState> outStates = new ArrayList<>();
        TestNet.callout(t.a, FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            FwpsPacketInjectionState st = ka.queryPacketInjectionState(ha, nbl);
            outStates.add(st);
            if (st != FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = ka.allocateNetBufferListCopy(nbl);
            for (int i = 0; i < 6; i++) {
                copy.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, copy.dataOffset() + 6 + i,
                        (byte) (fakeMac >>> (8 * (5 - i))));
            }
            int ifIndex = (int) TestNet.value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX);
            assertThat(ka.injectMacSendAsync(ha, null, 0, FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET.layerId(), ifIndex, 0,
                    copy, null, null)).isEqualTo(NtStatus.STATUS_SUCCESS);
            out.absorb();
        });
        FwpsKernel kc = t.c.kernel();
        InjectionHandle hc = kc.injectionHandleCreate(AddressFamily.AF_UNSPEC, FwpsKernel.FWPS_INJECTION_TYPE_L2);
        List<FwpsPacketInjectionState> inStates = new ArrayList<>();
        TestNet.callout(t.c, FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            FwpsPacketInjectionState st = kc.queryPacketInjectionState(hc, nbl);
            inStates.add(st);
            if (st != FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = kc.allocateNetBufferListCopy(nbl);
            copy.retreat(14); // the inbound MAC layer indicates at the IP header
            int ifIndex = (int) TestNet.value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX);
            assertThat(kc.injectMacReceiveAsync(hc, null, 0, FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET.layerId(), ifIndex, 0,
                    copy, null, null)).isEqualTo(NtStatus.STATUS_SUCCESS);
            out.absorb();
        });
        SimCapture cap = t.net.startCapture();
        UdpSocket server = t.udp(t.c, 5002, IpVersion.V4);
        t.udp(t.a, 0, IpVersion.V4).sendTo(new byte[] {7}, new InetSocketAddress(TestNet.addr("10.200.0.3"), 5002));
        t.net.runUntilIdle();
        assertThat(server.receive().data()).containsExactly(7);
        assertThat(outStates).containsExactly(FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED,
                FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF);
        assertThat(inStates).containsExactly(FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED,
                FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF);
        assertThat(cap.frames()).filteredOn(CapturedFrame::isIp).hasSize(1).allMatch(f -> f.srcMac() == fakeMac);
        assertThat(ka.injectMacSendAsync(ha, null, 0, FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET.layerId(), 2, 0,
                NetBufferList.wrap(new byte[60]), null, null)).as("wrong layer").isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
    }

    @Test
    void workItemsRunAfterTheClassifyThatQueuedThem() {
        TestNet t = new TestNet(IpVersion.V4);
        List<String> order = new ArrayList<>();
        FwpsKernel k = t.client.kernel();
        TestNet.callout(t.client, FWPM_LAYER_OUTBOUND_IPPACKET_V4, (in, meta, data, ctx, f, flow, out) -> {
            order.add("classify");
            k.queueWorkItem(() -> order.add("work item"));
            order.add("classify returns");
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        t.clientProc.udpSocket(IpVersion.V4).sendTo(new byte[] {1}, t.server(9));
        t.net.runUntilIdle();
        assertThat(order).containsExactly("classify", "classify returns", "work item");
    }

    static ParsedPacket parse(byte[] ip) {
        ParsedPacket p = new ParsedPacket();
        PacketParser.parseIp(MemorySegment.ofArray(ip), 0, ip.length, p, ChecksumPolicy.VERIFY);
        return p;
    }
}

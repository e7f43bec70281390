package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.Ipv4View;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.repr.Packets;
import io.jwfp.shim.sim.scenario.Scenarios;
import io.jwfp.shim.sim.trace.Classification;
import io.jwfp.shim.sim.trace.Transmission;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Windows facts around the layers that seed-samples §9.3 lists (and BMR-3 tests), as the simulator models them. */
class WindowsFactsTest {
    /** Item 1: the next hop is resolved before OUTBOUND_IPPACKET; an unresolvable one is never classified there. */
    @Test
    void anUnresolvableNextHopNeverReachesOutboundIppacket() {
        TestNet t = new TestNet(IpVersion.V4);
        TcpSocket c = t.clientProc.tcpSocket(IpVersion.V4);
        c.connect(new InetSocketAddress(TestNet.addr("10.200.0.99"), 80));
        t.net.runUntilIdle();
        assertThat(c.error()).isEqualTo("WSAETIMEDOUT");
        assertThat(t.at(t.client, FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).hasSize(6); // the SYN and 5 retransmissions
        assertThat(t.at(t.client, FWPM_LAYER_OUTBOUND_IPPACKET_V4)).isEmpty();
        assertThat(t.net.trace().transmissions()).hasSizeGreaterThanOrEqualTo(3)
                .allMatch(Transmission::arp).allMatch(x -> x.summary().contains("who-has 10.200.0.99"));
        assertThat(t.client.stats().get("arp-failed")).isPositive();
    }

    /** Item 2: the source picks the interface after OUTBOUND_IPPACKET; a non-local source is undeliverable. */
    @Test
    void aSourceRewrittenToANonLocalAddressIsDiscardedAfterOutboundIppacket() {
        TestNet t = new TestNet(IpVersion.V4);
        t.listen(80);
        FwpsKernel k = t.client.kernel();
        InjectionHandle h = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
        int fake = InetBits.v4("10.200.0.11");
        TestNet.callout(t.client, FWPM_LAYER_OUTBOUND_IPPACKET_V4, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            if (k.queryPacketInjectionState(h, nbl) == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = k.allocateNetBufferListCopy(nbl);
            MemorySegment seg = copy.segment();
            Ipv4View ip = new Ipv4View().wrap(seg, copy.dataOffset(), copy.dataLength());
            int old = ip.srcAddr();
            ip.setSrcAddrWithChecksumUpdate(fake);
            new TcpView().wrap(seg, copy.dataOffset() + ip.headerLength(), copy.dataLength() - ip.headerLength())
                    .updateChecksumForAddressV4(old, fake);
            k.injectNetworkSendAsync(h, null, 0, 1, copy, null, null);
            out.absorb();
        });
        t.clientProc.tcpSocket(IpVersion.V4).connect(t.server(80));
        t.net.runUntilIdle();
        assertThat(t.at(t.client, FWPM_LAYER_OUTBOUND_IPPACKET_V4_DISCARD)).isNotEmpty()
                .allMatch(c -> c.summary().startsWith("tcp 10.200.0.11:"));
        assertThat(t.net.trace().transmissions()).allMatch(Transmission::arp);
        assertThat(t.client.stats().get("source-not-local")).isPositive();
    }

    /** Item 3: a packet for an address that is not ours is dropped before INBOUND_IPPACKET (not forwarding). */
    @Test
    void aPacketForSomeoneElseIsIndicatedAtTheInboundIppacketDiscardLayerOnly() {
        TestNet t = new TestNet(IpVersion.V4);
        SimInterface serverEth = t.server.interfaces().get(1);
        t.client.interfaces().get(1).addNeighbour(TestNet.addr("10.200.0.12"), serverEth.mac());
        t.clientProc.udpSocket(IpVersion.V4).sendTo(new byte[] {1}, new InetSocketAddress(TestNet.addr("10.200.0.12"), 53));
        t.net.runUntilIdle();
        assertThat(t.at(t.server, FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET)).hasSize(1);
        assertThat(t.at(t.server, FWPM_LAYER_INBOUND_IPPACKET_V4)).isEmpty();
        assertThat(t.at(t.server, FWPM_LAYER_INBOUND_IPPACKET_V4_DISCARD)).hasSize(1);
        assertThat(t.server.stats().get("not-local")).isEqualTo(1);
    }

    /** Item 4: transport demultiplexing happens before INBOUND_TRANSPORT; no socket means the discard layer. */
    @Test
    void noSocketMeansTheTransportDiscardLayerNotInboundTransport() {
        Scenarios.Run r = Scenarios.run("tcp-closed-port", IpVersion.V4, (n, h) -> { });
        var server = r.network().trace().classifications("server");
        assertThat(server).filteredOn(c -> !c.isMacLayer()).extracting(c -> c.layer().shortName()).containsExactly("INBOUND_IPPACKET_V4",
                "INBOUND_TRANSPORT_V4_DISCARD", "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4");
    }

    /** Blocking at the transport discard layer suppresses the RST (stealth mode, LO-2). */
    @Test
    void blockingAtTheTransportDiscardLayerSuppressesTheRst() {
        Scenarios.Run r = Scenarios.run("tcp-closed-port", IpVersion.V4, (n, h) -> {
            if (n.equals("server")) TestNet.block(h, FWPM_LAYER_INBOUND_TRANSPORT_V4_DISCARD, "stealth");
        });
        assertThat(r.network().trace().transmissions()).noneMatch(x -> x.event().equals("RST"));
        assertThat(r.outcome()).isEqualTo("connect: WSAETIMEDOUT");
    }

    /** Item 7: the IP header checksum is checked after INBOUND_MAC and before INBOUND_IPPACKET. */
    @Test
    void aBadIpChecksumIsDroppedAfterInboundMac() {
        TestNet t = new TestNet(IpVersion.V4);
        SimInterface clientEth = t.client.interfaces().get(1);
        SimInterface serverEth = t.server.interfaces().get(1);
        byte[] ip = Packets.udpV4((Inet4Address) t.clientAddr, (Inet4Address) t.serverAddr, 1000, 53, new byte[] {1});
        ip[10] ^= 0x55;
        byte[] frame = Packets.ethernet(serverEth.mac(), clientEth.mac(), ip);
        clientEth.link().transmit(clientEth, frame, 99, "datagram", "corrupt", false);
        t.net.runUntilIdle();
        assertThat(t.at(t.server, FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET)).hasSize(1);
        assertThat(t.at(t.server, FWPM_LAYER_INBOUND_IPPACKET_V4)).isEmpty();
        assertThat(t.at(t.server, FWPM_LAYER_INBOUND_IPPACKET_V4_DISCARD)).hasSize(1);
        assertThat(t.server.stats().get("bad-ip-checksum")).isEqualTo(1);
    }

    /** Item 8: ARP frames never traverse the IP layers. */
    @Test
    void arpFramesAreNeverClassified() {
        Scenarios.Run r = Scenarios.run("tcp", IpVersion.V4, (n, h) -> { });
        Set<Long> arp = r.network().trace().transmissions().stream().filter(Transmission::arp)
                .map(Transmission::packetId).collect(Collectors.toSet());
        assertThat(arp).hasSize(2);
        assertThat(r.network().trace().classifications()).extracting(Classification::packetId).doesNotContainAnyElementsOf(arp);
    }

    /** Item 6: the NIC drops frames for other MACs before INBOUND_MAC unless promiscuous. */
    @Test
    void framesForAnotherMacNeverReachInboundMacUnlessPromiscuous() {
        for (boolean promiscuous : new boolean[] {false, true}) {
            TestNet t = new TestNet(IpVersion.V4);
            SimInterface clientEth = t.client.interfaces().get(1);
            t.server.interfaces().get(1).setPromiscuous(promiscuous);
            byte[] ip = Packets.udpV4((Inet4Address) t.clientAddr, (Inet4Address) t.serverAddr, 1000, 53, new byte[] {1});
            clientEth.link().transmit(clientEth, Packets.ethernet(0x02_00_00_00_00_13L, clientEth.mac(), ip), 99,
                    "datagram", "fake MAC", false);
            t.net.runUntilIdle();
            assertThat(t.at(t.server, FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET)).hasSize(promiscuous ? 1 : 0);
        }
    }
}

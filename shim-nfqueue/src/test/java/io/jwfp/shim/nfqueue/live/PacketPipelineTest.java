package io.jwfp.shim.nfqueue.live;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.shim.nfqueue.live.PipelineHarness.FWD;
import static io.jwfp.shim.nfqueue.live.PipelineHarness.IN;
import static io.jwfp.shim.nfqueue.live.PipelineHarness.OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.TcpView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live layer pipeline on packets built in memory, with the mark bits jwfp's rules would set: Windows' layer order
 * per direction, ALE caching per flow, reauthorization after a policy change, FLOW_ESTABLISHED once, blocks with
 * discard indications and net events, and a callout's replacement packet in the verdict. No root needed.
 */
class PacketPipelineTest {
    static final Inet4Address A = v4("10.200.0.1");
    static final Inet4Address B = v4("10.200.0.2");
    static final int SYN = TcpView.FLAG_SYN;
    static final int SYN_ACK = TcpView.FLAG_SYN | TcpView.FLAG_ACK;
    static final int ACK = TcpView.FLAG_ACK;

    @TempDir
    Path tmp;
    PipelineHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new PipelineHarness(tmp);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    static Inet4Address v4(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] tcp(InetAddress src, InetAddress dst, int sport, int dport, int flags, String data) {
        return Packets.tcp(src, dst, sport, dport, 1000, flags == SYN ? 0 : 2000, flags, 65535, List.of(),
                data.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] udp(InetAddress src, InetAddress dst, int sport, int dport, String data) {
        return Packets.udp(src, dst, sport, dport, data.getBytes(StandardCharsets.US_ASCII));
    }

    static final int NEW = Marks.CT_NEW;
    static final int EST = Marks.CT_EST;
    static final int EST_REPLY = Marks.CT_EST | Marks.CT_REPLY;

    @Test
    void aTcpConnectIsClassifiedInWindowsOrderAndEstablishedOnce() {
        h.recordAt(FWPM_LAYER_ALE_AUTH_CONNECT_V4, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, FWPM_LAYER_OUTBOUND_TRANSPORT_V4,
                FWPM_LAYER_OUTBOUND_IPPACKET_V4, FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_INBOUND_TRANSPORT_V4,
                FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWPM_LAYER_DATAGRAM_DATA_V4);
        int g = h.clock.generation();
        var syn = h.feed(tcp(A, B, 40000, 80, SYN, ""), OUT, NEW);
        assertThat(h.seen).containsExactly("ALE_AUTH_CONNECT_V4", "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4");
        assertThat(syn.permitted()).isTrue();
        assertThat(Marks.genOf(syn.mark())).as("authorized under the current generation").isEqualTo(g);
        assertThat(syn.mark() & Marks.EST_DONE).isZero();

        var synAck = h.feed(tcp(B, A, 80, 40000, SYN_ACK, ""), IN, EST_REPLY);
        assertThat(h.seen).containsExactly("INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4", "ALE_FLOW_ESTABLISHED_V4");
        assertThat(synAck.mark() & Marks.EST_DONE).as("stored in the connmark: never again for this flow").isNotZero();

        h.feed(tcp(A, B, 40000, 80, ACK, ""), OUT, EST);
        assertThat(h.seen).containsExactly("OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4");
        h.feed(tcp(B, A, 80, 40000, ACK, "data"), IN, EST_REPLY | Marks.EST_DONE | Marks.gen(g));
        assertThat(h.seen).containsExactly("INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4");
        assertThat(h.flows.size()).isEqualTo(1);
        Flow f = h.flows.flows().getFirst();
        assertThat(f.authLayer()).isEqualTo(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
        assertThat(f.isInbound()).isFalse();
        assertThat(f.isEstablished()).isTrue();
    }

    @Test
    void datagramsAreAuthorizedOncePerFlowAndAnInboundFlowAtRecvAccept() {
        h.recordAt(FWPM_LAYER_ALE_AUTH_CONNECT_V4, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4,
                FWPM_LAYER_DATAGRAM_DATA_V4, FWPM_LAYER_OUTBOUND_TRANSPORT_V4, FWPM_LAYER_INBOUND_TRANSPORT_V4);
        h.feed(udp(A, B, 5000, 53, "q1"), OUT, NEW);
        assertThat(h.seen).containsExactly("ALE_AUTH_CONNECT_V4", "ALE_FLOW_ESTABLISHED_V4", "DATAGRAM_DATA_V4",
                "OUTBOUND_TRANSPORT_V4");
        h.feed(udp(A, B, 5000, 53, "q2"), OUT, EST);
        assertThat(h.seen).as("cached: no ALE").containsExactly("DATAGRAM_DATA_V4", "OUTBOUND_TRANSPORT_V4");
        h.feed(udp(B, A, 53, 5000, "a1"), IN, EST_REPLY);
        assertThat(h.seen).as("the reply belongs to the same flow").containsExactly("INBOUND_TRANSPORT_V4", "DATAGRAM_DATA_V4");

        h.feed(udp(B, A, 6000, 7000, "hello"), IN, NEW);
        assertThat(h.seen).containsExactly("INBOUND_TRANSPORT_V4", "ALE_AUTH_RECV_ACCEPT_V4", "ALE_FLOW_ESTABLISHED_V4",
                "DATAGRAM_DATA_V4");
        h.feed(udp(A, B, 7000, 6000, "reply"), OUT, EST_REPLY);
        assertThat(h.seen).as("the inbound flow covers the reply").containsExactly("DATAGRAM_DATA_V4", "OUTBOUND_TRANSPORT_V4");
        assertThat(h.flows.size()).isEqualTo(2);
    }

    @Test
    void aPolicyChangeAtTheAuthorizingLayerReauthorizesOnTheNextPacketOfEitherDirection() {
        h.recordAt(FWPM_LAYER_ALE_AUTH_CONNECT_V4, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4);
        h.feed(tcp(A, B, 40001, 443, SYN, ""), OUT, NEW);
        h.feed(tcp(B, A, 22222, 22, SYN, ""), IN, NEW);
        h.feed(tcp(A, B, 40001, 443, ACK, "x"), OUT, EST);
        assertThat(h.seen).isEmpty();

        int g = h.clock.generation();
        long block = h.filter("block-connects", FWPM_LAYER_ALE_AUTH_CONNECT_V4, ActionType.FWP_ACTION_BLOCK);
        assertThat(h.clock.generation()).as("an ALE policy change moves the generation").isEqualTo(Marks.nextGen(g));
        var r = h.feed(tcp(B, A, 443, 40001, ACK, "y"), IN, EST_REPLY);
        assertThat(h.seen).containsExactly("ALE_AUTH_CONNECT_V4 reauth");
        assertThat(r.dropped()).isTrue();
        assertThat(h.flows.size()).as("a failed reauthorization tears the flow down").isEqualTo(1);
        List<NetEvent> events = h.bfe.netEvents().since(0);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().filterId()).isEqualTo(block);
        assertThat(events.getFirst().reauthorize()).isTrue();

        // The inbound flow was authorized at RECV_ACCEPT, whose policy did not change: no reauthorization.
        var in = h.feed(tcp(A, B, 22, 22222, ACK, "z"), OUT, EST_REPLY);
        assertThat(h.seen).isEmpty();
        assertThat(in.permitted()).isTrue();
        assertThat(Marks.genOf(in.mark())).isEqualTo(Marks.nextGen(g));
    }

    @Test
    void anEstablishedFlowThisJwfpdNeverSawIsReauthorizedAtTheLayerItsDirectionNames() {
        h.recordAt(FWPM_LAYER_ALE_AUTH_CONNECT_V4, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4);
        h.feed(tcp(A, B, 40002, 80, ACK, "old"), OUT, EST);
        assertThat(h.seen).containsExactly("ALE_AUTH_CONNECT_V4 reauth");
        h.feed(tcp(A, B, 8080, 50000, ACK, "served"), OUT, EST_REPLY);
        assertThat(h.seen).containsExactly("ALE_AUTH_RECV_ACCEPT_V4 reauth");
        h.feed(tcp(A, B, 40003, 80, ACK | TcpView.FLAG_RST, ""), OUT, 0);
        assertThat(h.seen).as("no conntrack state (INVALID): no flow to authorize").isEmpty();
        h.feed(tcp(A, B, 7302, 40004, ACK | TcpView.FLAG_RST, ""), OUT, EST_REPLY);
        assertThat(h.seen).as("a RST of a flow already forgotten (conntrack kills RST-answered SYNs at once) opens nothing")
                .isEmpty();
        assertThat(h.flows.size()).isEqualTo(2);
    }

    @Test
    void aBlockDropsTheIndicatesTheDiscardLayerAndLogsAnEventWithPorts() {
        h.recordAt(FWPM_LAYER_OUTBOUND_IPPACKET_V4_DISCARD, FWPM_LAYER_OUTBOUND_IPPACKET_V4);
        long id = h.filter("block-ip", FWPM_LAYER_OUTBOUND_IPPACKET_V4, ActionType.FWP_ACTION_BLOCK);
        var r = h.feed(tcp(A, B, 40004, 8443, SYN, ""), OUT, NEW);
        assertThat(r.dropped()).isTrue();
        assertThat(h.seen).containsExactly("OUTBOUND_IPPACKET_V4", "OUTBOUND_IPPACKET_V4_DISCARD");
        NetEvent e = h.bfe.netEvents().since(0).getFirst();
        assertThat(e.filterId()).isEqualTo(id);
        assertThat(e.layer()).isEqualTo(FWPM_LAYER_OUTBOUND_IPPACKET_V4);
        assertThat(e.ipProtocol()).isEqualTo(6);
        assertThat(e.localPort()).isEqualTo(40004);
        assertThat(e.remotePort()).isEqualTo(8443);
        assertThat(h.stats.get(LiveStats.BLOCKED)).isEqualTo(1);
    }

    @Test
    void aBlockAtFlowEstablishedAbortsTheTcpConnectionOnceAndDropsItsStragglersUnclassified() {
        h.recordAt(FWPM_LAYER_INBOUND_TRANSPORT_V4, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
        long id = h.filter("block-fe", FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, ActionType.FWP_ACTION_BLOCK);
        // Client: the SYN-ACK is blocked at FLOW_ESTABLISHED and replaced by a RST+ACK for the connecting socket.
        assertThat(h.feed(tcp(A, B, 40010, 80, SYN, ""), OUT, NEW).permitted()).isTrue();
        var synAck = h.feed(tcp(B, A, 80, 40010, SYN_ACK, ""), IN, EST_REPLY);
        assertThat(h.seen).containsExactly("INBOUND_TRANSPORT_V4", "ALE_FLOW_ESTABLISHED_V4");
        assertThat(synAck.verdict()).isEqualTo(io.jwfp.shim.nfqueue.Verdict.REPEAT.code());
        ParsedPacket rst = parse(synAck.payload());
        assertThat(rst.tcpFlags()).isEqualTo(TcpView.FLAG_RST | TcpView.FLAG_ACK);
        assertThat(rst.srcPort()).isEqualTo(80);
        assertThat(rst.dstPort()).isEqualTo(40010);
        assertThat(rst.srcV4()).isEqualTo(io.jwfp.packet.InetBits.v4(B));
        assertThat(rst.tcpSeq()).as("the SYN-ACK's sequence number plus its SYN").isEqualTo(1001);
        assertThat(rst.tcpAck()).as("acknowledges what the socket sent").isEqualTo(2000);
        assertThat(rst.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
        // A retransmitted SYN-ACK is dropped without another FLOW_ESTABLISHED classification or net event.
        var again = h.feed(tcp(B, A, 80, 40010, SYN_ACK, ""), IN, EST_REPLY);
        assertThat(again.dropped()).isTrue();
        assertThat(h.seen).containsExactly("INBOUND_TRANSPORT_V4");
        assertThat(h.bfe.netEvents().since(0)).singleElement().satisfies(e -> {
            assertThat(e.filterId()).isEqualTo(id);
            assertThat(e.layer()).isEqualTo(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
        });
        // A new connection on the same 5-tuple (conntrack NEW) is classified again.
        assertThat(h.feed(tcp(A, B, 40010, 80, SYN, ""), OUT, NEW).permitted()).isTrue();
        h.feed(tcp(B, A, 80, 40010, SYN_ACK, ""), IN, EST_REPLY);
        assertThat(h.seen).contains("ALE_FLOW_ESTABLISHED_V4");

        // Server: the final ACK of an accept is replaced by a RST for the listener's half-open connection.
        h.feed(tcp(B, A, 5300, 9000, SYN, ""), IN, NEW);
        var ack = h.feed(tcp(B, A, 5300, 9000, ACK, ""), IN, EST);
        ParsedPacket toListener = parse(ack.payload());
        assertThat(toListener.tcpFlags()).isEqualTo(TcpView.FLAG_RST | TcpView.FLAG_ACK);
        assertThat(toListener.dstPort()).isEqualTo(9000);
        assertThat(toListener.tcpSeq()).isEqualTo(1000);
        assertThat(h.stats.get(LiveStats.FLOWS_ABORTED)).isEqualTo(3);
        assertThat(h.stats.get(LiveStats.ABORTED_FLOW_PACKETS)).isEqualTo(1);
    }

    @Test
    void anIpv6ConnectBlockedAtFlowEstablishedGetsAnIpv6Reset() throws Exception {
        h.filter("block-fe-v6", FWPM_LAYER_ALE_FLOW_ESTABLISHED_V6, ActionType.FWP_ACTION_BLOCK);
        Inet6Address a6 = (Inet6Address) InetAddress.getByName("fd00:200::1");
        Inet6Address b6 = (Inet6Address) InetAddress.getByName("fd00:200::2");
        h.feed(tcp(a6, b6, 40020, 80, SYN, ""), OUT, NEW);
        ParsedPacket rst = parse(h.feed(tcp(b6, a6, 80, 40020, SYN_ACK, ""), IN, EST_REPLY).payload());
        assertThat(rst.ipVersion()).isEqualTo(6);
        assertThat(rst.srcLo()).isEqualTo(io.jwfp.packet.InetBits.v6Lo(b6));
        assertThat(rst.tcpFlags()).isEqualTo(TcpView.FLAG_RST | TcpView.FLAG_ACK);
        assertThat(rst.has(ParsedPacket.CHECKSUMS_VERIFIED)).isTrue();
        assertThat(rst.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
    }

    private static ParsedPacket parse(byte[] packet) {
        assertThat(packet).as("the verdict carries a packet").isNotNull();
        ParsedPacket p = new ParsedPacket();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(packet), 0, packet.length, p,
                io.jwfp.packet.ChecksumPolicy.VERIFY)).isTrue();
        return p;
    }

    @Test
    void icmpErrorsGoToTheErrorLayersWithTheQuotedPacketAndForwardedPacketsToIpForward() {
        h.recordAt(FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_INBOUND_TRANSPORT_V4, FWPM_LAYER_INBOUND_ICMP_ERROR_V4,
                FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWPM_LAYER_IPFORWARD_V4);
        byte[] sent = udp(A, B, 5001, 9999, "x");
        byte[] error = Packets.icmpv4DestinationUnreachable(B, 3, sent);
        AtomicInteger embeddedPort = new AtomicInteger();
        h.callout(FWPM_LAYER_INBOUND_ICMP_ERROR_V4, (in, meta, data, ctx, f, flow, out) -> {
            embeddedPort.set((int) in.keyLo(in.layer().fieldIndex(io.jwfp.engine.layer.Conditions.FWPM_CONDITION_EMBEDDED_REMOTE_PORT)));
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        }, null);
        h.feed(error, IN, Marks.CT_NEW | Marks.CT_REPLY);
        assertThat(h.seen).containsExactly("INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4", "INBOUND_ICMP_ERROR_V4");
        assertThat(embeddedPort.get()).isEqualTo(9999);

        h.feed(tcp(v4("10.200.1.5"), B, 1234, 80, SYN, ""), FWD, NEW);
        assertThat(h.seen).containsExactly("IPFORWARD_V4");
    }

    @Test
    void ipv6PacketsAreClassifiedAtTheV6Layers() throws Exception {
        h.recordAt(FWPM_LAYER_ALE_AUTH_CONNECT_V6, FWPM_LAYER_OUTBOUND_IPPACKET_V6, FWPM_LAYER_OUTBOUND_IPPACKET_V4);
        Inet6Address a6 = (Inet6Address) InetAddress.getByName("fd00:200::1");
        Inet6Address b6 = (Inet6Address) InetAddress.getByName("fd00:200::2");
        h.feed(tcp(a6, b6, 40005, 80, SYN, ""), OUT, NEW);
        assertThat(h.seen).containsExactly("ALE_AUTH_CONNECT_V6", "OUTBOUND_IPPACKET_V6");
        assertThat(h.flows.flows().getFirst().v6).isTrue();
    }

    @Test
    void flowContextsAreReleasedWhenConntrackForgetsTheFlow() {
        List<Long> released = new ArrayList<>();
        FwpsKernel k = h.kernel;
        h.callout(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, (in, meta, data, ctx, f, flow, out) -> {
            assertThat(k.flowAssociateContext(meta.flowHandle, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4.layerId(), ctx.calloutId(), 77))
                    .isEqualTo(NtStatus.STATUS_SUCCESS);
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        }, (layerId, calloutId, context) -> released.add(context));
        h.feed(udp(A, B, 5002, 53, "q"), OUT, NEW);
        assertThat(h.bfe.filterEngine().flowContexts().size()).isEqualTo(1);
        Flow f = h.flows.flows().getFirst();
        h.flows.end(f); // what a conntrack destroy event does (FlowTableTest covers the event's tuple)
        assertThat(released).containsExactly(77L);
        assertThat(h.bfe.filterEngine().flowContexts().size()).isZero();
    }

    @Test
    void aCalloutsInjectedCopyReplacesTheAbsorbedOriginalInTheVerdict() {
        FwpsKernel k = h.kernel;
        InjectionHandle handle = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
        List<String> laterLayerSaw = new ArrayList<>();
        h.callout(FWPM_LAYER_OUTBOUND_TRANSPORT_V4, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            if (k.queryPacketInjectionState(handle, nbl) != io.jwfp.engine.kernel.FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = k.allocateNetBufferListCopy(nbl);
            // The data starts at the UDP header here: uppercase the payload (8 bytes further).
            MemorySegment s = copy.segment();
            for (long i = copy.dataOffset() + 8; i < copy.dataOffset() + copy.dataLength(); i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) Character.toUpperCase(s.get(ValueLayout.JAVA_BYTE, i)));
            }
            assertThat(k.injectTransportSendAsync(handle, null, 0, 0, null, AddressFamily.AF_INET, 1, copy, null, null))
                    .isEqualTo(NtStatus.STATUS_SUCCESS);
            out.absorb();
        }, null);
        h.callout(FWPM_LAYER_OUTBOUND_IPPACKET_V4, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            laterLayerSaw.add(new String(nbl.toByteArray(), 28, (int) nbl.dataLength() - 28, StandardCharsets.US_ASCII)
                    + " " + k.queryPacketInjectionState(handle, nbl));
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        }, null);
        var r = h.feed(udp(A, B, 5003, 9000, "quiet"), OUT, NEW);
        assertThat(r.permitted()).isTrue();
        assertThat(r.payload()).as("the verdict carries the replacement").isNotNull();
        ParsedPacket p = new ParsedPacket();
        MemorySegment seg = MemorySegment.ofArray(r.payload());
        assertThat(PacketParser.parseIp(seg, 0, r.payload().length, p, io.jwfp.packet.ChecksumPolicy.VERIFY)).isTrue();
        assertThat(p.has(ParsedPacket.BAD_IP_CHECKSUM) || p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM))
                .as("checksums recomputed").isFalse();
        assertThat(new String(r.payload(), 28, 5, StandardCharsets.US_ASCII)).isEqualTo("QUIET");
        assertThat(laterLayerSaw).containsExactly("QUIET FWPS_PACKET_INJECTED_BY_SELF");
        assertThat(h.stats.get(LiveStats.MODIFIED)).isEqualTo(1);
    }

    /**
     * A callout that makes several packets of one (stmedit-packet's TCP editor: edits made the data longer than a
     * segment) injects them all and absorbs the original: the first is the verdict, the others follow only after the
     * verdict was flushed to the kernel, in order (InjectedTrain). This harness has no raw socket, so they complete
     * with STATUS_NOT_SUPPORTED; the SE live scenarios send them for real, in both directions.
     */
    @Test
    void severalInjectedPacketsFollowTheFirstOnlyAfterItsVerdictWasFlushedInOrder() {
        for (boolean inbound : new boolean[] {false, true}) {
            FwpsKernel k = h.kernel;
            InjectionHandle handle = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
            List<String> log = new ArrayList<>();
            io.jwfp.engine.layer.Layer layer = inbound ? FWPM_LAYER_INBOUND_IPPACKET_V4 : FWPM_LAYER_OUTBOUND_IPPACKET_V4;
            h.callout(layer, (in, meta, data, ctx, f, flow, out) -> {
                if (k.queryPacketInjectionState(handle, (NetBufferList) data)
                        != io.jwfp.engine.kernel.FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED) {
                    out.actionType = ActionType.FWP_ACTION_PERMIT;
                    return;
                }
                for (String part : List.of("one", "two", "three")) {
                    byte[] p = inbound ? tcp(B, A, 80, 5005, TcpView.FLAG_ACK, part) : tcp(A, B, 5005, 80, TcpView.FLAG_ACK, part);
                    NetBufferList n = NetBufferList.wrap(p);
                    io.jwfp.engine.kernel.FwpsInjectCompleteFn done = (c, l, status, dispatch) -> log.add(
                            part + " " + status + " after verdicts=" + h.sink.count + " flushes=" + h.sink.flushes);
                    NtStatus s = inbound ? k.injectNetworkReceiveAsync(handle, null, 0, 1, 2, 0, n, done, null)
                            : k.injectNetworkSendAsync(handle, null, 0, 1, n, done, null);
                    assertThat(s).isEqualTo(NtStatus.STATUS_SUCCESS);
                }
                out.absorb();
            }, null);
            long verdictsBefore = h.sink.count, flushesBefore = h.sink.flushes;
            long refusedBefore = h.stats.get(LiveStats.INJECTIONS_REFUSED);
            var r = inbound ? h.feed(tcp(B, A, 80, 5005, TcpView.FLAG_ACK, "original"), IN, EST)
                    : h.feed(tcp(A, B, 5005, 80, TcpView.FLAG_ACK, "original"), OUT, EST);
            assertThat(r.permitted()).isTrue();
            assertThat(new String(r.payload(), 40, r.payload().length - 40, StandardCharsets.US_ASCII))
                    .as("the first injected packet is the verdict").isEqualTo("one");
            long v = verdictsBefore + 1, fl = flushesBefore + 1;
            assertThat(log).as(inbound ? "inbound" : "outbound").containsExactly(
                    "one STATUS_SUCCESS after verdicts=" + v + " flushes=" + flushesBefore,
                    "two STATUS_NOT_SUPPORTED after verdicts=" + v + " flushes=" + fl,
                    "three STATUS_NOT_SUPPORTED after verdicts=" + v + " flushes=" + fl);
            assertThat(h.stats.get(LiveStats.INJECTIONS_REFUSED) - refusedBefore).isEqualTo(2);
        }
    }

    @Test
    void whatCannotBeDoneOnNfqueueIsRefusedClearly() {
        FwpsKernel k = h.kernel;
        InjectionHandle handle = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
        NetBufferList own = NetBufferList.wrap(udp(A, B, 1, 2, "mine"));
        // A packet of one's own needs jwfpd's raw socket (LiveTraffic opens it; this harness has none).
        assertThat(k.injectNetworkSendAsync(handle, null, 0, 1, own, null, null)).isEqualTo(NtStatus.STATUS_NOT_SUPPORTED);
        assertThat(k.injectNetworkReceiveAsync(handle, null, 0, 1, 2, 0, own, null, null))
                .as("inbound, outside a classification: cannot be delivered from user space")
                .isEqualTo(NtStatus.STATUS_NOT_SUPPORTED);
        assertThat(k.injectForwardAsync(handle, null, 0, AddressFamily.AF_INET, 1, 2, own, null, null))
                .isEqualTo(NtStatus.STATUS_NOT_SUPPORTED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> k.pendOperation(new Object()))
                .as("outside a pendable classification").isInstanceOf(io.jwfp.engine.kernel.FwpsStatusException.class)
                .hasMessageContaining("STATUS_INVALID_PARAMETER");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> k.pendOperation(null))
                .isInstanceOf(io.jwfp.engine.kernel.FwpsStatusException.class)
                .hasMessageContaining("STATUS_FWP_CANNOT_PEND");
    }
}

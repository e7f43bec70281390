package io.jwfp.packet;

import io.jwfp.packet.repr.Icmpv4Message;
import io.jwfp.packet.repr.Icmpv6Message;
import io.jwfp.packet.repr.Ipv4Header;
import io.jwfp.packet.repr.Ipv6ExtensionHeader;
import io.jwfp.packet.repr.Ipv6Header;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.TcpOption;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IcmpV6EchoRequestPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.IpV6ExtDestinationOptionsPacket;
import org.pcap4j.packet.IpV6ExtHopByHopOptionsPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-checks against pcap4j, an independent pure-Java parser used only in test scope (its static packet factory
 * decodes byte arrays without loading libpcap). Direction one: packets we emit are parsed by pcap4j, which must read
 * the same fields and find every checksum valid. Direction two: packets pcap4j builds are parsed by our
 * {@link PacketParser} and views.
 */
class Pcap4jCrossCheckTest {
    // ---- generators restricted to what both sides represent unambiguously ----

    @Provide
    Arbitrary<Ipv4Header> ipv4() {
        // pcap4j turns fragments into opaque payloads, and decodes options strictly: use whole datagrams and
        // well-formed options (NOPs, Router Alert, End of List padding).
        Arbitrary<byte[]> options = Arbitraries.of(new byte[0], Bufs.hex("01010100"), Bufs.hex("94040000"),
                Bufs.hex("9404000001010100"));
        return Combinators.combine(Arbitraries.integers().between(0, 63), Arbitraries.integers().between(0, 3),
                        Gen.u16(), Arbitraries.of(true, false), Gen.u8(), Arbitraries.integers(),
                        Arbitraries.integers(), options)
                .as((dscp, ecn, id, df, ttl, src, dst, opts) -> new Ipv4Header(dscp, ecn, id, df, false, 0, ttl, 0,
                        src, dst, opts, 0));
    }

    private static Arbitrary<byte[]> padNArea() {
        // PadN options (RFC 8200 §4.2) filling 6 + 8n bytes: well-formed for any reader.
        return Arbitraries.integers().between(0, 3).map(n -> {
            byte[] b = new byte[6 + 8 * n];
            b[0] = 1;
            b[1] = (byte) (b.length - 2);
            return b;
        });
    }

    @Provide
    Arbitrary<Ipv6Header> ipv6() {
        // No Fragment header: pcap4j 1.8.2 treats everything after one, even an atomic fragment, as fragment data.
        // Our fragment handling is checked against independent Python-made fixtures instead (Ipv6ViewTest).
        Arbitrary<Ipv6ExtensionHeader> ext = Arbitraries.oneOf(
                padNArea().map(Ipv6ExtensionHeader::hopByHop),
                padNArea().map(Ipv6ExtensionHeader::destinationOptions));
        Arbitrary<List<Ipv6ExtensionHeader>> chain = ext.list().ofMaxSize(3).map(l -> {
            // Hop-by-Hop may only come first (RFC 8200 §4.1); pcap4j is strict about it.
            List<Ipv6ExtensionHeader> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                if (i == 0 || l.get(i).type() != IpProtocol.HOPOPT) {
                    out.add(l.get(i));
                }
            }
            return out;
        });
        return Combinators.combine(Gen.u8(), Arbitraries.integers().between(0, 0xFFFFF), Gen.u8(),
                        Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), chain)
                .as((tc, fl, hop, sh, sl, dh, dl, c) -> new Ipv6Header(tc, fl, hop, sh, sl, dh, dl, c,
                        IpProtocol.IPV6_NONXT, 0));
    }

    @Provide
    Arbitrary<TcpHeader> tcp() {
        Arbitrary<TcpOption> known = Arbitraries.oneOf(
                Arbitraries.just(new TcpOption.Nop()),
                Gen.u16().map(TcpOption.Mss::new),
                Arbitraries.integers().between(0, 14).map(TcpOption.WindowScale::new),
                Arbitraries.just(new TcpOption.SackPermitted()),
                Combinators.combine(Gen.u32(), Gen.u32()).as(TcpOption.SackBlock::new).list().ofMinSize(1)
                        .ofMaxSize(3).map(TcpOption.Sack::new),
                Combinators.combine(Gen.u32(), Gen.u32()).as(TcpOption.Timestamps::new));
        Arbitrary<List<TcpOption>> options = known.list().ofMaxSize(6)
                .filter(l -> l.stream().mapToInt(TcpOption::length).sum() <= TcpView.MAX_OPTIONS_LEN);
        return Combinators.combine(Gen.u16(), Gen.u16(), Gen.u32(), Gen.u32(),
                Arbitraries.integers().between(0, TcpView.FLAGS_MASK), Gen.u16(), Gen.u16(), options)
                .as(TcpHeader::new);
    }

    @Provide
    Arbitrary<byte[]> payload() {
        return Gen.bytes(0, 80);
    }

    // ---- ours -> pcap4j ----

    @Property(tries = 300)
    void pcap4jReadsOurTcpOverIpv4(@ForAll("ipv4") Ipv4Header ip, @ForAll("tcp") TcpHeader tcp,
                                   @ForAll("payload") byte[] payload) throws IllegalRawDataException {
        byte[] pkt = Packets.tcp(ip, tcp, payload);
        IpV4Packet p4 = IpV4Packet.newPacket(pkt, 0, pkt.length);
        IpV4Packet.IpV4Header h = p4.getHeader();
        assertThat(h.getVersion()).isEqualTo(IpVersion.IPV4);
        assertThat(h.getIhlAsInt() * 4).isEqualTo(ip.headerLength());
        assertThat(h.getTos().value() & 0xFF).isEqualTo(ip.dscp() << 2 | ip.ecn());
        assertThat(h.getTotalLengthAsInt()).isEqualTo(pkt.length);
        assertThat(h.getIdentificationAsInt()).isEqualTo(ip.identification());
        assertThat(h.getDontFragmentFlag()).isEqualTo(ip.dontFragment());
        assertThat(h.getMoreFragmentFlag()).isFalse();
        assertThat(h.getTtlAsInt()).isEqualTo(ip.ttl());
        assertThat(h.getProtocol()).isEqualTo(IpNumber.TCP);
        assertThat(InetBits.v4(h.getSrcAddr())).isEqualTo(ip.srcAddr());
        assertThat(InetBits.v4(h.getDstAddr())).isEqualTo(ip.dstAddr());
        assertThat(h.hasValidChecksum(false)).isTrue();

        TcpPacket t = p4.get(TcpPacket.class);
        assertThat(t).as("pcap4j found a TCP segment").isNotNull();
        assertThat(t.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
        assertTcpEquals(t, tcp, payload);
    }

    @Property(tries = 300)
    void pcap4jReadsOurIpv6WithExtensionHeaders(@ForAll("ipv6") Ipv6Header ip, @ForAll("tcp") TcpHeader tcp,
                                                @ForAll("payload") byte[] payload) throws IllegalRawDataException {
        byte[] pkt = Packets.tcp(ip, tcp, payload);
        IpV6Packet p6 = IpV6Packet.newPacket(pkt, 0, pkt.length);
        IpV6Packet.IpV6Header h = p6.getHeader();
        assertThat(h.getVersion()).isEqualTo(IpVersion.IPV6);
        assertThat(h.getTrafficClass().value() & 0xFF).isEqualTo(ip.trafficClass());
        assertThat(h.getFlowLabel().value()).isEqualTo(ip.flowLabel());
        assertThat(h.getPayloadLengthAsInt()).isEqualTo(pkt.length - 40);
        assertThat(h.getHopLimitAsInt()).isEqualTo(ip.hopLimit());
        assertThat(InetBits.v6Hi(h.getSrcAddr())).isEqualTo(ip.srcHi());
        assertThat(InetBits.v6Lo(h.getDstAddr())).isEqualTo(ip.dstLo());
        boolean hbh = ip.extensionHeaders().stream().anyMatch(e -> e.type() == IpProtocol.HOPOPT);
        boolean dest = ip.extensionHeaders().stream().anyMatch(e -> e.type() == IpProtocol.IPV6_OPTS);
        assertThat(p6.contains(IpV6ExtHopByHopOptionsPacket.class)).isEqualTo(hbh);
        assertThat(p6.contains(IpV6ExtDestinationOptionsPacket.class)).isEqualTo(dest);
        TcpPacket t = p6.get(TcpPacket.class);
        assertThat(t).as("pcap4j walked the extension headers to TCP").isNotNull();
        assertThat(t.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
        assertTcpEquals(t, tcp, payload);
    }

    @Property(tries = 200)
    void pcap4jReadsOurUdp(@ForAll("ipv4") Ipv4Header ip4, @ForAll("ipv6") Ipv6Header ip6,
                           @ForAll @IntRange(max = 0xFFFF) int sp, @ForAll @IntRange(max = 0xFFFF) int dp,
                           @ForAll("payload") byte[] payload) throws IllegalRawDataException {
        byte[] v4 = Packets.udp(ip4, sp, dp, payload);
        IpV4Packet p4 = IpV4Packet.newPacket(v4, 0, v4.length);
        UdpPacket u4 = p4.get(UdpPacket.class);
        assertThat(u4.getHeader().getSrcPort().valueAsInt()).isEqualTo(sp);
        assertThat(u4.getHeader().getDstPort().valueAsInt()).isEqualTo(dp);
        assertThat(u4.getHeader().getLengthAsInt()).isEqualTo(8 + payload.length);
        assertThat(u4.hasValidChecksum(p4.getHeader().getSrcAddr(), p4.getHeader().getDstAddr(), false)).isTrue();

        byte[] v6 = Packets.udp(ip6, sp, dp, payload);
        IpV6Packet p6 = IpV6Packet.newPacket(v6, 0, v6.length);
        UdpPacket u6 = p6.get(UdpPacket.class);
        assertThat(u6.getHeader().getDstPort().valueAsInt()).isEqualTo(dp);
        assertThat(u6.hasValidChecksum(p6.getHeader().getSrcAddr(), p6.getHeader().getDstAddr(), false)).isTrue();
    }

    @Property(tries = 200)
    void pcap4jReadsOurIcmp(@ForAll("ipv4") Ipv4Header ip4, @ForAll("ipv6") Ipv6Header ip6,
                            @ForAll @IntRange(max = 0xFFFF) int id, @ForAll @IntRange(max = 0xFFFF) int seq,
                            @ForAll("payload") byte[] data) throws IllegalRawDataException {
        byte[] echo = Packets.icmpv4(ip4, Icmpv4Message.echoRequest(id, seq, data));
        IpV4Packet p4 = IpV4Packet.newPacket(echo, 0, echo.length);
        IcmpV4CommonPacket c4 = p4.get(IcmpV4CommonPacket.class);
        assertThat(c4.getHeader().getType().value()).isEqualTo((byte) Icmpv4View.TYPE_ECHO_REQUEST);
        assertThat(c4.hasValidChecksum(false)).isTrue();
        IcmpV4EchoPacket e4 = p4.get(IcmpV4EchoPacket.class);
        assertThat(e4.getHeader().getIdentifierAsInt()).isEqualTo(id);
        assertThat(e4.getHeader().getSequenceNumberAsInt()).isEqualTo(seq);

        byte[] err = Packets.icmpv4Error(ip4.dstAddr(), Icmpv4View.TYPE_DEST_UNREACHABLE,
                Icmpv4View.CODE_PORT_UNREACHABLE, 0, Packets.udp(ip4, 1, 2, data));
        IpV4Packet pe = IpV4Packet.newPacket(err, 0, err.length);
        assertThat(pe.get(IcmpV4CommonPacket.class).getHeader().getCode().value())
                .isEqualTo((byte) Icmpv4View.CODE_PORT_UNREACHABLE);
        assertThat(pe.get(IcmpV4CommonPacket.class).hasValidChecksum(false)).isTrue();

        byte[] echo6 = Packets.icmpv6(ip6, Icmpv6Message.echoRequest(id, seq, data));
        IpV6Packet p6 = IpV6Packet.newPacket(echo6, 0, echo6.length);
        IcmpV6CommonPacket c6 = p6.get(IcmpV6CommonPacket.class);
        assertThat(c6.getHeader().getType().value()).isEqualTo((byte) Icmpv6View.TYPE_ECHO_REQUEST);
        assertThat(c6.hasValidChecksum(p6.getHeader().getSrcAddr(), p6.getHeader().getDstAddr(), false)).isTrue();
        IcmpV6EchoRequestPacket e6 = p6.get(IcmpV6EchoRequestPacket.class);
        assertThat(e6.getHeader().getIdentifierAsInt()).isEqualTo(id);
        assertThat(e6.getHeader().getSequenceNumberAsInt()).isEqualTo(seq);
    }

    private static void assertTcpEquals(TcpPacket t, TcpHeader tcp, byte[] payload) {
        TcpPacket.TcpHeader th = t.getHeader();
        assertThat(th.getSrcPort().valueAsInt()).isEqualTo(tcp.srcPort());
        assertThat(th.getDstPort().valueAsInt()).isEqualTo(tcp.dstPort());
        assertThat(th.getSequenceNumberAsLong()).isEqualTo(tcp.seqNumber());
        assertThat(th.getAcknowledgmentNumberAsLong()).isEqualTo(tcp.ackNumber());
        assertThat(th.getDataOffsetAsInt() * 4).isEqualTo(tcp.headerLength());
        // pcap4j follows RFC 793: six reserved bits, then URG ACK PSH RST SYN FIN.
        int flags = (th.getUrg() ? TcpView.FLAG_URG : 0) | (th.getAck() ? TcpView.FLAG_ACK : 0)
                | (th.getPsh() ? TcpView.FLAG_PSH : 0) | (th.getRst() ? TcpView.FLAG_RST : 0)
                | (th.getSyn() ? TcpView.FLAG_SYN : 0) | (th.getFin() ? TcpView.FLAG_FIN : 0)
                | (th.getReserved() & 0x3F) << 6;
        assertThat(flags).isEqualTo(tcp.flags());
        assertThat(th.getWindowAsInt()).isEqualTo(tcp.window());
        assertThat(th.getUrgentPointerAsInt()).isEqualTo(tcp.urgentPointer());
        List<TcpPacket.TcpOption> theirs = new ArrayList<>(th.getOptions());
        int i = 0;
        for (TcpOption ours : tcp.options()) {
            TcpPacket.TcpOption o = theirs.get(i++);
            assertThat(o.getKind().value() & 0xFF).isEqualTo(ours.kind());
            switch (ours) {
                case TcpOption.Mss m -> assertThat(((TcpMaximumSegmentSizeOption) o).getMaxSegSizeAsInt())
                        .isEqualTo(m.mss());
                case TcpOption.WindowScale w -> assertThat(((TcpWindowScaleOption) o).getShiftCountAsInt())
                        .isEqualTo(w.shift());
                case TcpOption.Timestamps ts -> {
                    assertThat(((TcpTimestampsOption) o).getTsValueAsLong()).isEqualTo(ts.value());
                    assertThat(((TcpTimestampsOption) o).getTsEchoReplyAsLong()).isEqualTo(ts.echo());
                }
                case TcpOption.Sack s -> {
                    // pcap4j 1.8.2 keeps SACK blocks private: compare the option's length and bytes.
                    byte[] ourBytes = new byte[s.length()];
                    s.emit(ourBytes, 0);
                    assertThat(((TcpSackOption) o).getLengthAsInt()).isEqualTo(s.length());
                    assertThat(o.getRawData()).isEqualTo(ourBytes);
                }
                default -> { }
            }
        }
        byte[] theirPayload = t.getPayload() == null ? new byte[0] : t.getPayload().getRawData();
        assertThat(theirPayload).isEqualTo(payload);
    }

    // ---- pcap4j -> ours ----

    @Property(tries = 300)
    void weReadPcap4jTcp(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 0xFFFF) int sp,
                         @ForAll @IntRange(max = 0xFFFF) int dp, @ForAll int seq, @ForAll int ack,
                         @ForAll @IntRange(max = 63) int flags, @ForAll short window, @ForAll short mss,
                         @ForAll @IntRange(max = 14) int shift, @ForAll int tsVal, @ForAll("payload") byte[] payload,
                         @ForAll boolean v6) {
        List<TcpPacket.TcpOption> options = List.of(
                new TcpMaximumSegmentSizeOption.Builder().maxSegSize(mss).correctLengthAtBuild(true).build(),
                new TcpWindowScaleOption.Builder().shiftCount((byte) shift).correctLengthAtBuild(true).build(),
                new TcpTimestampsOption.Builder().tsValue(tsVal).tsEchoReply(0).correctLengthAtBuild(true).build());
        Inet4Address s4 = InetBits.toInet4(src);
        Inet4Address d4 = InetBits.toInet4(dst);
        Inet6Address s6 = InetBits.toInet6(src, ~src);
        Inet6Address d6 = InetBits.toInet6(dst, 7);
        TcpPacket.Builder tb = new TcpPacket.Builder()
                .srcPort(TcpPort.getInstance((short) sp)).dstPort(TcpPort.getInstance((short) dp))
                .sequenceNumber(seq).acknowledgmentNumber(ack)
                .urg((flags & TcpView.FLAG_URG) != 0).ack((flags & TcpView.FLAG_ACK) != 0)
                .psh((flags & TcpView.FLAG_PSH) != 0).rst((flags & TcpView.FLAG_RST) != 0)
                .syn((flags & TcpView.FLAG_SYN) != 0).fin((flags & TcpView.FLAG_FIN) != 0)
                .window(window).urgentPointer((short) 0).options(options)
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .srcAddr(v6 ? s6 : s4).dstAddr(v6 ? d6 : d4)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).paddingAtBuild(true);
        byte[] raw = v6
                ? new IpV6Packet.Builder().version(IpVersion.IPV6)
                        .trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                        .flowLabel(IpV6SimpleFlowLabel.newInstance(0)).nextHeader(IpNumber.TCP)
                        .hopLimit((byte) 9).srcAddr(s6).dstAddr(d6).payloadBuilder(tb).correctLengthAtBuild(true)
                        .build().getRawData()
                : new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                        .identification((short) 1).ttl((byte) 9).protocol(IpNumber.TCP).srcAddr(s4).dstAddr(d4)
                        .payloadBuilder(tb).correctChecksumAtBuild(true).correctLengthAtBuild(true)
                        .build().getRawData();

        ParsedPacket p = new ParsedPacket();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(raw), 0, raw.length, p, ChecksumPolicy.VERIFY))
                .isTrue();
        assertThat(p.flags() & ~ParsedPacket.CHECKSUMS_VERIFIED)
                .isEqualTo(ParsedPacket.HAS_IP | ParsedPacket.HAS_TRANSPORT | ParsedPacket.HAS_PORTS);
        assertThat(p.ipVersion()).isEqualTo(v6 ? 6 : 4);
        assertThat(p.ttl()).isEqualTo(9);
        if (v6) {
            assertThat(p.srcHi()).isEqualTo(src);
            assertThat(p.srcLo()).isEqualTo(~src);
            assertThat(p.dstLo()).isEqualTo(7);
        } else {
            assertThat(p.srcV4()).isEqualTo(src);
            assertThat(p.dstV4()).isEqualTo(dst);
        }
        assertThat(p.srcPort()).isEqualTo(sp);
        assertThat(p.dstPort()).isEqualTo(dp);
        assertThat(p.tcpSeq()).isEqualTo(Integer.toUnsignedLong(seq));
        assertThat(p.tcpAck()).isEqualTo(Integer.toUnsignedLong(ack));
        assertThat(p.tcpFlags()).isEqualTo(flags);
        assertThat(p.tcpWindow()).isEqualTo(Short.toUnsignedInt(window));
        assertThat(p.payloadLength()).isEqualTo(payload.length);
        TcpView t = p.tcp();
        assertThat(t.mss()).isEqualTo(Short.toUnsignedInt(mss));
        assertThat(t.windowScale()).isEqualTo(shift);
        assertThat(t.timestampValue()).isEqualTo(Integer.toUnsignedLong(tsVal));
        assertThat(t.toByteArray(t.payloadOffset(), t.payloadLength())).isEqualTo(payload);
    }

    @Property(tries = 200)
    void weReadPcap4jUdp(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 0xFFFF) int sp,
                         @ForAll @IntRange(max = 0xFFFF) int dp, @ForAll("payload") byte[] payload) {
        Inet4Address s4 = InetBits.toInet4(src);
        Inet4Address d4 = InetBits.toInet4(dst);
        UdpPacket.Builder ub = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp)).srcAddr(s4).dstAddr(d4)
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .correctChecksumAtBuild(true).correctLengthAtBuild(true);
        byte[] raw = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .ttl((byte) 64).protocol(IpNumber.UDP).srcAddr(s4).dstAddr(d4).payloadBuilder(ub)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
        ParsedPacket p = new ParsedPacket();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(raw), 0, raw.length, p, ChecksumPolicy.VERIFY))
                .isTrue();
        assertThat(p.flags() & (ParsedPacket.MALFORMED_MASK | ParsedPacket.BAD_IP_CHECKSUM
                | ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isZero();
        assertThat(p.srcPort()).isEqualTo(sp);
        assertThat(p.dstPort()).isEqualTo(dp);
        assertThat(p.udp().length()).isEqualTo(8 + payload.length);
        assertThat(p.udp().verifyChecksumV4(src, dst)).isTrue();
    }
}

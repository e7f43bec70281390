package io.jwfp.packet;

import io.jwfp.packet.repr.Ipv4Header;
import io.jwfp.packet.repr.Ipv6ExtensionHeader;
import io.jwfp.packet.repr.Ipv6Header;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.TcpOption;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.List;

import static io.jwfp.packet.ParsedPacket.BAD_EXTENSION_HEADERS;
import static io.jwfp.packet.ParsedPacket.BAD_IP_CHECKSUM;
import static io.jwfp.packet.ParsedPacket.BAD_IP_LENGTH;
import static io.jwfp.packet.ParsedPacket.BAD_IP_VERSION;
import static io.jwfp.packet.ParsedPacket.BAD_TRANSPORT_CHECKSUM;
import static io.jwfp.packet.ParsedPacket.BAD_TRANSPORT_LENGTH;
import static io.jwfp.packet.ParsedPacket.CHECKSUMS_VERIFIED;
import static io.jwfp.packet.ParsedPacket.FRAGMENT;
import static io.jwfp.packet.ParsedPacket.HAS_ETHERNET;
import static io.jwfp.packet.ParsedPacket.HAS_INNER_IP;
import static io.jwfp.packet.ParsedPacket.HAS_INNER_PORTS;
import static io.jwfp.packet.ParsedPacket.HAS_IP;
import static io.jwfp.packet.ParsedPacket.HAS_PORTS;
import static io.jwfp.packet.ParsedPacket.HAS_TRANSPORT;
import static io.jwfp.packet.ParsedPacket.ICMP_ERROR;
import static io.jwfp.packet.ParsedPacket.NON_FIRST_FRAGMENT;
import static io.jwfp.packet.ParsedPacket.TRUNCATED_IP;
import static io.jwfp.packet.ParsedPacket.TRUNCATED_LINK;
import static io.jwfp.packet.ParsedPacket.TRUNCATED_TRANSPORT;
import static io.jwfp.packet.ParsedPacket.UNSUPPORTED_ETHER_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

class PacketParserTest {
    static final Inet4Address A4 = InetBits.toInet4(InetBits.v4("192.168.1.1"));
    static final Inet4Address B4 = InetBits.toInet4(InetBits.v4("10.0.0.2"));
    static final Inet6Address A6 = Ipv6ViewTest.v6("2001:db8::1");
    static final Inet6Address B6 = Ipv6ViewTest.v6("2001:db8::2");

    private final ParsedPacket p = new ParsedPacket();

    private boolean parse(byte[] b) {
        return PacketParser.parseIp(MemorySegment.ofArray(b), 0, b.length, p, ChecksumPolicy.VERIFY);
    }

    @Test
    void tcpOverIpv4() {
        byte[] pkt = Packets.tcpV4(A4, B4, 49152, 443, 1000, 2000, TcpView.FLAG_ACK | TcpView.FLAG_PSH, 512,
                List.of(new TcpOption.Timestamps(1, 2)), new byte[]{1, 2, 3});
        assertThat(parse(pkt)).isTrue();
        assertThat(p.flags()).isEqualTo(HAS_IP | HAS_TRANSPORT | HAS_PORTS | CHECKSUMS_VERIFIED);
        assertThat(p.ipVersion()).isEqualTo(4);
        assertThat(p.ipOffset()).isZero();
        assertThat(p.ipHeaderSize()).isEqualTo(20);
        assertThat(p.ipLength()).isEqualTo(pkt.length);
        assertThat(p.protocol()).isEqualTo(IpProtocol.TCP);
        assertThat(p.ttl()).isEqualTo(64);
        assertThat(p.srcV4()).isEqualTo(InetBits.v4(A4));
        assertThat(p.dstV4()).isEqualTo(InetBits.v4(B4));
        assertThat(p.srcHi()).isZero();
        assertThat(p.dontFragment()).isTrue();
        assertThat(p.srcPort()).isEqualTo(49152);
        assertThat(p.dstPort()).isEqualTo(443);
        assertThat(p.tcpFlags()).isEqualTo(TcpView.FLAG_ACK | TcpView.FLAG_PSH);
        assertThat(p.tcpSeq()).isEqualTo(1000);
        assertThat(p.tcpAck()).isEqualTo(2000);
        assertThat(p.tcpWindow()).isEqualTo(512);
        assertThat(p.transportOffset()).isEqualTo(20);
        assertThat(p.transportHeaderSize()).isEqualTo(32);
        assertThat(p.payloadOffset()).isEqualTo(52);
        assertThat(p.payloadLength()).isEqualTo(3);
        assertThat(p.tcp().timestampEcho()).isEqualTo(2);
        assertThat(p.icmpType()).isEqualTo(-1);
    }

    @Test
    void udpOverIpv6WithExtensionHeadersAndFirstFragment() {
        assertThat(parse(Fixtures.IPV6)).isTrue();
        assertThat(p.flags()).isEqualTo(HAS_IP | HAS_TRANSPORT | HAS_PORTS | FRAGMENT | CHECKSUMS_VERIFIED);
        assertThat(p.ipVersion()).isEqualTo(6);
        assertThat(p.ipHeaderSize()).isEqualTo(56);
        assertThat(p.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(p.ttl()).isEqualTo(57);
        assertThat(p.srcHi()).isEqualTo(0x2001_0db8_0000_0000L);
        assertThat(p.srcLo()).isEqualTo(1);
        assertThat(p.dstLo()).isEqualTo(2);
        assertThat(p.srcV4()).isZero();
        assertThat(p.moreFragments()).isTrue();
        assertThat(p.fragmentOffset()).isZero();
        assertThat(p.fragmentId()).isEqualTo(0xDEADBEEFL);
        assertThat(p.srcPort()).isEqualTo(5353);
        assertThat(p.transportHeaderSize()).isEqualTo(8);
        assertThat(p.payloadLength()).isEqualTo(4);
    }

    @Test
    void nonFirstFragmentsHaveNoTransport() {
        Ipv4Header frag = new Ipv4Header(0, 0, 7, false, true, 100, 64, IpProtocol.TCP, 1, 2, new byte[0], 16);
        byte[] v4 = new byte[frag.totalLength()];
        frag.emit(new Ipv4View().wrap(MemorySegment.ofArray(v4)));
        assertThat(parse(v4)).isTrue();
        assertThat(p.has(FRAGMENT | NON_FIRST_FRAGMENT)).isTrue();
        assertThat(p.has(HAS_TRANSPORT)).isFalse();
        assertThat(p.srcPort()).isEqualTo(-1);
        assertThat(p.fragmentOffset()).isEqualTo(800);
        assertThat(p.fragmentId()).isEqualTo(7);
        assertThat(p.protocol()).isEqualTo(IpProtocol.TCP);
        assertThat(p.transportLength()).isEqualTo(16);

        Ipv6Header h6 = new Ipv6Header(0, 0, 64, 1, 2, 3, 4, List.of(Ipv6ExtensionHeader.fragment(3, true, 5)),
                IpProtocol.UDP, 8);
        byte[] v6 = new byte[h6.headerLength() + 8];
        h6.emit(new Ipv6View().wrap(MemorySegment.ofArray(v6)));
        assertThat(parse(v6)).isTrue();
        assertThat(p.has(FRAGMENT | NON_FIRST_FRAGMENT)).isTrue();
        assertThat(p.has(HAS_PORTS)).isFalse();
        assertThat(p.fragmentOffset()).isEqualTo(24);
        assertThat(p.protocol()).isEqualTo(IpProtocol.UDP);
    }

    @Test
    void icmpv4ErrorCarriesTheInnerFlow() {
        byte[] udp = Packets.udpV4(A4, B4, 5000, 53, new byte[20]);
        byte[] err = Packets.icmpv4PortUnreachable(udp);
        assertThat(parse(err)).isTrue();
        assertThat(p.flags()).isEqualTo(HAS_IP | HAS_TRANSPORT | ICMP_ERROR | HAS_INNER_IP | HAS_INNER_PORTS
                | CHECKSUMS_VERIFIED);
        assertThat(p.srcV4()).isEqualTo(InetBits.v4(B4));
        assertThat(p.icmpType()).isEqualTo(Icmpv4View.TYPE_DEST_UNREACHABLE);
        assertThat(p.icmpCode()).isEqualTo(Icmpv4View.CODE_PORT_UNREACHABLE);
        assertThat(p.icmpId()).isEqualTo(-1);
        assertThat(p.srcPort()).isEqualTo(-1);
        assertThat(p.innerIpVersion()).isEqualTo(4);
        assertThat(p.innerProtocol()).isEqualTo(IpProtocol.UDP);
        assertThat(p.innerSrcV4()).isEqualTo(InetBits.v4(A4));
        assertThat(p.innerDstV4()).isEqualTo(InetBits.v4(B4));
        assertThat(p.innerSrcPort()).isEqualTo(5000);
        assertThat(p.innerDstPort()).isEqualTo(53);
    }

    @Test
    void icmpv6ErrorCarriesTheInnerFlowPastExtensionHeaders() {
        Ipv6Header ip = new Ipv6Header(0, 0, 64, InetBits.v6Hi(A6), InetBits.v6Lo(A6), InetBits.v6Hi(B6),
                InetBits.v6Lo(B6), List.of(Ipv6ExtensionHeader.destinationOptions(new byte[6])), IpProtocol.TCP, 0);
        byte[] tcp = Packets.tcp(ip, new TcpHeader(40000, 22, 1, 0, TcpView.FLAG_SYN, 100, 0, List.of()),
                new byte[0]);
        byte[] err = Packets.icmpv6PortUnreachable(tcp);
        assertThat(parse(err)).isTrue();
        assertThat(p.flags() & ~CHECKSUMS_VERIFIED).isEqualTo(HAS_IP | HAS_TRANSPORT | ICMP_ERROR | HAS_INNER_IP
                | HAS_INNER_PORTS);
        assertThat(p.innerIpVersion()).isEqualTo(6);
        assertThat(p.innerProtocol()).isEqualTo(IpProtocol.TCP);
        assertThat(p.innerSrcLo()).isEqualTo(1);
        assertThat(p.innerDstLo()).isEqualTo(2);
        assertThat(p.innerSrcPort()).isEqualTo(40000);
        assertThat(p.innerDstPort()).isEqualTo(22);
    }

    @Test
    void echoIdAndSequence() {
        assertThat(parse(Packets.icmpv6EchoReply(A6, B6, 77, 9, new byte[3]))).isTrue();
        assertThat(p.icmpType()).isEqualTo(Icmpv6View.TYPE_ECHO_REPLY);
        assertThat(p.icmpId()).isEqualTo(77);
        assertThat(p.icmpSeq()).isEqualTo(9);
        assertThat(p.has(ICMP_ERROR)).isFalse();
        assertThat(p.has(BAD_TRANSPORT_CHECKSUM)).isFalse();
    }

    @Test
    void ethernetWithVlanTag() {
        byte[] ip = Packets.udpV6(A6, B6, 1, 2, new byte[0]);
        byte[] frame = new byte[18 + ip.length];
        EthernetView e = new EthernetView().wrap(MemorySegment.ofArray(frame));
        e.setDstMac(1);
        e.setSrcMac(2);
        e.setVlanTag(5, EtherType.IPV6);
        System.arraycopy(ip, 0, frame, 18, ip.length);
        assertThat(PacketParser.parseEthernet(MemorySegment.ofArray(frame), 0, frame.length, p)).isTrue();
        assertThat(p.has(HAS_ETHERNET | HAS_IP | HAS_PORTS)).isTrue();
        assertThat(p.linkHeaderSize()).isEqualTo(18);
        assertThat(p.etherType()).isEqualTo(EtherType.IPV6);
        assertThat(p.ipOffset()).isEqualTo(18);
        assertThat(p.transportOffset()).isEqualTo(58);
        assertThat(p.dstPort()).isEqualTo(2);
        assertThat(p.ethernet().vlanId()).isEqualTo(5);
    }

    @Test
    void ethernetProblems() {
        byte[] frame = Packets.ethernet(1, 2, Packets.udpV4(A4, B4, 1, 2, new byte[0]));
        assertThat(PacketParser.parseEthernet(MemorySegment.ofArray(frame), 0, 13, p)).isFalse();
        assertThat(p.flags()).isEqualTo(TRUNCATED_LINK);
        frame[12] = 0x08;
        frame[13] = 0x06; // ARP
        assertThat(PacketParser.parseEthernet(MemorySegment.ofArray(frame), 0, frame.length, p)).isFalse();
        assertThat(p.flags()).isEqualTo(HAS_ETHERNET | UNSUPPORTED_ETHER_TYPE);
        frame[13] = (byte) 0xDD;
        frame[12] = (byte) 0x86; // says IPv6, carries IPv4
        assertThat(PacketParser.parseEthernet(MemorySegment.ofArray(frame), 0, frame.length, p)).isFalse();
        assertThat(p.flags()).isEqualTo(HAS_ETHERNET | BAD_IP_VERSION);
    }

    @Test
    void malformedIpReportsFlags() {
        byte[] pkt = Packets.tcpV4(A4, B4, 1, 2, 3, 4, TcpView.FLAG_SYN, 5, List.of(), new byte[10]);
        assertThat(parse(Arrays.copyOf(pkt, 0))).isFalse();
        assertThat(p.flags()).isEqualTo(TRUNCATED_IP);
        assertThat(parse(Arrays.copyOf(pkt, 19))).isFalse();
        assertThat(p.flags()).isEqualTo(TRUNCATED_IP);
        assertThat(p.ipVersion()).isEqualTo(4);

        assertThat(parse(Arrays.copyOf(pkt, 22))).isTrue();
        assertThat(p.flags()).isEqualTo(HAS_IP | BAD_IP_LENGTH | TRUNCATED_TRANSPORT | CHECKSUMS_VERIFIED);
        assertThat(p.srcPort()).isEqualTo(-1);

        assertThat(parse(Arrays.copyOf(pkt, 30))).isTrue();
        assertThat(p.flags()).isEqualTo(HAS_IP | BAD_IP_LENGTH | HAS_PORTS | TRUNCATED_TRANSPORT
                | CHECKSUMS_VERIFIED);
        assertThat(p.dstPort()).isEqualTo(2);
        assertThat(p.tcpFlags()).isZero();

        byte[] badOffset = pkt.clone();
        badOffset[32] = 0x30; // data offset 3 words
        assertThat(parse(badOffset)).isTrue();
        assertThat(p.has(BAD_TRANSPORT_LENGTH)).isTrue();
        assertThat(p.tcpFlags()).isEqualTo(TcpView.FLAG_SYN);

        byte[] badChecksums = pkt.clone();
        badChecksums[8] = 1; // TTL: breaks the IP checksum only
        badChecksums[pkt.length - 1] = 9; // payload: breaks the TCP checksum only
        assertThat(parse(badChecksums)).isTrue();
        assertThat(p.has(BAD_IP_CHECKSUM | BAD_TRANSPORT_CHECKSUM)).isTrue();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(badChecksums), 0, pkt.length, p)).isTrue();
        assertThat(p.flags() & (BAD_IP_CHECKSUM | BAD_TRANSPORT_CHECKSUM | CHECKSUMS_VERIFIED)).isZero();

        byte[] v5 = pkt.clone();
        v5[0] = 0x55;
        assertThat(parse(v5)).isFalse();
        assertThat(p.flags()).isEqualTo(BAD_IP_VERSION);
        assertThat(p.protocol()).isEqualTo(-1);
    }

    @Test
    void linkPaddingIsIgnoredAndBrokenChainsAreReported() {
        byte[] pkt = Packets.udpV4(A4, B4, 1, 2, new byte[2]);
        byte[] padded = Arrays.copyOf(pkt, 60); // Ethernet minimum frame padding
        assertThat(parse(padded)).isTrue();
        assertThat(p.isMalformed()).isFalse();
        assertThat(p.ipLength()).isEqualTo(pkt.length);
        assertThat(p.payloadLength()).isEqualTo(2);

        byte[] v6 = Fixtures.IPV6.clone();
        v6[41] = 9; // Hop-by-Hop length runs past the packet
        assertThat(parse(v6)).isFalse();
        assertThat(p.flags()).isEqualTo(BAD_EXTENSION_HEADERS);
        assertThat(p.srcLo()).isEqualTo(1);
        assertThat(p.protocol()).isEqualTo(-1);
    }

    @Test
    void reuseClearsThePreviousPacket() {
        parse(Packets.udpV4(A4, B4, 1, 2, new byte[0]));
        parse(Packets.icmpv4EchoRequest(A4, B4, 1, 1, new byte[0]));
        assertThat(p.srcPort()).isEqualTo(-1);
        assertThat(p.has(HAS_PORTS)).isFalse();
        assertThat(p.icmpType()).isEqualTo(Icmpv4View.TYPE_ECHO_REQUEST);
    }
}

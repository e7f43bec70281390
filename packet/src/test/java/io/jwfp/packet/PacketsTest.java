package io.jwfp.packet;

import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpOption;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

import static io.jwfp.packet.PacketParserTest.A4;
import static io.jwfp.packet.PacketParserTest.A6;
import static io.jwfp.packet.PacketParserTest.B4;
import static io.jwfp.packet.PacketParserTest.B6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacketsTest {
    private final ParsedPacket p = new ParsedPacket();

    private ParsedPacket parse(byte[] b) {
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(b), 0, b.length, p, ChecksumPolicy.VERIFY)).isTrue();
        assertThat(p.flags() & (ParsedPacket.MALFORMED_MASK | ParsedPacket.BAD_IP_CHECKSUM
                | ParsedPacket.BAD_TRANSPORT_CHECKSUM)).as(p.toString()).isZero();
        return p;
    }

    @Test
    void everyBuilderMakesAValidPacket() {
        byte[] data = {1, 2, 3, 4, 5};
        parse(Packets.tcp(A4, B4, 1, 2, 3, 4, TcpView.FLAG_SYN, 5, List.of(new TcpOption.Mss(1400)), data));
        assertThat(p.tcp().mss()).isEqualTo(1400);
        parse(Packets.tcp(A6, B6, 1, 2, 3, 4, TcpView.FLAG_SYN, 5, List.of(), data));
        assertThat(p.ipVersion()).isEqualTo(6);
        parse(Packets.udp(A4, B4, 7, 8, data));
        parse(Packets.udp(A6, B6, 7, 8, data));
        parse(Packets.icmpv4EchoRequest(A4, B4, 1, 2, data));
        assertThat(p.icmpType()).isEqualTo(Icmpv4View.TYPE_ECHO_REQUEST);
        parse(Packets.icmpv4EchoReply(B4, A4, 1, 2, data));
        assertThat(p.icmpType()).isEqualTo(Icmpv4View.TYPE_ECHO_REPLY);
        parse(Packets.icmpv6EchoRequest(A6, B6, 1, 2, data));
        parse(Packets.icmpv6EchoReply(B6, A6, 1, 2, data));
        assertThat(p.icmpSeq()).isEqualTo(2);
        assertThatThrownBy(() -> Packets.udp(A4, B6, 1, 2, data)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void icmpv4ErrorQuotesHeaderPlusEightBytes() {
        byte[] udp = Packets.udpV4(A4, B4, 5000, 53, new byte[100]);
        byte[] err = Packets.icmpv4DestinationUnreachable(InetBits.toInet4(0x0A0000FE),
                Icmpv4View.CODE_HOST_UNREACHABLE, udp);
        parse(err);
        assertThat(p.srcV4()).isEqualTo(0x0A0000FE);
        assertThat(p.dstV4()).isEqualTo(InetBits.v4(A4));
        assertThat(p.icmpCode()).isEqualTo(Icmpv4View.CODE_HOST_UNREACHABLE);
        assertThat(p.payloadLength()).isEqualTo(28);
        assertThat(p.icmpv4().toByteArray(8, 28)).isEqualTo(Arrays.copyOf(udp, 28));
    }

    @Test
    void icmpv6ErrorQuotesUpToTheMinimumMtu() {
        byte[] big = Packets.udpV6(A6, B6, 1, 2, new byte[1400]);
        parse(Packets.icmpv6PortUnreachable(big));
        assertThat(p.ipLength()).isEqualTo(1280);
        assertThat(p.srcLo()).isEqualTo(2);
        assertThat(p.icmpCode()).isEqualTo(Icmpv6View.CODE_PORT_UNREACHABLE);
        assertThat(p.innerSrcPort()).isEqualTo(1);
        byte[] small = Packets.udpV6(A6, B6, 1, 2, new byte[3]);
        parse(Packets.icmpv6DestinationUnreachable(A6, Icmpv6View.CODE_ADMIN_PROHIBITED, small));
        assertThat(p.payloadLength()).isEqualTo(small.length);
    }

    @Test
    void resetForASynAcknowledgesIt() {
        // RFC 9293 §3.10.7.1, no ACK on the offending segment: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
        byte[] syn = Packets.tcpV4(A4, B4, 40000, 80, 0xFFFF_FFFFL, 0, TcpView.FLAG_SYN, 100, List.of(),
                new byte[3]);
        parse(Packets.tcpResetFor(syn));
        assertThat(p.srcV4()).isEqualTo(InetBits.v4(B4));
        assertThat(p.srcPort()).isEqualTo(80);
        assertThat(p.dstPort()).isEqualTo(40000);
        assertThat(p.tcpFlags()).isEqualTo(TcpView.FLAG_RST | TcpView.FLAG_ACK);
        assertThat(p.tcpSeq()).isZero();
        assertThat(p.tcpAck()).isEqualTo(3); // 0xFFFFFFFF + 1 (SYN) + 3 bytes, modulo 2^32
    }

    @Test
    void resetForAnAckTakesItsSequenceFromTheAck() {
        byte[] ack = Packets.tcpV6(A6, B6, 40000, 80, 10, 777, TcpView.FLAG_ACK | TcpView.FLAG_FIN, 100, List.of(),
                new byte[0]);
        parse(Packets.tcpResetFor(ack));
        assertThat(p.srcLo()).isEqualTo(2);
        assertThat(p.tcpFlags()).isEqualTo(TcpView.FLAG_RST);
        assertThat(p.tcpSeq()).isEqualTo(777);
        assertThat(p.tcpAck()).isZero();
        byte[] rst = Packets.tcpResetFor(ack);
        assertThatThrownBy(() -> Packets.tcpResetFor(rst)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Packets.tcpResetFor(Packets.udpV4(A4, B4, 1, 2, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ethernetFramesFollowTheVersion() {
        byte[] frame = Packets.ethernet(0x0200_0000_0001L, 0x0200_0000_0002L, Packets.udpV6(A6, B6, 1, 2,
                new byte[0]));
        assertThat(PacketParser.parseEthernet(MemorySegment.ofArray(frame), 0, frame.length, p)).isTrue();
        assertThat(p.etherType()).isEqualTo(EtherType.IPV6);
        assertThat(p.ethernet().dstMac()).isEqualTo(0x0200_0000_0001L);
        assertThatThrownBy(() -> Packets.ethernet(1, 2, new byte[]{0x50})).isInstanceOf(IllegalArgumentException.class);
    }
}

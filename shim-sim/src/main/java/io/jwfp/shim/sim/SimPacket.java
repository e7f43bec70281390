package io.jwfp.shim.sim;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.Icmpv4View;
import io.jwfp.packet.Icmpv6View;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;

/**
 * A packet travelling through a host: its net buffer list (the whole buffer, link header included when there is
 * one, so callouts can retreat to any header), where the IP header starts, the parse of it, and its trace id.
 */
final class SimPacket {
    final NetBufferList nbl;
    final int ipOffset;
    final ParsedPacket p = new ParsedPacket();
    long id;
    SimInterface arrival;
    boolean loopback;
    /** Reassembled from fragments (FWP_CONDITION_FLAG_IS_REASSEMBLED). */
    boolean reassembled;

    SimPacket(NetBufferList nbl, int ipOffset, long id) {
        this.nbl = nbl;
        this.ipOffset = ipOffset;
        this.id = id;
        reparse(ChecksumPolicy.IGNORE);
    }

    /** A packet over a fresh buffer holding an IP datagram. */
    static SimPacket ofIp(byte[] ip, long id) {
        return new SimPacket(NetBufferList.wrap(ip), 0, id);
    }

    /** Parses again (after a callout or the stack changed bytes); returns the parse. */
    ParsedPacket reparse(ChecksumPolicy policy) {
        MemorySegment seg = nbl.segment();
        PacketParser.parseIp(seg, ipOffset, seg.byteSize() - ipOffset, p, policy);
        return p;
    }

    IpVersion version() {
        return p.ipVersion() == 6 ? IpVersion.V6 : IpVersion.V4;
    }

    InetAddress src() {
        return p.ipVersion() == 6 ? InetBits.toInet6(p.srcHi(), p.srcLo()) : InetBits.toInet4(p.srcV4());
    }

    InetAddress dst() {
        return p.ipVersion() == 6 ? InetBits.toInet6(p.dstHi(), p.dstLo()) : InetBits.toInet4(p.dstV4());
    }

    int ipHeaderSize() {
        return p.ipHeaderSize();
    }

    int transportHeaderSize() {
        return Math.max(0, p.transportHeaderSize());
    }

    long transportOffset() {
        return p.transportOffset();
    }

    long payloadOffset() {
        return p.payloadOffset() >= 0 ? p.payloadOffset() : p.transportOffset();
    }

    int payloadLength() {
        return Math.max(0, p.payloadLength());
    }

    /** The IP datagram's bytes, copied. */
    byte[] ipBytes() {
        int len = p.ipLength();
        byte[] b = new byte[len];
        MemorySegment.copy(nbl.segment(), ValueLayout.JAVA_BYTE, ipOffset, b, 0, len);
        return b;
    }

    /** The transport payload, copied. */
    byte[] payload() {
        byte[] b = new byte[payloadLength()];
        MemorySegment.copy(nbl.segment(), ValueLayout.JAVA_BYTE, payloadOffset(), b, 0, b.length);
        return b;
    }

    boolean isIcmp() {
        return p.protocol() == IpProtocol.ICMP || p.protocol() == IpProtocol.ICMPV6;
    }

    boolean isIcmpError() {
        return p.has(ParsedPacket.ICMP_ERROR);
    }

    /** What the trace calls the packet: SYN, SYN-ACK, ACK, data, FIN, RST, datagram, echo-request, ... */
    String label() {
        int proto = p.protocol();
        if (p.has(ParsedPacket.FRAGMENT)) return "fragment";
        if (proto == IpProtocol.TCP) {
            int f = p.tcpFlags();
            if ((f & TcpView.FLAG_RST) != 0) return "RST";
            if ((f & TcpView.FLAG_SYN) != 0) return (f & TcpView.FLAG_ACK) != 0 ? "SYN-ACK" : "SYN";
            if ((f & TcpView.FLAG_FIN) != 0) return "FIN";
            return p.payloadLength() > 0 ? "data" : "ACK";
        }
        if (proto == IpProtocol.UDP) return "datagram";
        if (proto == IpProtocol.ICMP) {
            return switch (p.icmpType()) {
                case Icmpv4View.TYPE_ECHO_REQUEST -> "echo-request";
                case Icmpv4View.TYPE_ECHO_REPLY -> "echo-reply";
                case Icmpv4View.TYPE_DEST_UNREACHABLE -> p.icmpCode() == Icmpv4View.CODE_PORT_UNREACHABLE
                        ? "port-unreachable" : "unreachable";
                case Icmpv4View.TYPE_TIME_EXCEEDED -> "time-exceeded";
                default -> "icmp";
            };
        }
        if (proto == IpProtocol.ICMPV6) {
            return switch (p.icmpType()) {
                case Icmpv6View.TYPE_ECHO_REQUEST -> "echo-request";
                case Icmpv6View.TYPE_ECHO_REPLY -> "echo-reply";
                case Icmpv6View.TYPE_DEST_UNREACHABLE -> p.icmpCode() == 4 ? "port-unreachable" : "unreachable";
                case Icmpv6View.TYPE_TIME_EXCEEDED -> "time-exceeded";
                default -> "icmpv6";
            };
        }
        return "ip";
    }

    /** One line: {@code tcp 10.200.0.1:49152 > 10.200.0.2:80 [S] seq=1 ack=0 len=0}. */
    String summary() {
        int proto = p.protocol();
        String s = host(src()), d = host(dst());
        if (p.has(ParsedPacket.FRAGMENT)) {
            return "ip " + s + " > " + d + " proto=" + proto + " frag id=" + p.fragmentId() + " off="
                    + p.fragmentOffset() + (p.moreFragments() ? "+" : "") + " len=" + (p.ipLength() - p.ipHeaderSize());
        }
        if (proto == IpProtocol.TCP) {
            return "tcp " + s + ":" + p.srcPort() + " > " + d + ":" + p.dstPort() + " [" + tcpFlags(p.tcpFlags())
                    + "] seq=" + p.tcpSeq() + " ack=" + p.tcpAck() + " len=" + p.payloadLength();
        }
        if (proto == IpProtocol.UDP) {
            return "udp " + s + ":" + p.srcPort() + " > " + d + ":" + p.dstPort() + " len=" + p.payloadLength();
        }
        if (isIcmp()) {
            return (proto == IpProtocol.ICMP ? "icmp " : "icmpv6 ") + s + " > " + d + " type=" + p.icmpType()
                    + " code=" + p.icmpCode();
        }
        return "ip " + s + " > " + d + " proto=" + proto;
    }

    static String host(InetAddress a) {
        String h = InetText.of(a);
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    static String tcpFlags(int f) {
        StringBuilder sb = new StringBuilder();
        if ((f & TcpView.FLAG_SYN) != 0) sb.append('S');
        if ((f & TcpView.FLAG_FIN) != 0) sb.append('F');
        if ((f & TcpView.FLAG_RST) != 0) sb.append('R');
        if ((f & TcpView.FLAG_PSH) != 0) sb.append('P');
        if ((f & TcpView.FLAG_ACK) != 0) sb.append('.');
        return sb.toString();
    }
}

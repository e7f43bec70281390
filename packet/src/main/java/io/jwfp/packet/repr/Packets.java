package io.jwfp.packet.repr;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.EtherType;
import io.jwfp.packet.EthernetView;
import io.jwfp.packet.Icmpv4View;
import io.jwfp.packet.Icmpv6View;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.Ipv4View;
import io.jwfp.packet.Ipv6View;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.UdpView;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Builds whole IP datagrams with correct lengths and checksums, for the simulated network and for tests. Every
 * method returns a new {@code byte[]} that starts at the IP header; wrap it with {@link #ethernet} for a frame.
 *
 * <p>IP defaults: IPv4 with DF set, identification 0, TTL 64, no options ({@link Ipv4Header#of}); IPv6 with traffic
 * class 0, flow label 0, hop limit 64, no extension headers ({@link Ipv6Header#of}). For anything else build the
 * records and use {@link #ipv4(Ipv4Header, TcpHeader, byte[])} and its siblings.
 *
 * <p>Stateless and thread-safe. This is the build path: it allocates and throws
 * {@link IllegalArgumentException} on bad arguments.
 */
public final class Packets {
    /** Most bytes of an invoking packet an ICMPv6 error quotes: the minimum MTU less IPv6 and ICMPv6 headers. */
    public static final int ICMPV6_MAX_QUOTE = 1280 - Ipv6View.HEADER_LEN - Icmpv6View.HEADER_LEN;
    /** Bytes of the invoking datagram's data an ICMPv4 error quotes after its IP header (RFC 792). */
    public static final int ICMPV4_QUOTED_DATA = 8;

    private Packets() {}

    // ---- TCP ----

    /** A TCP segment over IPv4. {@code flags} are {@link TcpView#FLAG_SYN} and friends. */
    public static byte[] tcpV4(Inet4Address src, Inet4Address dst, int srcPort, int dstPort, long seq, long ack,
                               int flags, int window, List<TcpOption> options, byte[] payload) {
        return tcp(Ipv4Header.of(InetBits.v4(src), InetBits.v4(dst), IpProtocol.TCP, 0),
                new TcpHeader(srcPort, dstPort, seq, ack, flags, window, 0, options), payload);
    }

    /** A TCP segment over IPv6. */
    public static byte[] tcpV6(Inet6Address src, Inet6Address dst, int srcPort, int dstPort, long seq, long ack,
                               int flags, int window, List<TcpOption> options, byte[] payload) {
        return tcp(v6(src, dst, IpProtocol.TCP), new TcpHeader(srcPort, dstPort, seq, ack, flags, window, 0, options),
                payload);
    }

    /** A TCP segment over IPv4 or IPv6, by the address family (both addresses must be of one family). */
    public static byte[] tcp(InetAddress src, InetAddress dst, int srcPort, int dstPort, long seq, long ack,
                             int flags, int window, List<TcpOption> options, byte[] payload) {
        return tcp(src, dst, new TcpHeader(srcPort, dstPort, seq, ack, flags, window, 0, options), payload);
    }

    /** A TCP segment with a prepared header, over the family of the addresses. */
    public static byte[] tcp(InetAddress src, InetAddress dst, TcpHeader tcp, byte[] payload) {
        return switch (family(src, dst)) {
            case 4 -> tcp(Ipv4Header.of(InetBits.v4((Inet4Address) src), InetBits.v4((Inet4Address) dst),
                    IpProtocol.TCP, 0), tcp, payload);
            default -> tcp(v6((Inet6Address) src, (Inet6Address) dst, IpProtocol.TCP), tcp, payload);
        };
    }

    /**
     * A TCP segment under a prepared IPv4 header; the header's protocol and payload length are replaced by TCP and
     * the segment's length.
     */
    public static byte[] tcp(Ipv4Header ip, TcpHeader tcp, byte[] payload) {
        int tl = tcp.headerLength() + payload.length;
        Ipv4Header h = withPayload(ip, IpProtocol.TCP, tl);
        byte[] out = new byte[h.totalLength()];
        MemorySegment seg = MemorySegment.ofArray(out);
        h.emit(new Ipv4View().wrap(seg));
        TcpView t = new TcpView().wrap(seg, h.headerLength(), tl);
        tcp.emit(t);
        t.write(tcp.headerLength(), payload);
        t.fillChecksumV4(h.srcAddr(), h.dstAddr());
        return out;
    }

    /** A TCP segment under a prepared IPv6 header; its upper-layer protocol and length are replaced. */
    public static byte[] tcp(Ipv6Header ip, TcpHeader tcp, byte[] payload) {
        int tl = tcp.headerLength() + payload.length;
        Ipv6Header h = withPayload(ip, IpProtocol.TCP, tl);
        byte[] out = new byte[h.headerLength() + tl];
        MemorySegment seg = MemorySegment.ofArray(out);
        h.emit(new Ipv6View().wrap(seg));
        TcpView t = new TcpView().wrap(seg, h.headerLength(), tl);
        tcp.emit(t);
        t.write(tcp.headerLength(), payload);
        t.fillChecksumV6(h.srcHi(), h.srcLo(), h.dstHi(), h.dstLo());
        return out;
    }

    /**
     * A transport segment, datagram or ICMP message under a new IP header (the defaults above), with the transport
     * checksum filled for these addresses — what the stack does for a transport-send injection, and what
     * FwpsConstructIpHeaderForTransportPacket0 gives a callout that sends a transport packet at the network layer.
     * TCP, UDP and ICMPv6 checksums cover the addresses and are recomputed; an ICMPv4 checksum does not and is kept;
     * other protocols are copied as they are.
     */
    public static byte[] withIpHeader(InetAddress src, InetAddress dst, int protocol, byte[] transport) {
        boolean v4 = family(src, dst) == 4;
        byte[] out;
        int hl;
        MemorySegment seg;
        if (v4) {
            Ipv4Header h = Ipv4Header.of(InetBits.v4((Inet4Address) src), InetBits.v4((Inet4Address) dst), protocol,
                    transport.length);
            hl = h.headerLength();
            out = new byte[hl + transport.length];
            seg = MemorySegment.ofArray(out);
            h.emit(new Ipv4View().wrap(seg));
        } else {
            Ipv6Header h = Ipv6Header.of(InetBits.v6Hi((Inet6Address) src), InetBits.v6Lo((Inet6Address) src),
                    InetBits.v6Hi((Inet6Address) dst), InetBits.v6Lo((Inet6Address) dst), protocol, transport.length);
            hl = h.headerLength();
            out = new byte[hl + transport.length];
            seg = MemorySegment.ofArray(out);
            h.emit(new Ipv6View().wrap(seg));
        }
        System.arraycopy(transport, 0, out, hl, transport.length);
        long sHi = v4 ? 0 : InetBits.v6Hi((Inet6Address) src);
        long sLo = v4 ? 0 : InetBits.v6Lo((Inet6Address) src);
        long dHi = v4 ? 0 : InetBits.v6Hi((Inet6Address) dst);
        long dLo = v4 ? 0 : InetBits.v6Lo((Inet6Address) dst);
        int s4 = v4 ? InetBits.v4((Inet4Address) src) : 0;
        int d4 = v4 ? InetBits.v4((Inet4Address) dst) : 0;
        if (protocol == IpProtocol.TCP) {
            TcpView t = new TcpView().wrap(seg, hl, transport.length);
            if (v4) t.fillChecksumV4(s4, d4);
            else t.fillChecksumV6(sHi, sLo, dHi, dLo);
        } else if (protocol == IpProtocol.UDP) {
            UdpView u = new UdpView().wrap(seg, hl, transport.length);
            if (v4) u.fillChecksumV4(s4, d4);
            else u.fillChecksumV6(sHi, sLo, dHi, dLo);
        } else if (protocol == IpProtocol.ICMPV6 && !v4) {
            new Icmpv6View().wrap(seg, hl, transport.length).fillChecksum(sHi, sLo, dHi, dLo);
        }
        return out;
    }

    /**
     * The RST a closed port sends for {@code offending}, an IP datagram carrying TCP (RFC 9293 §3.10.7.1): if the
     * segment has ACK, {@code <SEQ=SEG.ACK><CTL=RST>}; otherwise {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>},
     * where SYN and FIN count in SEG.LEN. Addresses and ports are swapped.
     *
     * @throws IllegalArgumentException if {@code offending} is not a complete TCP segment, or is itself a RST
     */
    public static byte[] tcpResetFor(byte[] offending) {
        ParsedPacket p = parse(offending);
        if (p.protocol() != IpProtocol.TCP || !p.has(ParsedPacket.HAS_TRANSPORT)) {
            throw new IllegalArgumentException("offending: not a complete TCP segment: " + p);
        }
        int flags = p.tcpFlags();
        if ((flags & TcpView.FLAG_RST) != 0) {
            throw new IllegalArgumentException("offending: a RST is never answered with a RST (RFC 9293 §3.10.7.1)");
        }
        TcpHeader rst;
        if ((flags & TcpView.FLAG_ACK) != 0) {
            rst = new TcpHeader(p.dstPort(), p.srcPort(), p.tcpAck(), 0, TcpView.FLAG_RST, 0, 0, List.of());
        } else {
            long segLen = p.payloadLength() + ((flags & TcpView.FLAG_SYN) != 0 ? 1 : 0)
                    + ((flags & TcpView.FLAG_FIN) != 0 ? 1 : 0);
            rst = new TcpHeader(p.dstPort(), p.srcPort(), 0, (p.tcpSeq() + segLen) & 0xFFFF_FFFFL,
                    TcpView.FLAG_RST | TcpView.FLAG_ACK, 0, 0, List.of());
        }
        if (p.ipVersion() == 4) {
            return tcp(Ipv4Header.of(p.dstV4(), p.srcV4(), IpProtocol.TCP, 0), rst, new byte[0]);
        }
        return tcp(Ipv6Header.of(p.dstHi(), p.dstLo(), p.srcHi(), p.srcLo(), IpProtocol.TCP, 0), rst, new byte[0]);
    }

    // ---- UDP ----

    /** A UDP datagram over IPv4 with its checksum filled (a computed 0 is sent as 0xFFFF). */
    public static byte[] udpV4(Inet4Address src, Inet4Address dst, int srcPort, int dstPort, byte[] payload) {
        return udp(Ipv4Header.of(InetBits.v4(src), InetBits.v4(dst), IpProtocol.UDP, 0), srcPort, dstPort, payload);
    }

    /** A UDP datagram over IPv6 with its (mandatory) checksum filled. */
    public static byte[] udpV6(Inet6Address src, Inet6Address dst, int srcPort, int dstPort, byte[] payload) {
        return udp(v6(src, dst, IpProtocol.UDP), srcPort, dstPort, payload);
    }

    /** A UDP datagram over the family of the addresses. */
    public static byte[] udp(InetAddress src, InetAddress dst, int srcPort, int dstPort, byte[] payload) {
        return family(src, dst) == 4 ? udpV4((Inet4Address) src, (Inet4Address) dst, srcPort, dstPort, payload)
                : udpV6((Inet6Address) src, (Inet6Address) dst, srcPort, dstPort, payload);
    }

    /** A UDP datagram under a prepared IPv4 header. */
    public static byte[] udp(Ipv4Header ip, int srcPort, int dstPort, byte[] payload) {
        UdpHeader u = new UdpHeader(srcPort, dstPort, payload.length);
        Ipv4Header h = withPayload(ip, IpProtocol.UDP, u.length());
        byte[] out = new byte[h.totalLength()];
        MemorySegment seg = MemorySegment.ofArray(out);
        h.emit(new Ipv4View().wrap(seg));
        UdpView v = new UdpView().wrap(seg, h.headerLength(), u.length());
        u.emit(v);
        v.write(UdpView.HEADER_LEN, payload);
        v.fillChecksumV4(h.srcAddr(), h.dstAddr());
        return out;
    }

    /** A UDP datagram under a prepared IPv6 header. */
    public static byte[] udp(Ipv6Header ip, int srcPort, int dstPort, byte[] payload) {
        UdpHeader u = new UdpHeader(srcPort, dstPort, payload.length);
        Ipv6Header h = withPayload(ip, IpProtocol.UDP, u.length());
        byte[] out = new byte[h.headerLength() + u.length()];
        MemorySegment seg = MemorySegment.ofArray(out);
        h.emit(new Ipv6View().wrap(seg));
        UdpView v = new UdpView().wrap(seg, h.headerLength(), u.length());
        u.emit(v);
        v.write(UdpView.HEADER_LEN, payload);
        v.fillChecksumV6(h.srcHi(), h.srcLo(), h.dstHi(), h.dstLo());
        return out;
    }

    // ---- ICMP ----

    public static byte[] icmpv4EchoRequest(Inet4Address src, Inet4Address dst, int id, int seq, byte[] data) {
        return icmpv4(Ipv4Header.of(InetBits.v4(src), InetBits.v4(dst), IpProtocol.ICMP, 0),
                Icmpv4Message.echoRequest(id, seq, data));
    }

    public static byte[] icmpv4EchoReply(Inet4Address src, Inet4Address dst, int id, int seq, byte[] data) {
        return icmpv4(Ipv4Header.of(InetBits.v4(src), InetBits.v4(dst), IpProtocol.ICMP, 0),
                Icmpv4Message.echoReply(id, seq, data));
    }

    public static byte[] icmpv6EchoRequest(Inet6Address src, Inet6Address dst, int id, int seq, byte[] data) {
        return icmpv6(v6(src, dst, IpProtocol.ICMPV6), Icmpv6Message.echoRequest(id, seq, data));
    }

    public static byte[] icmpv6EchoReply(Inet6Address src, Inet6Address dst, int id, int seq, byte[] data) {
        return icmpv6(v6(src, dst, IpProtocol.ICMPV6), Icmpv6Message.echoReply(id, seq, data));
    }

    /** An ICMPv4 message under a prepared IPv4 header (its protocol and payload length are replaced). */
    public static byte[] icmpv4(Ipv4Header ip, Icmpv4Message msg) {
        Ipv4Header h = withPayload(ip, IpProtocol.ICMP, msg.bufferLength());
        byte[] out = new byte[h.totalLength()];
        MemorySegment seg = MemorySegment.ofArray(out);
        h.emit(new Ipv4View().wrap(seg));
        msg.emit(new Icmpv4View().wrap(seg, h.headerLength(), msg.bufferLength()));
        return out;
    }

    /** An ICMPv6 message under a prepared IPv6 header (its upper-layer protocol and length are replaced). */
    public static byte[] icmpv6(Ipv6Header ip, Icmpv6Message msg) {
        Ipv6Header h = withPayload(ip, IpProtocol.ICMPV6, msg.bufferLength());
        byte[] out = new byte[h.headerLength() + msg.bufferLength()];
        MemorySegment seg = MemorySegment.ofArray(out);
        h.emit(new Ipv6View().wrap(seg));
        msg.emit(new Icmpv6View().wrap(seg, h.headerLength(), msg.bufferLength()), h.srcHi(), h.srcLo(), h.dstHi(),
                h.dstLo());
        return out;
    }

    /**
     * An ICMPv4 error from {@code src} about {@code offending} (an IPv4 datagram), sent to its source, quoting its IP
     * header and first 8 data bytes (RFC 792).
     */
    public static byte[] icmpv4Error(int src, int type, int code, long restOfHeader, byte[] offending) {
        ParsedPacket p = parse(offending);
        if (p.ipVersion() != 4 || !p.has(ParsedPacket.HAS_IP)) {
            throw new IllegalArgumentException("offending: not an IPv4 datagram: " + p);
        }
        int quote = Math.min(p.ipLength(), p.ipHeaderSize() + ICMPV4_QUOTED_DATA);
        Icmpv4Message m = new Icmpv4Message(type, code, restOfHeader, Arrays.copyOf(offending, quote));
        return icmpv4(Ipv4Header.of(src, p.srcV4(), IpProtocol.ICMP, 0), m);
    }

    /** Destination unreachable from {@code src} (a router or the destination host) about {@code offending}. */
    public static byte[] icmpv4DestinationUnreachable(Inet4Address src, int code, byte[] offending) {
        return icmpv4Error(InetBits.v4(src), Icmpv4View.TYPE_DEST_UNREACHABLE, code, 0, offending);
    }

    /** Port unreachable from the offending datagram's destination back to its source. */
    public static byte[] icmpv4PortUnreachable(byte[] offending) {
        ParsedPacket p = parse(offending);
        return icmpv4Error(p.dstV4(), Icmpv4View.TYPE_DEST_UNREACHABLE, Icmpv4View.CODE_PORT_UNREACHABLE, 0,
                offending);
    }

    /**
     * An ICMPv6 error from {@code src} about {@code offending} (an IPv6 packet), sent to its source, quoting as much
     * of it as fits in the minimum MTU (RFC 4443 §2.4(c)).
     */
    public static byte[] icmpv6Error(long srcHi, long srcLo, int type, int code, long restOfHeader,
                                     byte[] offending) {
        ParsedPacket p = parse(offending);
        if (p.ipVersion() != 6 || p.ipLength() < Ipv6View.HEADER_LEN) {
            throw new IllegalArgumentException("offending: not an IPv6 packet: " + p);
        }
        int quote = Math.min(p.ipLength(), ICMPV6_MAX_QUOTE);
        Icmpv6Message m = new Icmpv6Message(type, code, restOfHeader, Arrays.copyOf(offending, quote));
        return icmpv6(Ipv6Header.of(srcHi, srcLo, p.srcHi(), p.srcLo(), IpProtocol.ICMPV6, 0), m);
    }

    /** Destination unreachable (RFC 4443 §3.1) from {@code src} about {@code offending}. */
    public static byte[] icmpv6DestinationUnreachable(Inet6Address src, int code, byte[] offending) {
        return icmpv6Error(InetBits.v6Hi(src), InetBits.v6Lo(src), Icmpv6View.TYPE_DEST_UNREACHABLE, code, 0,
                offending);
    }

    /** Port unreachable from the offending packet's destination back to its source. */
    public static byte[] icmpv6PortUnreachable(byte[] offending) {
        ParsedPacket p = parse(offending);
        return icmpv6Error(p.dstHi(), p.dstLo(), Icmpv6View.TYPE_DEST_UNREACHABLE, Icmpv6View.CODE_PORT_UNREACHABLE,
                0, offending);
    }

    // ---- link ----

    /** An untagged Ethernet II frame around an IP datagram; the EtherType follows the version nibble. */
    public static byte[] ethernet(long dstMac, long srcMac, byte[] ipPacket) {
        if (ipPacket.length == 0) {
            throw new IllegalArgumentException("ipPacket: empty");
        }
        int version = (ipPacket[0] & 0xFF) >>> 4;
        int type = switch (version) {
            case 4 -> EtherType.IPV4;
            case 6 -> EtherType.IPV6;
            default -> throw new IllegalArgumentException("ipPacket: version " + version + " (expected: 4 or 6)");
        };
        EthernetFrame f = EthernetFrame.of(dstMac, srcMac, type);
        byte[] out = new byte[f.bufferLength() + ipPacket.length];
        MemorySegment seg = MemorySegment.ofArray(out);
        EthernetView v = new EthernetView().wrap(seg);
        f.emit(v);
        v.write(f.bufferLength(), ipPacket);
        return out;
    }

    // ---- helpers ----

    private static ParsedPacket parse(byte[] packet) {
        ParsedPacket p = new ParsedPacket();
        PacketParser.parseIp(MemorySegment.ofArray(packet), 0, packet.length, p, ChecksumPolicy.IGNORE);
        return p;
    }

    private static int family(InetAddress src, InetAddress dst) {
        if (src instanceof Inet4Address && dst instanceof Inet4Address) {
            return 4;
        } else if (src instanceof Inet6Address && dst instanceof Inet6Address) {
            return 6;
        }
        throw new IllegalArgumentException("addresses: " + src + ", " + dst + " (expected: one family)");
    }

    private static Ipv6Header v6(Inet6Address src, Inet6Address dst, int protocol) {
        return Ipv6Header.of(InetBits.v6Hi(src), InetBits.v6Lo(src), InetBits.v6Hi(dst), InetBits.v6Lo(dst),
                protocol, 0);
    }

    private static Ipv4Header withPayload(Ipv4Header h, int protocol, int payloadLength) {
        return new Ipv4Header(h.dscp(), h.ecn(), h.identification(), h.dontFragment(), h.moreFragments(),
                h.fragmentOffset(), h.ttl(), protocol, h.srcAddr(), h.dstAddr(), h.options(), payloadLength);
    }

    private static Ipv6Header withPayload(Ipv6Header h, int protocol, int upperLayerLength) {
        return new Ipv6Header(h.trafficClass(), h.flowLabel(), h.hopLimit(), h.srcHi(), h.srcLo(), h.dstHi(),
                h.dstLo(), h.extensionHeaders(), protocol, upperLayerLength);
    }
}

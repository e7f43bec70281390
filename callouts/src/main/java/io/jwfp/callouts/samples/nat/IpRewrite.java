package io.jwfp.callouts.samples.nat;

import io.jwfp.packet.Checksums;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.Icmpv6View;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.Ipv4View;
import io.jwfp.packet.Ipv6View;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.UdpView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Address and port rewriting of an IP packet in place, with every checksum it affects patched incrementally (RFC 1624):
 * the IPv4 header checksum, and the TCP, UDP or ICMPv6 checksum, which covers the addresses through its
 * pseudo-header and the ports directly. What a callout must do because WFP injection never fills checksums
 * (seed-samples §1.10).
 *
 * <p>Fragments: the address is rewritten in every fragment (reassembly groups fragments by address); ports and the
 * transport checksum only where the transport header is, in a whole datagram or a first fragment. The transport
 * checksum covers the whole datagram, so the patch in the first fragment is right for the reassembled one; bytes of a
 * non-first fragment are payload and are never read as ports (the BOT-Man driver's defect, seed-samples §7.5).
 *
 * <p>A UDP-over-IPv4 checksum of 0 ("none") stays 0; a patched UDP checksum that comes out 0 is written as 0xFFFF, so
 * an IPv6 UDP checksum is never 0 (RFC 8200 §8.1). ICMPv4 has no pseudo-header and needs no patch for addresses.
 *
 * <p>Stateless and thread-safe; each call allocates its small views.
 */
public final class IpRewrite {
    private IpRewrite() {}

    /** Which end of the packet to rewrite. */
    public enum Side { SOURCE, DESTINATION }

    /** Parses the IP packet at {@code ipOffset} of the list (checksums not verified) into {@code out}. */
    public static ParsedPacket parse(NetBufferList nbl, long ipOffset, ParsedPacket out) {
        MemorySegment seg = nbl.segment();
        long end = nbl.dataOffset() + nbl.dataLength();
        PacketParser.parseIp(seg, ipOffset, end - ipOffset, out, ChecksumPolicy.IGNORE);
        return out;
    }

    /** True if the packet carries its transport header (not a fragment after the first). */
    public static boolean hasTransportHeader(ParsedPacket p) {
        return !p.has(ParsedPacket.NON_FIRST_FRAGMENT);
    }

    /**
     * Rewrites one end of the IP packet at {@code ipOffset} of {@code seg}: its address (null: keep) and, for TCP and
     * UDP packets that carry their transport header, its port ({@code port < 0}: keep).
     *
     * @throws IllegalArgumentException if the address family is not the packet's
     */
    public static void rewrite(MemorySegment seg, long ipOffset, long length, Side side, NatAddress address, int port) {
        int version = (seg.get(ValueLayout.JAVA_BYTE, ipOffset) & 0xF0) >>> 4;
        if (version == 4) rewriteV4(seg, ipOffset, length, side, address, port);
        else if (version == 6) rewriteV6(seg, ipOffset, length, side, address, port);
        else throw new IllegalArgumentException("not an IP packet (version " + version + ")");
    }

    private static void rewriteV4(MemorySegment seg, long off, long length, Side side, NatAddress address, int port) {
        Ipv4View ip = new Ipv4View().wrap(seg, off, length);
        int hl = ip.headerLength();
        int proto = ip.protocol();
        boolean transport = ip.fragmentOffset() == 0;
        long tOff = off + hl;
        long tLen = Math.min(length, ip.totalLength()) - hl;
        if (address != null) {
            if (!address.isV4()) throw new IllegalArgumentException(address + " is not an IPv4 address");
            int old = side == Side.SOURCE ? ip.srcAddr() : ip.dstAddr();
            if (side == Side.SOURCE) ip.setSrcAddrWithChecksumUpdate(address.v4());
            else ip.setDstAddrWithChecksumUpdate(address.v4());
            if (transport && proto == IpProtocol.TCP && tLen >= TcpView.CHECKSUM + 2) {
                new TcpView().wrap(seg, tOff, tLen).updateChecksumForAddressV4(old, address.v4());
            } else if (transport && proto == IpProtocol.UDP && tLen >= UdpView.HEADER_LEN) {
                new UdpView().wrap(seg, tOff, tLen).updateChecksumForAddressV4(old, address.v4());
            }
        }
        if (port >= 0 && transport) rewritePort(seg, tOff, tLen, proto, side, port);
    }

    private static void rewriteV6(MemorySegment seg, long off, long length, Side side, NatAddress address, int port) {
        Ipv6View ip = new Ipv6View().wrap(seg, off, length);
        int upper = ip.upperLayerOffset();
        boolean transport = upper >= 0 && !(ip.hasFragmentHeader() && ip.fragmentOffset() != 0);
        int proto = ip.upperLayerProtocol();
        long tOff = off + upper;
        long tLen = upper < 0 ? 0 : Math.min(length - upper, ip.upperLayerLength());
        if (address != null) {
            if (address.isV4()) throw new IllegalArgumentException(address + " is not an IPv6 address");
            long oldHi = side == Side.SOURCE ? ip.srcAddrHi() : ip.dstAddrHi();
            long oldLo = side == Side.SOURCE ? ip.srcAddrLo() : ip.dstAddrLo();
            if (side == Side.SOURCE) ip.setSrcAddr(address.hi(), address.lo());
            else ip.setDstAddr(address.hi(), address.lo());
            if (transport && proto == IpProtocol.TCP && tLen >= TcpView.CHECKSUM + 2) {
                new TcpView().wrap(seg, tOff, tLen).updateChecksumForAddressV6(oldHi, oldLo, address.hi(), address.lo());
            } else if (transport && proto == IpProtocol.UDP && tLen >= UdpView.HEADER_LEN) {
                new UdpView().wrap(seg, tOff, tLen).updateChecksumForAddressV6(oldHi, oldLo, address.hi(), address.lo());
            } else if (transport && proto == IpProtocol.ICMPV6 && tLen >= 4) {
                new Icmpv6View().wrap(seg, tOff, tLen).updateChecksumForAddressV6(oldHi, oldLo, address.hi(), address.lo());
            }
        }
        if (port >= 0 && transport) rewritePort(seg, tOff, tLen, proto, side, port);
    }

    private static void rewritePort(MemorySegment seg, long tOff, long tLen, int proto, Side side, int port) {
        if (proto == IpProtocol.TCP && tLen >= TcpView.CHECKSUM + 2) {
            TcpView t = new TcpView().wrap(seg, tOff, tLen);
            if (side == Side.SOURCE) t.setSrcPortWithChecksumUpdate(port);
            else t.setDstPortWithChecksumUpdate(port);
        } else if (proto == IpProtocol.UDP && tLen >= UdpView.HEADER_LEN) {
            UdpView u = new UdpView().wrap(seg, tOff, tLen);
            if (side == Side.SOURCE) u.setSrcPortWithChecksumUpdate(port);
            else u.setDstPortWithChecksumUpdate(port);
        }
    }

    /**
     * Recomputes the transport checksum of a whole TCP, UDP or ICMPv6 packet (not a fragment) from scratch, for
     * addresses the stack will put in front of it: what a callout writes into a datagram it send-injects at the
     * transport layer, where the IP header does not exist yet. A UDP result of 0 is written as 0xFFFF.
     *
     * @param seg       the bytes
     * @param tOff      where the transport header starts
     * @param tLen      the transport length (header and payload)
     * @param protocol  IpProtocol.TCP, UDP, ICMP or ICMPV6 (ICMP: no pseudo-header)
     */
    public static void fillTransportChecksum(MemorySegment seg, long tOff, int tLen, int protocol, NatAddress src,
                                             NatAddress dst) {
        if (protocol == IpProtocol.UDP) {
            UdpView u = new UdpView().wrap(seg, tOff, tLen);
            if (src.isV4()) u.fillChecksumV4(src.v4(), dst.v4());
            else u.fillChecksumV6(src.hi(), src.lo(), dst.hi(), dst.lo());
        } else if (protocol == IpProtocol.TCP) {
            TcpView t = new TcpView().wrap(seg, tOff, tLen);
            if (src.isV4()) t.fillChecksumV4(src.v4(), dst.v4());
            else t.fillChecksumV6(src.hi(), src.lo(), dst.hi(), dst.lo());
        } else if (protocol == IpProtocol.ICMPV6) {
            new Icmpv6View().wrap(seg, tOff, tLen).fillChecksum(src.hi(), src.lo(), dst.hi(), dst.lo());
        } else if (protocol == IpProtocol.ICMP) {
            MemorySegment s = seg;
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), tOff + 2,
                    (short) Checksums.icmpv4(seg, tOff, tLen));
        }
    }

    /** Recomputes the IPv4 header checksum of the packet at {@code ipOffset} (a no-op for IPv6). */
    public static void fillIpv4HeaderChecksum(MemorySegment seg, long ipOffset, long length) {
        int version = (seg.get(ValueLayout.JAVA_BYTE, ipOffset) & 0xF0) >>> 4;
        if (version == 4) new Ipv4View().wrap(seg, ipOffset, length).fillChecksum();
    }
}

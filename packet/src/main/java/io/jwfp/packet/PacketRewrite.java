package io.jwfp.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * Makes a packet a callout built (and injected) a complete, sendable IP packet: the IP length fields match the bytes,
 * and the IPv4 header and the TCP/UDP/ICMP checksums are computed in full. On NFQUEUE the kernel marks a packet whose
 * payload a verdict replaced CHECKSUM_NONE, so a checksum left partial for offload (as locally sent packets carry them
 * on veth) would be wrong on the wire; jwfp therefore never trusts the callout's transport checksum. The capture replay
 * writes replaced packets the same way. Not for hot paths (used only when a callout replaces a packet).
 *
 * <p>Stateless and thread-safe.
 */
public final class PacketRewrite {
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private PacketRewrite() {}

    /** Fixes lengths and checksums of the IP packet in {@code seg[0, length)}; false when it does not parse. */
    public static boolean fixLengthsAndChecksums(MemorySegment seg, int length) {
        if (length < 20) return false;
        int version = (seg.get(ValueLayout.JAVA_BYTE, 0) >> 4) & 0xF;
        if (version == 4) {
            int ihl = (seg.get(ValueLayout.JAVA_BYTE, 0) & 0xF) * 4;
            if (ihl < 20 || ihl > length) return false;
            seg.set(BE16, 2, (short) length);
            seg.set(BE16, 10, (short) 0);
            seg.set(BE16, 10, (short) Checksums.ipv4Header(seg, 0, ihl));
        } else if (version == 6) {
            if (length < 40) return false;
            seg.set(BE16, 4, (short) (length - 40));
        } else {
            return false;
        }
        ParsedPacket p = new ParsedPacket();
        if (!PacketParser.parseIp(seg, 0, length, p)) return false;
        if (!p.has(ParsedPacket.HAS_TRANSPORT) || p.has(ParsedPacket.FRAGMENT)) return true;
        long t = p.transportOffset();
        int tlen = (int) (length - t);
        int proto = p.protocol();
        int at = switch (proto) {
            case IpProtocol.TCP -> 16;
            case IpProtocol.UDP -> 6;
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> 2;
            default -> -1;
        };
        if (at < 0) return true;
        if (proto == IpProtocol.UDP) seg.set(BE16, t + 4, (short) tlen);
        int sum;
        if (proto == IpProtocol.ICMP) {
            sum = Checksums.icmpv4(seg, t, tlen);
        } else if (version == 4) {
            sum = Checksums.transportV4(seg, t, tlen, at, proto, p.srcV4(), p.dstV4());
        } else {
            sum = Checksums.transportV6(seg, t, tlen, at, proto, p.srcHi(), p.srcLo(), p.dstHi(), p.dstLo());
        }
        if (proto == IpProtocol.UDP) sum = Checksums.udpField(sum);
        seg.set(BE16, t + at, (short) sum);
        return true;
    }

    /**
     * The complete IP packet an injected list stands for, lengths and checksums fixed, or null when it is not one jwfp
     * can send (it does not parse, or its IP version is not {@code ipVersion}). A transport send
     * ({@code transportSend}: the list starts at the transport header, FwpsInjectTransportSendAsync) gets the IP header
     * of the packet it was cloned from ({@code headerSize} bytes at {@code headerOff} of {@code header}), addressed to
     * {@code remote} when given (FWPS_TRANSPORT_SEND_PARAMS.remoteAddress); any other injection is a whole IP packet.
     */
    public static byte[] fromInjected(boolean transportSend, NetBufferList l, InetAddress remote, MemorySegment header,
                                      long headerOff, int headerSize, int ipVersion) {
        byte[] bytes;
        if (transportSend) {
            // The list starts at the transport header: the stack (here: jwfp) builds the IP header, from the original's.
            int transport = (int) l.dataLength();
            bytes = new byte[headerSize + transport];
            MemorySegment.copy(header, ValueLayout.JAVA_BYTE, headerOff, bytes, 0, headerSize);
            MemorySegment.copy(l.segment(), ValueLayout.JAVA_BYTE, l.dataOffset(), bytes, headerSize, transport);
            if (remote != null) {
                byte[] a = remote.getAddress();
                if ((a.length == 16) != (ipVersion == 6)) return null;
                System.arraycopy(a, 0, bytes, ipVersion == 6 ? 24 : 16, a.length);
            }
        } else {
            bytes = new byte[(int) l.dataLength()];
            MemorySegment.copy(l.segment(), ValueLayout.JAVA_BYTE, l.dataOffset(), bytes, 0, bytes.length);
        }
        MemorySegment s = MemorySegment.ofArray(bytes);
        if (!fixLengthsAndChecksums(s, bytes.length)) return null;
        ParsedPacket check = new ParsedPacket();
        if (!PacketParser.parseIp(s, 0, bytes.length, check) || check.ipVersion() != ipVersion) return null;
        return bytes;
    }
}

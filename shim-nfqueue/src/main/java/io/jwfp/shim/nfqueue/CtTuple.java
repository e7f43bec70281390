package io.jwfp.shim.nfqueue;

import io.jwfp.shim.nfqueue.natives.Constants;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One direction of a conntrack entry ({@code CTA_TUPLE_ORIG} or {@code CTA_TUPLE_REPLY}), a mutable view that
 * the parser refills for every packet so that parsing allocates nothing. Copy out what you need to keep.
 *
 * <p>IPv4 addresses are held as an {@code int} in network order as read (so {@code 10.200.0.1} is
 * {@code 0x0AC80001}); IPv6 addresses as two {@code long}s, high and low 64 bits.
 */
public final class CtTuple {
    int family; // AF_INET, AF_INET6 or 0 when absent
    int v4Src;
    int v4Dst;
    long v6SrcHi;
    long v6SrcLo;
    long v6DstHi;
    long v6DstLo;
    int protocol = -1;
    int srcPort = -1;
    int dstPort = -1;
    int icmpId = -1;
    int icmpType = -1;
    int icmpCode = -1;

    void reset() {
        family = 0;
        v4Src = v4Dst = 0;
        v6SrcHi = v6SrcLo = v6DstHi = v6DstLo = 0;
        protocol = srcPort = dstPort = icmpId = icmpType = icmpCode = -1;
    }

    /** {@link Constants#AF_INET}, {@link Constants#AF_INET6}, or 0 if the tuple had no address. */
    public int family() {
        return family;
    }

    public boolean isIpv4() {
        return family == Constants.AF_INET;
    }

    public boolean isIpv6() {
        return family == Constants.AF_INET6;
    }

    public int ipv4Source() {
        return v4Src;
    }

    public int ipv4Destination() {
        return v4Dst;
    }

    public long ipv6SourceHigh() {
        return v6SrcHi;
    }

    public long ipv6SourceLow() {
        return v6SrcLo;
    }

    public long ipv6DestinationHigh() {
        return v6DstHi;
    }

    public long ipv6DestinationLow() {
        return v6DstLo;
    }

    /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...), or -1. */
    public int protocol() {
        return protocol;
    }

    /** Source port for port-based protocols, or -1. */
    public int sourcePort() {
        return srcPort;
    }

    /** Destination port for port-based protocols, or -1. */
    public int destinationPort() {
        return dstPort;
    }

    public int icmpId() {
        return icmpId;
    }

    public int icmpType() {
        return icmpType;
    }

    public int icmpCode() {
        return icmpCode;
    }

    /** Source address as {@link InetAddress} (allocates: for logs and tests, not for the packet path). */
    public InetAddress sourceAddress() {
        return toInet(v4Src, v6SrcHi, v6SrcLo);
    }

    /** Destination address as {@link InetAddress} (allocates). */
    public InetAddress destinationAddress() {
        return toInet(v4Dst, v6DstHi, v6DstLo);
    }

    private InetAddress toInet(int v4, long hi, long lo) {
        try {
            if (family == Constants.AF_INET) {
                return InetAddress.getByAddress(new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
            }
            if (family == Constants.AF_INET6) {
                byte[] b = new byte[16];
                for (int i = 0; i < 8; i++) {
                    b[i] = (byte) (hi >>> (56 - 8 * i));
                    b[8 + i] = (byte) (lo >>> (56 - 8 * i));
                }
                return InetAddress.getByAddress(b);
            }
            return null;
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for bad array lengths
        }
    }

    @Override
    public String toString() {
        if (family == 0) {
            return "CtTuple[absent]";
        }
        StringBuilder sb = new StringBuilder("CtTuple[");
        sb.append(sourceAddress().getHostAddress()).append(" -> ").append(destinationAddress().getHostAddress());
        sb.append(" proto ").append(protocol);
        if (srcPort >= 0) {
            sb.append(" sport ").append(srcPort).append(" dport ").append(dstPort);
        }
        if (icmpType >= 0) {
            sb.append(" icmp type ").append(icmpType).append(" code ").append(icmpCode).append(" id ").append(icmpId);
        }
        return sb.append(']').toString();
    }
}

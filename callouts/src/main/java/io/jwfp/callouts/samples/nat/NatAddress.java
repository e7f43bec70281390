package io.jwfp.callouts.samples.nat;

import io.jwfp.packet.InetBits;
import io.jwfp.packet.ParsedPacket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A configured IPv4 or IPv6 address in the primitive forms the packet views use, so a classify compares addresses
 * without allocating. Immutable and thread-safe.
 *
 * @param inet the address
 * @param v4   the address as a big-endian int (IPv4 only)
 * @param hi   bytes 0-7 (IPv6 only)
 * @param lo   bytes 8-15 (IPv6 only)
 */
public record NatAddress(InetAddress inet, int v4, long hi, long lo) {
    /** The address in primitive form. */
    public static NatAddress of(InetAddress a) {
        if (a instanceof Inet4Address x) return new NatAddress(a, InetBits.v4(x), 0, 0);
        Inet6Address y = (Inet6Address) a;
        return new NatAddress(a, 0, InetBits.v6Hi(y), InetBits.v6Lo(y));
    }

    public boolean isV4() {
        return inet instanceof Inet4Address;
    }

    /** True for 0.0.0.0 and ::, which the samples' configurations use to switch a rewrite off. */
    public boolean isZero() {
        return inet.isAnyLocalAddress();
    }

    /** True if the parsed packet's source is this address. */
    public boolean isSourceOf(ParsedPacket p) {
        return isV4() ? p.ipVersion() == 4 && p.srcV4() == v4 : p.ipVersion() == 6 && p.srcHi() == hi && p.srcLo() == lo;
    }

    /** True if the parsed packet's destination is this address. */
    public boolean isDestinationOf(ParsedPacket p) {
        return isV4() ? p.ipVersion() == 4 && p.dstV4() == v4 : p.ipVersion() == 6 && p.dstHi() == hi && p.dstLo() == lo;
    }

    /** The address as text; IPv6 in the RFC 5952 form. */
    @Override
    public String toString() {
        return InetBits.toText(inet);
    }
}

package io.jwfp.engine.flow;

import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.ParsedPacket;

/**
 * The 5-tuple of an ALE flow seen from this host: local side first, so the two directions of a connection find the
 * same flow. IPv4 addresses sit in the low half in host byte order ({@code hi} = 0), IPv6 addresses are big-endian
 * halves, as in {@link io.jwfp.engine.value.ClassifyFacts}. WFP keys ICMP flows by the echo identifier: it is the
 * local port, and the remote port is 0 ({@link #localPort(ParsedPacket, boolean)}).
 *
 * <p>Shims extend this class with their flow state and keep their flows in a {@link FlowKeyTable}. The key fields never
 * change, so reading them needs no synchronization.
 */
public abstract class FlowKey {
    public final boolean v6;
    public final int protocol;
    public final long localHi;
    public final long localLo;
    public final int localPort;
    public final long remoteHi;
    public final long remoteLo;
    public final int remotePort;
    final int hash;

    protected FlowKey(boolean v6, int protocol, long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
                      int remotePort) {
        this.v6 = v6;
        this.protocol = protocol;
        this.localHi = localHi;
        this.localLo = localLo;
        this.localPort = localPort;
        this.remoteHi = remoteHi;
        this.remoteLo = remoteLo;
        this.remotePort = remotePort;
        this.hash = hash(v6, protocol, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
    }

    /** Whether this key is the given 5-tuple. */
    public final boolean matches(boolean v6, int protocol, long lhi, long llo, int lport, long rhi, long rlo, int rport) {
        return this.localPort == lport && this.remotePort == rport && this.protocol == protocol && this.localLo == llo
                && this.remoteLo == rlo && this.localHi == lhi && this.remoteHi == rhi && this.v6 == v6;
    }

    /** A well-mixed hash of a 5-tuple (FNV-style folding, then a 64-bit finalizer). */
    public static int hash(boolean v6, int protocol, long lhi, long llo, int lport, long rhi, long rlo, int rport) {
        long h = (v6 ? 0x9E37_79B9_7F4A_7C15L : 0) ^ protocol;
        h = h * 0x100_0000_01B3L ^ lhi;
        h = h * 0x100_0000_01B3L ^ llo;
        h = h * 0x100_0000_01B3L ^ ((long) lport << 16 | rport);
        h = h * 0x100_0000_01B3L ^ rhi;
        h = h * 0x100_0000_01B3L ^ rlo;
        h ^= h >>> 29;
        h *= 0xBF58_476D_1CE4_E5B9L;
        h ^= h >>> 32;
        return (int) h;
    }

    /**
     * The flow key's local port for a parsed packet travelling {@code inbound} or not: the TCP/UDP port on this host's
     * side; for ICMP the echo identifier; 0 when the packet has none (a non-first fragment, an unknown protocol).
     */
    public static int localPort(ParsedPacket p, boolean inbound) {
        int proto = p.protocol();
        if (proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6) return p.icmpId();
        if (!p.has(ParsedPacket.HAS_PORTS)) return 0;
        return inbound ? p.dstPort() : p.srcPort();
    }

    /** The flow key's remote port (see {@link #localPort(ParsedPacket, boolean)}); 0 for ICMP. */
    public static int remotePort(ParsedPacket p, boolean inbound) {
        int proto = p.protocol();
        if (proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6) return 0;
        if (!p.has(ParsedPacket.HAS_PORTS)) return 0;
        return inbound ? p.srcPort() : p.dstPort();
    }
}

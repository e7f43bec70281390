package io.jwfp.packet;

/**
 * What {@link PacketParser} learned about one packet: the fields the classify path and the WFP metadata need, as
 * primitives, plus the header views it wrapped on the way.
 *
 * <p><b>Flags.</b> {@link #flags()} says what was found ({@code HAS_*}) and what is wrong ({@code TRUNCATED_*},
 * {@code BAD_*}). A getter whose {@code HAS_*} flag is clear returns its documented default: {@code -1} for unsigned
 * numbers and offsets, {@code 0} for addresses. Malformed input is reported here and never thrown.
 *
 * <p><b>Addresses.</b> IPv4 addresses are big-endian {@code int}s ({@link #srcV4()}); IPv6 addresses are two
 * big-endian {@code long}s ({@link #srcHi()}, {@link #srcLo()}). The form that does not match {@link #ipVersion()} is
 * 0. Offsets ({@link #ipOffset()}, {@link #transportOffset()}, {@link #payloadOffset()}) are absolute offsets in the
 * parsed segment.
 *
 * <p><b>ICMP.</b> For ICMP errors the quoted packet's protocol, addresses and ports are in the {@code inner*}
 * getters (flag {@link #HAS_INNER_IP}). WFP reports ICMP type and code in the local/remote port fields; that mapping
 * belongs to the shim, this class keeps them apart ({@link #icmpType()}, {@link #icmpCode()}).
 *
 * <p><b>Lifetime and threads.</b> Mutable and reusable: one instance per thread, refilled by every parse, with no
 * allocation. The views returned by {@link #ipv4()} and friends point into the parsed segment and are valid only
 * until the next parse and while the segment is alive. Not thread-safe.
 */
public final class ParsedPacket {
    /** An Ethernet header was parsed. */
    public static final int HAS_ETHERNET = 1;
    /** A complete IP header (IPv4 with options, or IPv6 with its extension headers) was parsed. */
    public static final int HAS_IP = 1 << 1;
    /** A complete TCP, UDP, ICMPv4 or ICMPv6 header was parsed. */
    public static final int HAS_TRANSPORT = 1 << 2;
    /** {@link #srcPort()} and {@link #dstPort()} are valid (TCP or UDP, at least 4 bytes present). */
    public static final int HAS_PORTS = 1 << 3;
    /** The datagram is a fragment (MF set or non-zero offset). */
    public static final int FRAGMENT = 1 << 4;
    /** The datagram is a fragment other than the first: there is no transport header to read. */
    public static final int NON_FIRST_FRAGMENT = 1 << 5;
    /** The ICMP message is an error that quotes an invoking packet. */
    public static final int ICMP_ERROR = 1 << 6;
    /** The quoted packet's IP header was parsed (inner protocol and addresses are valid). */
    public static final int HAS_INNER_IP = 1 << 7;
    /** The quoted packet's ports are valid. */
    public static final int HAS_INNER_PORTS = 1 << 8;
    /** The Ethernet header is cut short. */
    public static final int TRUNCATED_LINK = 1 << 9;
    /** The Ethernet payload is neither IPv4 nor IPv6. */
    public static final int UNSUPPORTED_ETHER_TYPE = 1 << 10;
    /** The version nibble is neither 4 nor 6, or does not match the EtherType. */
    public static final int BAD_IP_VERSION = 1 << 11;
    /** The IP header is cut short or its IHL is below 5. */
    public static final int TRUNCATED_IP = 1 << 12;
    /** The IP length field disagrees with the bytes present (shorter than the header, or longer than the buffer). */
    public static final int BAD_IP_LENGTH = 1 << 13;
    /** The IPv6 extension-header chain is cut short or too long. */
    public static final int BAD_EXTENSION_HEADERS = 1 << 14;
    /** The transport header is cut short. */
    public static final int TRUNCATED_TRANSPORT = 1 << 15;
    /** The UDP Length or TCP data offset disagrees with the bytes present. */
    public static final int BAD_TRANSPORT_LENGTH = 1 << 16;
    /**
     * Checksums were checked ({@link ChecksumPolicy#VERIFY}) as far as possible: the IPv4 header checksum always;
     * the transport checksum only when the transport header is complete and the datagram is neither a fragment nor
     * cut short ({@link #BAD_IP_LENGTH}).
     */
    public static final int CHECKSUMS_VERIFIED = 1 << 17;
    /** The IPv4 header checksum is wrong. */
    public static final int BAD_IP_CHECKSUM = 1 << 18;
    /** The transport checksum is wrong. */
    public static final int BAD_TRANSPORT_CHECKSUM = 1 << 19;

    /** Flags that mean the packet is malformed. */
    public static final int MALFORMED_MASK = TRUNCATED_LINK | BAD_IP_VERSION | TRUNCATED_IP | BAD_IP_LENGTH
            | BAD_EXTENSION_HEADERS | TRUNCATED_TRANSPORT | BAD_TRANSPORT_LENGTH;

    final EthernetView ethernet = new EthernetView();
    final Ipv4View ipv4 = new Ipv4View();
    final Ipv6View ipv6 = new Ipv6View();
    final TcpView tcp = new TcpView();
    final UdpView udp = new UdpView();
    final Icmpv4View icmpv4 = new Icmpv4View();
    final Icmpv6View icmpv6 = new Icmpv6View();
    final Ipv4View innerIpv4 = new Ipv4View();
    final Ipv6View innerIpv6 = new Ipv6View();

    int flags;
    int linkHeaderSize;
    int etherType;
    int ipVersion;
    long ipOffset;
    int ipHeaderSize;
    int ipLength;
    int protocol;
    int ttl;
    int srcV4;
    int dstV4;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    boolean dontFragment;
    boolean moreFragments;
    int fragmentOffset;
    long fragmentId;
    long transportOffset;
    int transportLength;
    int transportHeaderSize;
    int srcPort;
    int dstPort;
    int tcpFlags;
    long tcpSeq;
    long tcpAck;
    int tcpWindow;
    int icmpType;
    int icmpCode;
    int icmpId;
    int icmpSeq;
    int innerIpVersion;
    int innerProtocol;
    int innerSrcV4;
    int innerDstV4;
    long innerSrcHi;
    long innerSrcLo;
    long innerDstHi;
    long innerDstLo;
    int innerSrcPort;
    int innerDstPort;

    void reset() {
        flags = 0;
        linkHeaderSize = 0;
        etherType = -1;
        ipVersion = 0;
        ipOffset = -1;
        ipHeaderSize = -1;
        ipLength = -1;
        protocol = -1;
        ttl = -1;
        srcV4 = 0;
        dstV4 = 0;
        srcHi = 0;
        srcLo = 0;
        dstHi = 0;
        dstLo = 0;
        dontFragment = false;
        moreFragments = false;
        fragmentOffset = 0;
        fragmentId = -1;
        transportOffset = -1;
        transportLength = -1;
        transportHeaderSize = -1;
        srcPort = -1;
        dstPort = -1;
        tcpFlags = 0;
        tcpSeq = -1;
        tcpAck = -1;
        tcpWindow = -1;
        icmpType = -1;
        icmpCode = -1;
        icmpId = -1;
        icmpSeq = -1;
        innerIpVersion = 0;
        innerProtocol = -1;
        innerSrcV4 = 0;
        innerDstV4 = 0;
        innerSrcHi = 0;
        innerSrcLo = 0;
        innerDstHi = 0;
        innerDstLo = 0;
        innerSrcPort = -1;
        innerDstPort = -1;
    }

    public ParsedPacket() {
        reset();
    }

    /** The {@code HAS_*}, {@code TRUNCATED_*}, {@code BAD_*} and other bits defined on this class. */
    public int flags() {
        return flags;
    }

    /** True iff every bit of {@code flag} is set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** True iff any {@link #MALFORMED_MASK} bit is set. */
    public boolean isMalformed() {
        return (flags & MALFORMED_MASK) != 0;
    }

    /** Ethernet header length (14, 18 or 22), or 0 when the parse started at the IP header. */
    public int linkHeaderSize() {
        return linkHeaderSize;
    }

    /** The Ethernet payload type, or -1 when there was no Ethernet header. */
    public int etherType() {
        return etherType;
    }

    /** 4 or 6; 0 if unknown. */
    public int ipVersion() {
        return ipVersion;
    }

    /** Absolute offset of the IP header in the segment, or -1. */
    public long ipOffset() {
        return ipOffset;
    }

    /** IP header size in bytes: IHL × 4, or 40 plus the IPv6 extension headers (WFP's ipHeaderSize); or -1. */
    public int ipHeaderSize() {
        return ipHeaderSize;
    }

    /** Bytes of the IP datagram used: the declared length, cut to what the buffer holds; or -1. */
    public int ipLength() {
        return ipLength;
    }

    /** Upper-layer protocol (after IPv6 extension headers), or -1. */
    public int protocol() {
        return protocol;
    }

    /** TTL or hop limit, or -1. */
    public int ttl() {
        return ttl;
    }

    /** IPv4 source address, or 0. */
    public int srcV4() {
        return srcV4;
    }

    /** IPv4 destination address, or 0. */
    public int dstV4() {
        return dstV4;
    }

    /** IPv6 source address, bytes 0-7, or 0. */
    public long srcHi() {
        return srcHi;
    }

    /** IPv6 source address, bytes 8-15, or 0. */
    public long srcLo() {
        return srcLo;
    }

    /** IPv6 destination address, bytes 0-7, or 0. */
    public long dstHi() {
        return dstHi;
    }

    /** IPv6 destination address, bytes 8-15, or 0. */
    public long dstLo() {
        return dstLo;
    }

    /** IPv4 DF flag (always false for IPv6). */
    public boolean dontFragment() {
        return dontFragment;
    }

    /** MF (IPv4) or M (IPv6 Fragment header) flag. */
    public boolean moreFragments() {
        return moreFragments;
    }

    /** Fragment offset in bytes (the header field × 8); 0 when not a fragment. */
    public int fragmentOffset() {
        return fragmentOffset;
    }

    /** IPv4 Identification or IPv6 fragment Identification; -1 for IPv6 without a Fragment header. */
    public long fragmentId() {
        return fragmentId;
    }

    /** Absolute offset of the transport header (the upper-layer data for non-first fragments), or -1. */
    public long transportOffset() {
        return transportOffset;
    }

    /** Bytes from {@link #transportOffset()} to the end of the datagram, or -1. */
    public int transportLength() {
        return transportLength;
    }

    /** TCP data offset × 4, 8 for UDP and ICMP; WFP's transportHeaderSize; -1 if no transport header was parsed. */
    public int transportHeaderSize() {
        return transportHeaderSize;
    }

    /** Absolute offset of the transport payload, or -1. */
    public long payloadOffset() {
        return has(HAS_TRANSPORT) ? transportOffset + transportHeaderSize : -1;
    }

    /** Bytes of transport payload, or -1. */
    public int payloadLength() {
        return has(HAS_TRANSPORT) ? transportLength - transportHeaderSize : -1;
    }

    /** TCP/UDP source port, or -1. */
    public int srcPort() {
        return srcPort;
    }

    /** TCP/UDP destination port, or -1. */
    public int dstPort() {
        return dstPort;
    }

    /** TCP flag bits ({@link TcpView#FLAG_SYN} ...), or 0. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** TCP sequence number, or -1. */
    public long tcpSeq() {
        return tcpSeq;
    }

    /** TCP acknowledgment number, or -1. */
    public long tcpAck() {
        return tcpAck;
    }

    /** TCP window, or -1. */
    public int tcpWindow() {
        return tcpWindow;
    }

    /** ICMPv4 or ICMPv6 type, or -1. */
    public int icmpType() {
        return icmpType;
    }

    /** ICMPv4 or ICMPv6 code, or -1. */
    public int icmpCode() {
        return icmpCode;
    }

    /** Echo identifier (echo request or reply only), or -1. */
    public int icmpId() {
        return icmpId;
    }

    /** Echo sequence number (echo request or reply only), or -1. */
    public int icmpSeq() {
        return icmpSeq;
    }

    /** IP version of the packet quoted by an ICMP error, or 0. */
    public int innerIpVersion() {
        return innerIpVersion;
    }

    /** Protocol of the quoted packet, or -1. */
    public int innerProtocol() {
        return innerProtocol;
    }

    /** IPv4 source of the quoted packet, or 0. */
    public int innerSrcV4() {
        return innerSrcV4;
    }

    /** IPv4 destination of the quoted packet, or 0. */
    public int innerDstV4() {
        return innerDstV4;
    }

    public long innerSrcHi() {
        return innerSrcHi;
    }

    public long innerSrcLo() {
        return innerSrcLo;
    }

    public long innerDstHi() {
        return innerDstHi;
    }

    public long innerDstLo() {
        return innerDstLo;
    }

    /** Source port of the quoted TCP/UDP packet, or -1. */
    public int innerSrcPort() {
        return innerSrcPort;
    }

    /** Destination port of the quoted TCP/UDP packet, or -1. */
    public int innerDstPort() {
        return innerDstPort;
    }

    /** The Ethernet view of the last parse (meaningful iff {@link #HAS_ETHERNET}). */
    public EthernetView ethernet() {
        return ethernet;
    }

    /** The IPv4 view of the last parse (meaningful iff {@code ipVersion() == 4}). */
    public Ipv4View ipv4() {
        return ipv4;
    }

    /** The IPv6 view of the last parse (meaningful iff {@code ipVersion() == 6}). */
    public Ipv6View ipv6() {
        return ipv6;
    }

    /** The TCP view, wrapped over the transport bytes (meaningful iff protocol is TCP and HAS_TRANSPORT). */
    public TcpView tcp() {
        return tcp;
    }

    /** The UDP view (meaningful iff protocol is UDP and HAS_TRANSPORT). */
    public UdpView udp() {
        return udp;
    }

    /** The ICMPv4 view (meaningful iff protocol is ICMP and HAS_TRANSPORT). */
    public Icmpv4View icmpv4() {
        return icmpv4;
    }

    /** The ICMPv6 view (meaningful iff protocol is ICMPv6 and HAS_TRANSPORT). */
    public Icmpv6View icmpv6() {
        return icmpv6;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ParsedPacket[v").append(ipVersion);
        if (ipVersion == 4) {
            b.append(' ').append(InetBits.v4ToString(srcV4)).append(" > ").append(InetBits.v4ToString(dstV4));
        } else if (ipVersion == 6 && has(HAS_IP)) {
            b.append(' ').append(InetBits.v6ToString(srcHi, srcLo)).append(" > ")
                    .append(InetBits.v6ToString(dstHi, dstLo));
        }
        b.append(", proto=").append(protocol).append(", ports=").append(srcPort).append('>').append(dstPort)
                .append(", icmp=").append(icmpType).append('/').append(icmpCode)
                .append(", ipHdr=").append(ipHeaderSize).append(", l4Hdr=").append(transportHeaderSize)
                .append(", flags=0x").append(Integer.toHexString(flags)).append(']');
        return b.toString();
    }
}

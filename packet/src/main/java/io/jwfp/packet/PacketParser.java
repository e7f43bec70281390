package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * The parse entry point for shims: fills a {@link ParsedPacket} from a segment that starts at an Ethernet frame or
 * an IP header (version 4 or 6, told apart by the version nibble).
 *
 * <p>Contract: for any bytes, the parse methods return normally, allocate nothing, and describe what they found and
 * what is wrong in {@link ParsedPacket#flags()}. Only caller bugs throw: a null segment, a negative offset or length,
 * or a segment whose arena is closed. A {@code length} past the segment's end is clamped.
 *
 * <p>Stateless and thread-safe; the {@link ParsedPacket} is the per-thread state.
 * {@snippet :
 * ParsedPacket p = perThread.get();
 * if (PacketParser.parseIp(seg, 0, seg.byteSize(), p, ChecksumPolicy.IGNORE) && p.has(ParsedPacket.HAS_PORTS)) {
 *     int remotePort = p.dstPort();
 * }
 * }
 */
public final class PacketParser {
    private PacketParser() {}

    /**
     * Parses an Ethernet II frame and the IP datagram it carries.
     *
     * @return true iff a complete IP header was parsed ({@link ParsedPacket#HAS_IP})
     */
    public static boolean parseEthernet(MemorySegment seg, long offset, long length, ParsedPacket out,
                                        ChecksumPolicy policy) {
        out.reset();
        EthernetView eth = out.ethernet.wrap(seg, offset, length);
        if (!eth.checkLength()) {
            out.flags |= ParsedPacket.TRUNCATED_LINK;
            return false;
        }
        out.flags |= ParsedPacket.HAS_ETHERNET;
        int hl = eth.headerLength();
        int type = eth.payloadEtherType();
        out.linkHeaderSize = hl;
        out.etherType = type;
        if (type == EtherType.IPV4) {
            return ip(seg, offset + hl, eth.viewLength() - hl, out, policy, 4);
        } else if (type == EtherType.IPV6) {
            return ip(seg, offset + hl, eth.viewLength() - hl, out, policy, 6);
        } else {
            out.flags |= ParsedPacket.UNSUPPORTED_ETHER_TYPE;
            return false;
        }
    }

    /** {@link #parseEthernet(MemorySegment, long, long, ParsedPacket, ChecksumPolicy)} without checksum checks. */
    public static boolean parseEthernet(MemorySegment seg, long offset, long length, ParsedPacket out) {
        return parseEthernet(seg, offset, length, out, ChecksumPolicy.IGNORE);
    }

    /**
     * Parses an IPv4 or IPv6 datagram and its transport header.
     *
     * @return true iff a complete IP header was parsed ({@link ParsedPacket#HAS_IP})
     */
    public static boolean parseIp(MemorySegment seg, long offset, long length, ParsedPacket out,
                                  ChecksumPolicy policy) {
        out.reset();
        return ip(seg, offset, length, out, policy, 0);
    }

    /** {@link #parseIp(MemorySegment, long, long, ParsedPacket, ChecksumPolicy)} without checksum checks. */
    public static boolean parseIp(MemorySegment seg, long offset, long length, ParsedPacket out) {
        return parseIp(seg, offset, length, out, ChecksumPolicy.IGNORE);
    }

    private static boolean ip(MemorySegment seg, long off, long len, ParsedPacket out, ChecksumPolicy policy,
                              int expectedVersion) {
        Ipv4View probe = out.ipv4.wrap(seg, off, len);
        int version = probe.version();
        if (version < 0) {
            out.flags |= ParsedPacket.TRUNCATED_IP;
            return false;
        }
        if ((version != 4 && version != 6) || (expectedVersion != 0 && version != expectedVersion)) {
            out.flags |= ParsedPacket.BAD_IP_VERSION;
            return false;
        }
        boolean ok = version == 4 ? ipv4(probe, out, policy) : ipv6(out.ipv6.wrap(seg, off, len), out);
        if (ok && policy == ChecksumPolicy.VERIFY) {
            out.flags |= ParsedPacket.CHECKSUMS_VERIFIED;
        }
        if (ok && (out.flags & ParsedPacket.NON_FIRST_FRAGMENT) == 0) {
            transport(seg, out, policy);
        }
        return ok;
    }

    private static boolean ipv4(Ipv4View ip, ParsedPacket out, ChecksumPolicy policy) {
        out.ipVersion = 4;
        out.ipOffset = ip.viewOffset();
        int avail = (int) Math.min(ip.viewLength(), Integer.MAX_VALUE);
        if (avail < Ipv4View.HEADER_LEN) {
            out.flags |= ParsedPacket.TRUNCATED_IP;
            return false;
        }
        out.srcV4 = ip.srcAddr();
        out.dstV4 = ip.dstAddr();
        out.protocol = ip.protocol();
        out.ttl = ip.ttl();
        out.dontFragment = ip.dontFragment();
        out.moreFragments = ip.moreFragments();
        out.fragmentOffset = ip.fragmentOffset() * 8;
        out.fragmentId = ip.identification();
        int hl = ip.headerLength();
        if (hl < Ipv4View.HEADER_LEN || hl > avail) {
            out.flags |= ParsedPacket.TRUNCATED_IP;
            return false;
        }
        out.flags |= ParsedPacket.HAS_IP;
        out.ipHeaderSize = hl;
        int total = ip.totalLength();
        int ipLen = total;
        if (total < hl) {
            out.flags |= ParsedPacket.BAD_IP_LENGTH;
            ipLen = hl;
        } else if (total > avail) {
            out.flags |= ParsedPacket.BAD_IP_LENGTH;
            ipLen = avail;
        }
        out.ipLength = ipLen;
        if (ip.isFragment()) {
            out.flags |= ParsedPacket.FRAGMENT;
            if (out.fragmentOffset != 0) {
                out.flags |= ParsedPacket.NON_FIRST_FRAGMENT;
            }
        }
        if (policy == ChecksumPolicy.VERIFY) {
            if (!ip.verifyChecksum()) {
                out.flags |= ParsedPacket.BAD_IP_CHECKSUM;
            }
        }
        out.transportOffset = ip.viewOffset() + hl;
        out.transportLength = ipLen - hl;
        return true;
    }

    private static boolean ipv6(Ipv6View ip, ParsedPacket out) {
        out.ipVersion = 6;
        out.ipOffset = ip.viewOffset();
        int avail = (int) Math.min(ip.viewLength(), Integer.MAX_VALUE);
        if (avail < Ipv6View.HEADER_LEN) {
            out.flags |= ParsedPacket.TRUNCATED_IP;
            return false;
        }
        out.srcHi = ip.srcAddrHi();
        out.srcLo = ip.srcAddrLo();
        out.dstHi = ip.dstAddrHi();
        out.dstLo = ip.dstAddrLo();
        out.ttl = ip.hopLimit();
        int ipLen = Ipv6View.HEADER_LEN + ip.payloadLength();
        if (ipLen > avail) {
            out.flags |= ParsedPacket.BAD_IP_LENGTH;
            ipLen = avail;
        }
        out.ipLength = ipLen;
        if (!ip.extensionHeadersValid()) {
            out.flags |= ParsedPacket.BAD_EXTENSION_HEADERS;
            return false;
        }
        out.flags |= ParsedPacket.HAS_IP;
        int hl = ip.upperLayerOffset();
        out.ipHeaderSize = hl;
        out.protocol = ip.upperLayerProtocol();
        if (ip.hasFragmentHeader()) {
            out.fragmentId = ip.fragmentIdentification();
            out.moreFragments = ip.moreFragments();
            out.fragmentOffset = ip.fragmentOffset() * 8;
            if (ip.isFragment()) {
                out.flags |= ParsedPacket.FRAGMENT;
                if (out.fragmentOffset != 0) {
                    out.flags |= ParsedPacket.NON_FIRST_FRAGMENT;
                }
            }
        }
        out.transportOffset = ip.viewOffset() + hl;
        out.transportLength = ipLen - hl;
        return true;
    }

    /** True iff the transport checksum can be checked: the datagram is whole and not a fragment. */
    private static boolean checkable(ParsedPacket out, ChecksumPolicy policy) {
        return policy == ChecksumPolicy.VERIFY
                && (out.flags & (ParsedPacket.FRAGMENT | ParsedPacket.BAD_IP_LENGTH)) == 0;
    }

    private static void transport(MemorySegment seg, ParsedPacket out, ChecksumPolicy policy) {
        long toff = out.transportOffset;
        int tlen = out.transportLength;
        int proto = out.protocol;
        boolean v4 = out.ipVersion == 4;
        if (proto == IpProtocol.TCP) {
            tcp(out.tcp.wrap(seg, toff, tlen), out, policy, v4);
        } else if (proto == IpProtocol.UDP) {
            udp(out.udp.wrap(seg, toff, tlen), out, policy, v4);
        } else if (proto == IpProtocol.ICMP && v4) {
            Icmpv4View icmp = out.icmpv4.wrap(seg, toff, tlen);
            if (!icmpHeader(icmp.type(), icmp.code(), icmp.identifier(), icmp.sequenceNumber(), tlen, out,
                    Icmpv4View.TYPE_ECHO_REQUEST, Icmpv4View.TYPE_ECHO_REPLY)) {
                return;
            }
            if (checkable(out, policy) && !icmp.verifyChecksum()) {
                out.flags |= ParsedPacket.BAD_TRANSPORT_CHECKSUM;
            }
            if (icmp.isError()) {
                out.flags |= ParsedPacket.ICMP_ERROR;
                innerV4(seg, toff + Icmpv4View.INVOKING_PACKET, tlen - Icmpv4View.INVOKING_PACKET, out);
            }
        } else if (proto == IpProtocol.ICMPV6 && !v4) {
            Icmpv6View icmp = out.icmpv6.wrap(seg, toff, tlen);
            if (!icmpHeader(icmp.type(), icmp.code(), icmp.identifier(), icmp.sequenceNumber(), tlen, out,
                    Icmpv6View.TYPE_ECHO_REQUEST, Icmpv6View.TYPE_ECHO_REPLY)) {
                return;
            }
            if (checkable(out, policy) && !icmp.verifyChecksum(out.srcHi, out.srcLo, out.dstHi, out.dstLo)) {
                out.flags |= ParsedPacket.BAD_TRANSPORT_CHECKSUM;
            }
            if (icmp.isError()) {
                out.flags |= ParsedPacket.ICMP_ERROR;
                innerV6(seg, toff + Icmpv6View.INVOKING_PACKET, tlen - Icmpv6View.INVOKING_PACKET, out);
            }
        }
    }

    private static void tcp(TcpView t, ParsedPacket out, ChecksumPolicy policy, boolean v4) {
        int tlen = out.transportLength;
        if (tlen >= 4) {
            out.srcPort = t.srcPort();
            out.dstPort = t.dstPort();
            out.flags |= ParsedPacket.HAS_PORTS;
        }
        if (tlen < TcpView.HEADER_LEN) {
            out.flags |= ParsedPacket.TRUNCATED_TRANSPORT;
            return;
        }
        out.tcpSeq = t.seqNumber();
        out.tcpAck = t.ackNumber();
        out.tcpFlags = t.flags();
        out.tcpWindow = t.window();
        if (!t.checkLength()) {
            out.flags |= ParsedPacket.BAD_TRANSPORT_LENGTH;
            return;
        }
        out.flags |= ParsedPacket.HAS_TRANSPORT;
        out.transportHeaderSize = t.headerLength();
        if (checkable(out, policy)) {
            boolean good = v4 ? t.verifyChecksumV4(out.srcV4, out.dstV4)
                    : t.verifyChecksumV6(out.srcHi, out.srcLo, out.dstHi, out.dstLo);
            if (!good) {
                out.flags |= ParsedPacket.BAD_TRANSPORT_CHECKSUM;
            }
        }
    }

    private static void udp(UdpView u, ParsedPacket out, ChecksumPolicy policy, boolean v4) {
        int tlen = out.transportLength;
        if (tlen >= 4) {
            out.srcPort = u.srcPort();
            out.dstPort = u.dstPort();
            out.flags |= ParsedPacket.HAS_PORTS;
        }
        if (tlen < UdpView.HEADER_LEN) {
            out.flags |= ParsedPacket.TRUNCATED_TRANSPORT;
            return;
        }
        out.flags |= ParsedPacket.HAS_TRANSPORT;
        out.transportHeaderSize = UdpView.HEADER_LEN;
        if (!u.checkLength()) {
            out.flags |= ParsedPacket.BAD_TRANSPORT_LENGTH;
            return;
        }
        if (checkable(out, policy)) {
            boolean good = v4 ? u.verifyChecksumV4(out.srcV4, out.dstV4)
                    : u.verifyChecksumV6(out.srcHi, out.srcLo, out.dstHi, out.dstLo);
            if (!good) {
                out.flags |= ParsedPacket.BAD_TRANSPORT_CHECKSUM;
            }
        }
    }

    private static boolean icmpHeader(int type, int code, int id, int seq, int tlen, ParsedPacket out,
                                      int echoRequest, int echoReply) {
        out.icmpType = type;
        out.icmpCode = code;
        if (tlen < Icmpv4View.HEADER_LEN) {
            out.flags |= ParsedPacket.TRUNCATED_TRANSPORT;
            return false;
        }
        out.flags |= ParsedPacket.HAS_TRANSPORT;
        out.transportHeaderSize = Icmpv4View.HEADER_LEN;
        if (type == echoRequest || type == echoReply) {
            out.icmpId = id;
            out.icmpSeq = seq;
        }
        return true;
    }

    private static void innerV4(MemorySegment seg, long off, int len, ParsedPacket out) {
        Ipv4View in = out.innerIpv4.wrap(seg, off, Math.max(len, 0));
        if (in.viewLength() < Ipv4View.HEADER_LEN || in.version() != 4) {
            return;
        }
        int hl = in.headerLength();
        if (hl < Ipv4View.HEADER_LEN || hl > in.viewLength()) {
            return;
        }
        out.flags |= ParsedPacket.HAS_INNER_IP;
        out.innerIpVersion = 4;
        out.innerProtocol = in.protocol();
        out.innerSrcV4 = in.srcAddr();
        out.innerDstV4 = in.dstAddr();
        if (in.fragmentOffset() == 0) {
            innerPorts(seg, off + hl, len - hl, out);
        }
    }

    private static void innerV6(MemorySegment seg, long off, int len, ParsedPacket out) {
        Ipv6View in = out.innerIpv6.wrap(seg, off, Math.max(len, 0));
        if (in.viewLength() < Ipv6View.HEADER_LEN || in.version() != 6) {
            return;
        }
        out.flags |= ParsedPacket.HAS_INNER_IP;
        out.innerIpVersion = 6;
        out.innerSrcHi = in.srcAddrHi();
        out.innerSrcLo = in.srcAddrLo();
        out.innerDstHi = in.dstAddrHi();
        out.innerDstLo = in.dstAddrLo();
        // The quote is usually shorter than its own payload length says; the walk is bounded by the window anyway.
        out.innerProtocol = in.upperLayerProtocol();
        int upper = in.upperLayerOffset();
        if (upper >= 0 && in.fragmentOffset() <= 0) {
            innerPorts(seg, off + upper, len - upper, out);
        }
    }

    private static void innerPorts(MemorySegment seg, long off, int len, ParsedPacket out) {
        int p = out.innerProtocol;
        if ((p == IpProtocol.TCP || p == IpProtocol.UDP) && len >= 4) {
            out.innerSrcPort = Short.toUnsignedInt(seg.get(HeaderView.BE_U16, off));
            out.innerDstPort = Short.toUnsignedInt(seg.get(HeaderView.BE_U16, off + 2));
            out.flags |= ParsedPacket.HAS_INNER_PORTS;
        }
    }
}

package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of an IPv6 header (RFC 8200 §3) and its chain of extension headers (RFC 8200 §4): Hop-by-Hop Options,
 * Routing, Fragment, Destination Options, and the Authentication Header (RFC 4302 §2). ESP and unknown values end
 * the chain and count as the upper-layer protocol.
 *
 * <p>The chain is walked once per {@code wrap}, lazily, into fixed arrays owned by the view (at most
 * {@link #MAX_EXTENSION_HEADERS}); the walk allocates nothing and never throws. It stops at the first header that
 * does not fit in the window or in the declared payload length, and then {@link #extensionHeadersValid()} is false
 * and {@link #upperLayerProtocol()} / {@link #upperLayerOffset()} read -1. A Fragment header with a non-zero offset
 * also ends the walk: the bytes after it are the middle of a datagram, not an upper-layer header, so
 * {@code upperLayerProtocol()} is the fragment's Next Header and {@code upperLayerOffset()} the start of its data.
 * Setters that change the chain ({@link #setNextHeader}, {@link #setPayloadLength}, writes to extension headers)
 * are only seen after the next {@code wrap}.
 *
 * <p>Getters never throw: truncated unsigned fields read -1, truncated address halves 0. See {@link HeaderView}.
 */
public final class Ipv6View extends HeaderView {
    public static final int VER_TC_FLOW = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SRC_ADDR = 8;
    public static final int DST_ADDR = 24;
    public static final int HEADER_LEN = DST_ADDR + 16;
    /** The walk gives up past this many extension headers (RFC 8200 §4.1 expects a handful at most). */
    public static final int MAX_EXTENSION_HEADERS = 16;
    /** Fixed length of a Fragment header (RFC 8200 §4.5). */
    public static final int FRAGMENT_HEADER_LEN = 8;

    private final int[] extType = new int[MAX_EXTENSION_HEADERS];
    private final int[] extOffset = new int[MAX_EXTENSION_HEADERS];
    private final int[] extLength = new int[MAX_EXTENSION_HEADERS];
    private boolean walked;
    private boolean walkValid;
    private int extCount;
    private int upperProtocol;
    private int upperOffset;
    private int fragmentHeaderOffset;

    /** Re-points the view; see {@link HeaderView}. */
    public Ipv6View wrap(MemorySegment seg, long offset, long length) {
        point(seg, offset, length);
        return this;
    }

    /** Re-points the view at the whole segment. */
    public Ipv6View wrap(MemorySegment seg) {
        return wrap(seg, 0, seg.byteSize());
    }

    @Override
    void reset() {
        walked = false;
    }

    /** Version (6 for IPv6), or -1. */
    public int version() {
        int b = u8(VER_TC_FLOW);
        return b < 0 ? -1 : b >>> 4;
    }

    /** Traffic Class (8 bits), or -1. */
    public int trafficClass() {
        long w = u32(VER_TC_FLOW);
        return w < 0 ? -1 : (int) (w >>> 20 & 0xFF);
    }

    /** Flow Label (20 bits), or -1. */
    public int flowLabel() {
        long w = u32(VER_TC_FLOW);
        return w < 0 ? -1 : (int) (w & 0xFFFFF);
    }

    /** Payload Length: bytes after the fixed header, extension headers included; or -1. */
    public int payloadLength() {
        return u16(PAYLOAD_LENGTH);
    }

    /** Next Header of the fixed header (the first extension header or the upper layer), or -1. */
    public int nextHeader() {
        return u8(NEXT_HEADER);
    }

    /** Hop Limit, or -1. */
    public int hopLimit() {
        return u8(HOP_LIMIT);
    }

    /** Bytes 0-7 of the source address, or 0 if truncated. */
    public long srcAddrHi() {
        return i64(SRC_ADDR);
    }

    /** Bytes 8-15 of the source address, or 0 if truncated. */
    public long srcAddrLo() {
        return i64(SRC_ADDR + 8);
    }

    /** Bytes 0-7 of the destination address, or 0 if truncated. */
    public long dstAddrHi() {
        return i64(DST_ADDR);
    }

    /** Bytes 8-15 of the destination address, or 0 if truncated. */
    public long dstAddrLo() {
        return i64(DST_ADDR + 8);
    }

    /** True iff the window holds the fixed header and the declared payload: {@code 40 + payloadLength <= viewLength()}. */
    public boolean checkLength() {
        if (length < HEADER_LEN) {
            return false;
        } else {
            return HEADER_LEN + payloadLength() <= length;
        }
    }

    /** {@link #checkLength()}, version 6, and a complete extension-header chain. */
    public boolean isValid() {
        return checkLength() && version() == 6 && extensionHeadersValid();
    }

    private void walk() {
        if (walked) {
            return;
        }
        walked = true;
        extCount = 0;
        walkValid = false;
        upperProtocol = -1;
        upperOffset = -1;
        fragmentHeaderOffset = -1;
        int next = nextHeader();
        int pl = payloadLength();
        if (next < 0 || pl < 0) {
            return;
        }
        // Bound the walk by the declared payload too: bytes past it are link padding, not headers.
        long end = Math.min(length, HEADER_LEN + (long) pl);
        int off = HEADER_LEN;
        while (IpProtocol.isIpv6Extension(next)) {
            if (extCount == MAX_EXTENSION_HEADERS || off + 8 > end) {
                return;
            }
            int len;
            if (next == IpProtocol.IPV6_FRAG) {
                len = FRAGMENT_HEADER_LEN;
            } else if (next == IpProtocol.AH) {
                len = (u8(off + 1) + 2) * 4; // RFC 4302 §2.2: in 32-bit words, minus 2
            } else {
                len = (u8(off + 1) + 1) * 8; // RFC 8200 §4.3: in 8-octet units, not counting the first 8
            }
            if (off + len > end) {
                return;
            }
            extType[extCount] = next;
            extOffset[extCount] = off;
            extLength[extCount] = len;
            extCount++;
            int following = u8(off);
            if (next == IpProtocol.IPV6_FRAG) {
                fragmentHeaderOffset = off;
                if ((u16(off + 2) & 0xFFF8) != 0) {
                    upperProtocol = following;
                    upperOffset = off + len;
                    walkValid = true;
                    return;
                }
            }
            next = following;
            off += len;
        }
        upperProtocol = next;
        upperOffset = off;
        walkValid = true;
    }

    /** True iff every extension header fits in the window and in the payload length, and there are at most 16. */
    public boolean extensionHeadersValid() {
        walk();
        return walkValid;
    }

    /** Number of extension headers walked (valid ones, even if the chain is broken later). */
    public int extensionHeaderCount() {
        walk();
        return extCount;
    }

    /** Type (protocol number) of the {@code i}-th extension header, or -1 if there is no such header. */
    public int extensionHeaderType(int i) {
        walk();
        return i >= 0 && i < extCount ? extType[i] : -1;
    }

    /** Offset of the {@code i}-th extension header relative to {@link #viewOffset()}, or -1. */
    public int extensionHeaderOffset(int i) {
        walk();
        return i >= 0 && i < extCount ? extOffset[i] : -1;
    }

    /** Length in bytes of the {@code i}-th extension header, or -1. */
    public int extensionHeaderLength(int i) {
        walk();
        return i >= 0 && i < extCount ? extLength[i] : -1;
    }

    /** The protocol after the extension headers (TCP, UDP, ICMPv6, ESP, 59 ...), or -1 if the chain is broken. */
    public int upperLayerProtocol() {
        walk();
        return upperProtocol;
    }

    /** Offset of the upper-layer header relative to {@link #viewOffset()}, or -1 if the chain is broken. */
    public int upperLayerOffset() {
        walk();
        return upperOffset;
    }

    /**
     * Bytes from {@link #upperLayerOffset()} to the end of the declared payload, or -1 if the chain is broken. For
     * TCP, UDP and ICMPv6 this is the upper-layer length of the checksum pseudo-header.
     */
    public int upperLayerLength() {
        walk();
        return upperOffset < 0 ? -1 : HEADER_LEN + payloadLength() - upperOffset;
    }

    /** Total header length: 40 plus the extension headers; the IP header size WFP reports. -1 if broken. */
    public int headerLength() {
        return upperLayerOffset();
    }

    /** True iff the chain contains a Fragment header. */
    public boolean hasFragmentHeader() {
        walk();
        return fragmentHeaderOffset >= 0;
    }

    /** Fragment Offset in 8-byte units from the Fragment header, or -1 if there is none. */
    public int fragmentOffset() {
        walk();
        return fragmentHeaderOffset < 0 ? -1 : u16(fragmentHeaderOffset + 2) >>> 3;
    }

    /** The M flag of the Fragment header; false if there is none. */
    public boolean moreFragments() {
        walk();
        return fragmentHeaderOffset >= 0 && (u16(fragmentHeaderOffset + 2) & 1) != 0;
    }

    /** Identification (32 bits) of the Fragment header, or -1 if there is none. */
    public long fragmentIdentification() {
        walk();
        return fragmentHeaderOffset < 0 ? -1 : u32(fragmentHeaderOffset + 4);
    }

    /** True iff this is a fragment: a Fragment header with M set or a non-zero offset (an atomic fragment is not). */
    public boolean isFragment() {
        return moreFragments() || fragmentOffset() > 0;
    }

    /** Writes version 6, traffic class and flow label. */
    public void setVersionTrafficClassFlowLabel(int trafficClass, int flowLabel) {
        checkRange("trafficClass", trafficClass, 255);
        checkRange("flowLabel", flowLabel, 0xFFFFF);
        put32(VER_TC_FLOW, 6 << 28 | trafficClass << 20 | flowLabel);
    }

    public void setPayloadLength(int payloadLength) {
        checkRange("payloadLength", payloadLength, 0xFFFF);
        put16(PAYLOAD_LENGTH, payloadLength);
    }

    public void setNextHeader(int nextHeader) {
        checkRange("nextHeader", nextHeader, 255);
        put8(NEXT_HEADER, nextHeader);
    }

    public void setHopLimit(int hopLimit) {
        checkRange("hopLimit", hopLimit, 255);
        put8(HOP_LIMIT, hopLimit);
    }

    public void setSrcAddr(long hi, long lo) {
        put64(SRC_ADDR, hi);
        put64(SRC_ADDR + 8, lo);
    }

    public void setDstAddr(long hi, long lo) {
        put64(DST_ADDR, hi);
        put64(DST_ADDR + 8, lo);
    }

    @Override
    public String toString() {
        return "Ipv6View[" + InetBits.v6ToString(srcAddrHi(), srcAddrLo()) + " > "
                + InetBits.v6ToString(dstAddrHi(), dstAddrLo()) + ", next=" + nextHeader()
                + ", upper=" + upperLayerProtocol() + "@" + upperLayerOffset() + ", ext=" + extensionHeaderCount()
                + ", plen=" + payloadLength() + ", hop=" + hopLimit() + "]";
    }
}

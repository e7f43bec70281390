package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of an IPv4 header with options (RFC 791 §3.1), DSCP/ECN per RFC 2474 §3 and RFC 3168 §5.
 *
 * <p>The window should cover the whole datagram (header and payload) as far as it is available. Getters never throw:
 * a truncated unsigned field reads {@code -1}, a truncated address {@code 0}, a truncated flag {@code false}; use
 * {@link #checkLength()} to tell a real 0.0.0.0 from a missing one. {@code checkLength()} is invalidated by
 * {@link #setHeaderLength(int)} and {@link #setTotalLength(int)}. See {@link HeaderView} for the full contract.
 */
public final class Ipv4View extends HeaderView {
    public static final int VER_IHL = 0;
    public static final int DSCP_ECN = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SRC_ADDR = 12;
    public static final int DST_ADDR = 16;
    public static final int OPTIONS = DST_ADDR + 4;
    /** Length of a header without options; also the minimum IHL of 5 words (RFC 791 §3.1). */
    public static final int HEADER_LEN = OPTIONS;
    /** IHL is 4 bits of 32-bit words. */
    public static final int MAX_HEADER_LEN = 15 * 4;
    public static final int MAX_OPTIONS_LEN = MAX_HEADER_LEN - HEADER_LEN;

    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;
    private static final int FRAGMENT_MASK = 0x1FFF;

    /** Re-points the view; see {@link HeaderView}. */
    public Ipv4View wrap(MemorySegment seg, long offset, long length) {
        point(seg, offset, length);
        return this;
    }

    /** Re-points the view at the whole segment. */
    public Ipv4View wrap(MemorySegment seg) {
        return wrap(seg, 0, seg.byteSize());
    }

    /** Version field (4 for IPv4), or -1. */
    public int version() {
        int b = u8(VER_IHL);
        return b < 0 ? -1 : b >>> 4;
    }

    /** Header length in bytes (IHL × 4), or -1 if truncated. */
    public int headerLength() {
        int b = u8(VER_IHL);
        return b < 0 ? -1 : (b & 0xF) * 4;
    }

    /** Differentiated Services Code Point (6 bits), or -1. */
    public int dscp() {
        int b = u8(DSCP_ECN);
        return b < 0 ? -1 : b >>> 2;
    }

    /** Explicit Congestion Notification (2 bits), or -1. */
    public int ecn() {
        int b = u8(DSCP_ECN);
        return b < 0 ? -1 : b & 3;
    }

    /** Total Length: header and data in bytes, or -1. */
    public int totalLength() {
        return u16(TOTAL_LENGTH);
    }

    /** Identification, or -1. */
    public int identification() {
        return u16(IDENTIFICATION);
    }

    /** The DF flag; false if truncated. */
    public boolean dontFragment() {
        return (u16(FLAGS_FRAGMENT) & FLAG_DF) != 0;
    }

    /** The MF flag; false if truncated. */
    public boolean moreFragments() {
        return (u16(FLAGS_FRAGMENT) & FLAG_MF) != 0;
    }

    /** Fragment Offset in 8-byte units (13 bits), or -1. Multiply by 8 for bytes. */
    public int fragmentOffset() {
        int v = u16(FLAGS_FRAGMENT);
        return v < 0 ? -1 : v & FRAGMENT_MASK;
    }

    /** True iff this is a fragment (MF set or offset non-zero); false if truncated. */
    public boolean isFragment() {
        int v = u16(FLAGS_FRAGMENT);
        return v >= 0 && (v & (FLAG_MF | FRAGMENT_MASK)) != 0;
    }

    /** Time to Live, or -1. */
    public int ttl() {
        return u8(TTL);
    }

    /** Protocol of the payload, or -1. */
    public int protocol() {
        return u8(PROTOCOL);
    }

    /** Header Checksum field, or -1. */
    public int headerChecksum() {
        return u16(CHECKSUM);
    }

    /** Source address as a big-endian int, or 0 if truncated. */
    public int srcAddr() {
        return i32(SRC_ADDR);
    }

    /** Destination address as a big-endian int, or 0 if truncated. */
    public int dstAddr() {
        return i32(DST_ADDR);
    }

    /** Length of the options in bytes (header length − 20), or -1 if the header is malformed. */
    public int optionsLength() {
        int h = headerLength();
        return h < HEADER_LEN ? -1 : h - HEADER_LEN;
    }

    /** Offset of the payload relative to {@link #viewOffset()} (= header length), or -1. */
    public int payloadOffset() {
        int h = headerLength();
        return h < HEADER_LEN ? -1 : h;
    }

    /** Payload bytes that the header declares (total length − header length), or -1 if malformed. */
    public int payloadLength() {
        int h = headerLength();
        int t = totalLength();
        return h < HEADER_LEN || t < h ? -1 : t - h;
    }

    /**
     * True iff the window holds the fixed header, the IHL is at least 5, and the header length and total length
     * fit: {@code 20 <= IHL*4 <= totalLength <= viewLength()}. After it holds every getter returns real data.
     */
    public boolean checkLength() {
        if (length < HEADER_LEN) {
            return false;
        } else if (headerLength() < HEADER_LEN) {
            return false;
        } else if (headerLength() > totalLength()) {
            return false;
        } else {
            return totalLength() <= length;
        }
    }

    /** {@link #checkLength()} and version 4. */
    public boolean isValid() {
        return checkLength() && version() == 4;
    }

    /** True iff the header checksum is correct; false if the header is truncated or malformed. */
    public boolean verifyChecksum() {
        int h = headerLength();
        return h >= HEADER_LEN && has(0, h) && Checksums.verifyIpv4Header(seg, base, h);
    }

    /** Computes and writes the header checksum over {@link #headerLength()} bytes. */
    public void fillChecksum() {
        int h = headerLength();
        if (h < HEADER_LEN || !has(0, h)) {
            throw new IndexOutOfBoundsException("header of " + h + " bytes in a view of " + length);
        }
        put16(CHECKSUM, Checksums.ipv4Header(seg, base, h));
    }

    /** Writes version and IHL together; {@code headerLength} in bytes, a multiple of 4 in [20, 60]. */
    public void setVersionAndHeaderLength(int version, int headerLength) {
        checkRange("version", version, 15);
        if (headerLength < HEADER_LEN || headerLength > MAX_HEADER_LEN || (headerLength & 3) != 0) {
            throw new IllegalArgumentException("headerLength: " + headerLength + " (expected: 20-60, multiple of 4)");
        }
        put8(VER_IHL, version << 4 | headerLength >>> 2);
    }

    /** Writes version 4 and the IHL for {@code headerLength} bytes. */
    public void setHeaderLength(int headerLength) {
        setVersionAndHeaderLength(4, headerLength);
    }

    public void setDscpEcn(int dscp, int ecn) {
        checkRange("dscp", dscp, 63);
        checkRange("ecn", ecn, 3);
        put8(DSCP_ECN, dscp << 2 | ecn);
    }

    public void setTotalLength(int totalLength) {
        checkRange("totalLength", totalLength, 0xFFFF);
        put16(TOTAL_LENGTH, totalLength);
    }

    public void setIdentification(int id) {
        checkRange("identification", id, 0xFFFF);
        put16(IDENTIFICATION, id);
    }

    /** Writes the flags and the fragment offset (in 8-byte units) in one go. */
    public void setFragment(boolean dontFragment, boolean moreFragments, int fragmentOffset) {
        checkRange("fragmentOffset", fragmentOffset, FRAGMENT_MASK);
        put16(FLAGS_FRAGMENT, (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0) | fragmentOffset);
    }

    public void setTtl(int ttl) {
        checkRange("ttl", ttl, 255);
        put8(TTL, ttl);
    }

    public void setProtocol(int protocol) {
        checkRange("protocol", protocol, 255);
        put8(PROTOCOL, protocol);
    }

    public void setHeaderChecksum(int checksum) {
        put16(CHECKSUM, checksum);
    }

    public void setSrcAddr(int addr) {
        put32(SRC_ADDR, addr);
    }

    public void setDstAddr(int addr) {
        put32(DST_ADDR, addr);
    }

    /**
     * Rewrites the source address and patches the header checksum (RFC 1624). The transport checksum also covers the
     * address through its pseudo-header: patch it with {@link TcpView#updateChecksumForAddressV4} or its UDP twin.
     */
    public void setSrcAddrWithChecksumUpdate(int addr) {
        int old = i32(SRC_ADDR);
        put32(SRC_ADDR, addr);
        put16(CHECKSUM, Checksums.update32(u16(CHECKSUM), old, addr));
    }

    /** Destination twin of {@link #setSrcAddrWithChecksumUpdate(int)}. */
    public void setDstAddrWithChecksumUpdate(int addr) {
        int old = i32(DST_ADDR);
        put32(DST_ADDR, addr);
        put16(CHECKSUM, Checksums.update32(u16(CHECKSUM), old, addr));
    }

    /** Rewrites the TTL and patches the header checksum (the TTL shares a 16-bit word with the protocol). */
    public void setTtlWithChecksumUpdate(int ttl) {
        checkRange("ttl", ttl, 255);
        int oldWord = u16(TTL);
        put8(TTL, ttl);
        put16(CHECKSUM, Checksums.update16(u16(CHECKSUM), oldWord, u16(TTL)));
    }

    /** Copies {@code options} (already padded to 4 bytes by the caller) into the options area from offset 20. */
    public void setOptions(byte[] options) {
        copyIn(OPTIONS, options);
    }

    /** A copy of the options area ({@code headerLength() - 20} bytes). Allocates: build and test path only. */
    public byte[] optionsToArray() {
        int h = headerLength();
        return h < HEADER_LEN || h > length ? new byte[0] : copyOut(OPTIONS, h - HEADER_LEN);
    }

    @Override
    public String toString() {
        return "Ipv4View[" + InetBits.v4ToString(srcAddr()) + " > " + InetBits.v4ToString(dstAddr())
                + ", proto=" + protocol() + ", ihl=" + headerLength() + ", len=" + totalLength()
                + ", ttl=" + ttl() + ", id=" + identification() + ", frag=" + fragmentOffset()
                + (moreFragments() ? "+MF" : "") + (dontFragment() ? ", DF" : "") + "]";
    }
}

package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of a UDP header (RFC 768).
 *
 * <p>Checksums cover {@link #length()} bytes (the UDP Length field), which must fit in the window. Zero rules: over
 * IPv4 a checksum field of 0 means "not computed", so {@link #verifyChecksumV4} accepts it and the incremental
 * updates leave it alone; a computed 0 is written as {@code 0xFFFF} (RFC 768; RFC 8200 §8.1 for IPv6). Over IPv6
 * the checksum is mandatory and {@link #verifyChecksumV6} rejects 0.
 *
 * <p>Getters never throw: truncated fields read -1. See {@link HeaderView}.
 */
public final class UdpView extends HeaderView {
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int LENGTH = 4;
    public static final int CHECKSUM = 6;
    public static final int HEADER_LEN = CHECKSUM + 2;

    /** Re-points the view; see {@link HeaderView}. */
    public UdpView wrap(MemorySegment seg, long offset, long length) {
        point(seg, offset, length);
        return this;
    }

    /** Re-points the view at the whole segment. */
    public UdpView wrap(MemorySegment seg) {
        return wrap(seg, 0, seg.byteSize());
    }

    /** Source port, or -1. */
    public int srcPort() {
        return u16(SRC_PORT);
    }

    /** Destination port, or -1. */
    public int dstPort() {
        return u16(DST_PORT);
    }

    /** The Length field: header and data in bytes, or -1. */
    public int length() {
        return u16(LENGTH);
    }

    /** Checksum field, or -1. */
    public int checksum() {
        return u16(CHECKSUM);
    }

    /** Offset of the data relative to {@link #viewOffset()}. */
    public int payloadOffset() {
        return HEADER_LEN;
    }

    /** Data bytes that the Length field declares, or -1 if it is below 8 or truncated. */
    public int payloadLength() {
        int l = length();
        return l < HEADER_LEN ? -1 : l - HEADER_LEN;
    }

    /** True iff {@code 8 <= length() <= viewLength()}. */
    public boolean checkLength() {
        if (length < HEADER_LEN) {
            return false;
        } else if (length() < HEADER_LEN) {
            return false;
        } else {
            return length() <= length;
        }
    }

    /** Same as {@link #checkLength()}. */
    public boolean isValid() {
        return checkLength();
    }

    /** True iff the checksum is absent (0) or correct over IPv4; false if truncated. */
    public boolean verifyChecksumV4(int src, int dst) {
        if (!checkLength()) {
            return false;
        }
        return checksum() == 0 || Checksums.verifyTransportV4(seg, base, length(), IpProtocol.UDP, src, dst);
    }

    /** True iff the checksum is correct over IPv6 (0 is never correct there); false if truncated. */
    public boolean verifyChecksumV6(long srcHi, long srcLo, long dstHi, long dstLo) {
        if (!checkLength() || checksum() == 0) {
            return false;
        }
        return Checksums.verifyTransportV6(seg, base, length(), IpProtocol.UDP, srcHi, srcLo, dstHi, dstLo);
    }

    private int coveredLength() {
        int l = length();
        if (l < HEADER_LEN || l > length) {
            throw new IndexOutOfBoundsException("UDP length " + l + " in a view of " + length + " bytes");
        }
        return l;
    }

    /** Computes and writes the checksum with the IPv4 pseudo-header; a computed 0 is written as 0xFFFF. */
    public void fillChecksumV4(int src, int dst) {
        int c = Checksums.transportV4(seg, base, coveredLength(), CHECKSUM, IpProtocol.UDP, src, dst);
        put16(CHECKSUM, Checksums.udpField(c));
    }

    /** Computes and writes the checksum with the IPv6 pseudo-header; a computed 0 is written as 0xFFFF. */
    public void fillChecksumV6(long srcHi, long srcLo, long dstHi, long dstLo) {
        int c = Checksums.transportV6(seg, base, coveredLength(), CHECKSUM, IpProtocol.UDP,
                srcHi, srcLo, dstHi, dstLo);
        put16(CHECKSUM, Checksums.udpField(c));
    }

    private void patch(int newChecksum) {
        put16(CHECKSUM, Checksums.udpField(newChecksum));
    }

    /** Patches the checksum after an IPv4 pseudo-header address changed; a zero ("none") checksum stays zero. */
    public void updateChecksumForAddressV4(int oldAddr, int newAddr) {
        int c = u16(CHECKSUM);
        if (c != 0) {
            patch(Checksums.update32(c, oldAddr, newAddr));
        }
    }

    /** Patches the checksum after an IPv6 pseudo-header address changed. */
    public void updateChecksumForAddressV6(long oldHi, long oldLo, long newHi, long newLo) {
        int c = u16(CHECKSUM);
        if (c != 0) {
            patch(Checksums.update64(Checksums.update64(c, oldHi, newHi), oldLo, newLo));
        }
    }

    public void setSrcPort(int port) {
        checkRange("srcPort", port, 0xFFFF);
        put16(SRC_PORT, port);
    }

    public void setDstPort(int port) {
        checkRange("dstPort", port, 0xFFFF);
        put16(DST_PORT, port);
    }

    /** Rewrites the source port and patches a non-zero checksum (RFC 1624). */
    public void setSrcPortWithChecksumUpdate(int port) {
        checkRange("srcPort", port, 0xFFFF);
        int old = u16(SRC_PORT);
        put16(SRC_PORT, port);
        int c = u16(CHECKSUM);
        if (c != 0) {
            patch(Checksums.update16(c, old, port));
        }
    }

    /** Rewrites the destination port and patches a non-zero checksum (RFC 1624). */
    public void setDstPortWithChecksumUpdate(int port) {
        checkRange("dstPort", port, 0xFFFF);
        int old = u16(DST_PORT);
        put16(DST_PORT, port);
        int c = u16(CHECKSUM);
        if (c != 0) {
            patch(Checksums.update16(c, old, port));
        }
    }

    public void setLength(int length) {
        checkRange("length", length, 0xFFFF);
        put16(LENGTH, length);
    }

    public void setChecksum(int checksum) {
        put16(CHECKSUM, checksum);
    }

    @Override
    public String toString() {
        return "UdpView[" + srcPort() + " > " + dstPort() + ", len=" + length() + ", csum=0x"
                + Integer.toHexString(checksum()) + "]";
    }
}

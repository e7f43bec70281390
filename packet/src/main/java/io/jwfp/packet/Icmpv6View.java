package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of an ICMPv6 message (RFC 4443 §2.1): the 8-byte header and what follows it.
 *
 * <p>The window must cover exactly the message (the upper-layer payload): the checksum covers all of it plus the
 * IPv6 pseudo-header (RFC 4443 §2.3). Error messages (types below 128) quote as much of the invoking packet as fits
 * in the minimum MTU, from {@link #INVOKING_PACKET} (RFC 4443 §2.4(c), §3).
 *
 * <p>Getters never throw: truncated fields read -1. See {@link HeaderView}.
 */
public final class Icmpv6View extends HeaderView {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int REST_OF_HEADER = 4;
    public static final int IDENTIFIER = REST_OF_HEADER;
    public static final int SEQUENCE = IDENTIFIER + 2;
    /** MTU of Packet Too Big (RFC 4443 §3.2). */
    public static final int MTU = REST_OF_HEADER;
    /** Pointer of Parameter Problem (RFC 4443 §3.4). */
    public static final int POINTER = REST_OF_HEADER;
    public static final int HEADER_LEN = REST_OF_HEADER + 4;
    public static final int INVOKING_PACKET = HEADER_LEN;

    public static final int TYPE_DEST_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    public static final int TYPE_ROUTER_SOLICITATION = 133;
    public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;

    public static final int CODE_NO_ROUTE = 0;
    public static final int CODE_ADMIN_PROHIBITED = 1;
    public static final int CODE_BEYOND_SCOPE = 2;
    public static final int CODE_ADDRESS_UNREACHABLE = 3;
    public static final int CODE_PORT_UNREACHABLE = 4;

    /** Re-points the view; see {@link HeaderView}. */
    public Icmpv6View wrap(MemorySegment seg, long offset, long length) {
        point(seg, offset, length);
        return this;
    }

    /** Re-points the view at the whole segment. */
    public Icmpv6View wrap(MemorySegment seg) {
        return wrap(seg, 0, seg.byteSize());
    }

    /** True iff {@code type} is an ICMPv6 error message (RFC 4443 §2.1: the high bit of the type is clear). */
    public static boolean isErrorType(int type) {
        return type >= 0 && type < 128;
    }

    /** Type, or -1. */
    public int type() {
        return u8(TYPE);
    }

    /** Code, or -1. */
    public int code() {
        return u8(CODE);
    }

    /** Checksum field, or -1. */
    public int checksum() {
        return u16(CHECKSUM);
    }

    /** The 32-bit rest of the header, or -1. */
    public long restOfHeader() {
        return u32(REST_OF_HEADER);
    }

    /** Echo identifier, or -1. */
    public int identifier() {
        return u16(IDENTIFIER);
    }

    /** Echo sequence number, or -1. */
    public int sequenceNumber() {
        return u16(SEQUENCE);
    }

    /** MTU of Packet Too Big, or -1. */
    public long mtu() {
        return u32(MTU);
    }

    /** Pointer of Parameter Problem, or -1. */
    public long pointer() {
        return u32(POINTER);
    }

    /** True iff this is an error message; false if truncated. */
    public boolean isError() {
        return isErrorType(type());
    }

    /** Offset of the quoted invoking packet for an error message, else -1. */
    public int invokingPacketOffset() {
        return isError() ? INVOKING_PACKET : -1;
    }

    /** Bytes after the 8-byte header in the window, or -1 if truncated. */
    public int payloadLength() {
        return length < HEADER_LEN ? -1 : (int) (length - HEADER_LEN);
    }

    /** True iff the window holds the 8-byte header. */
    public boolean checkLength() {
        return length >= HEADER_LEN;
    }

    /** Same as {@link #checkLength()}. */
    public boolean isValid() {
        return checkLength();
    }

    private int len() {
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    /** True iff the checksum over the window and the pseudo-header is correct; false if truncated. */
    public boolean verifyChecksum(long srcHi, long srcLo, long dstHi, long dstLo) {
        return checkLength()
                && Checksums.verifyTransportV6(seg, base, len(), IpProtocol.ICMPV6, srcHi, srcLo, dstHi, dstLo);
    }

    /** Computes and writes the checksum over the window with the IPv6 pseudo-header. */
    public void fillChecksum(long srcHi, long srcLo, long dstHi, long dstLo) {
        put16(CHECKSUM, Checksums.transportV6(seg, base, len(), CHECKSUM, IpProtocol.ICMPV6,
                srcHi, srcLo, dstHi, dstLo));
    }

    /** Patches the checksum after an IPv6 pseudo-header address changed. */
    public void updateChecksumForAddressV6(long oldHi, long oldLo, long newHi, long newLo) {
        int c = Checksums.update64(u16(CHECKSUM), oldHi, newHi);
        put16(CHECKSUM, Checksums.update64(c, oldLo, newLo));
    }

    public void setType(int type) {
        checkRange("type", type, 255);
        put8(TYPE, type);
    }

    public void setCode(int code) {
        checkRange("code", code, 255);
        put8(CODE, code);
    }

    public void setChecksum(int checksum) {
        put16(CHECKSUM, checksum);
    }

    public void setRestOfHeader(long rest) {
        checkRange("restOfHeader", rest, 0xFFFF_FFFFL);
        put32(REST_OF_HEADER, (int) rest);
    }

    public void setIdentifier(int id) {
        checkRange("identifier", id, 0xFFFF);
        put16(IDENTIFIER, id);
    }

    public void setSequenceNumber(int seq) {
        checkRange("sequenceNumber", seq, 0xFFFF);
        put16(SEQUENCE, seq);
    }

    /** Rewrites the echo identifier and patches the checksum (RFC 1624). */
    public void setIdentifierWithChecksumUpdate(int id) {
        checkRange("identifier", id, 0xFFFF);
        int old = u16(IDENTIFIER);
        put16(IDENTIFIER, id);
        put16(CHECKSUM, Checksums.update16(u16(CHECKSUM), old, id));
    }

    @Override
    public String toString() {
        return "Icmpv6View[type=" + type() + ", code=" + code() + ", rest=0x" + Long.toHexString(restOfHeader())
                + ", len=" + length + "]";
    }
}

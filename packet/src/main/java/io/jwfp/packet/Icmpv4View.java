package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of an ICMPv4 message (RFC 792): the 8-byte header and what follows it.
 *
 * <p>The window must cover exactly the message (the IP payload): the checksum covers all of it. Error messages
 * (destination unreachable, source quench, redirect, time exceeded, parameter problem) carry the invoking datagram's
 * IP header and at least its first 8 data bytes from {@link #INVOKING_PACKET} (RFC 792; RFC 1812 §4.3.2.3 allows
 * more).
 *
 * <p>Getters never throw: truncated fields read -1. See {@link HeaderView}.
 */
public final class Icmpv4View extends HeaderView {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    /** The 32-bit "rest of header": identifier and sequence, pointer, gateway or next-hop MTU, per type. */
    public static final int REST_OF_HEADER = 4;
    public static final int IDENTIFIER = REST_OF_HEADER;
    public static final int SEQUENCE = IDENTIFIER + 2;
    /** Next-hop MTU of "fragmentation needed" (RFC 1191 §4). */
    public static final int NEXT_HOP_MTU = 6;
    public static final int HEADER_LEN = REST_OF_HEADER + 4;
    /** Where an error message's copy of the invoking datagram starts. */
    public static final int INVOKING_PACKET = HEADER_LEN;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    public static final int TYPE_TIMESTAMP = 13;
    public static final int TYPE_TIMESTAMP_REPLY = 14;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** RFC 1812 §5.2.7.1. */
    public static final int CODE_ADMIN_PROHIBITED = 13;

    /** Re-points the view; see {@link HeaderView}. */
    public Icmpv4View wrap(MemorySegment seg, long offset, long length) {
        point(seg, offset, length);
        return this;
    }

    /** Re-points the view at the whole segment. */
    public Icmpv4View wrap(MemorySegment seg) {
        return wrap(seg, 0, seg.byteSize());
    }

    /** True iff {@code type} is an ICMPv4 error that quotes the invoking datagram. */
    public static boolean isErrorType(int type) {
        return type == TYPE_DEST_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
                || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
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

    /** Echo identifier (meaningful for echo and timestamp messages), or -1. */
    public int identifier() {
        return u16(IDENTIFIER);
    }

    /** Echo sequence number, or -1. */
    public int sequenceNumber() {
        return u16(SEQUENCE);
    }

    /** Next-hop MTU of a fragmentation-needed message, or -1. */
    public int nextHopMtu() {
        return u16(NEXT_HOP_MTU);
    }

    /** Parameter-problem pointer, or -1. */
    public int pointer() {
        return u8(REST_OF_HEADER);
    }

    /** True iff this is an error message; false if truncated. */
    public boolean isError() {
        return isErrorType(type());
    }

    /** Offset of the quoted invoking datagram for an error message, else -1. */
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

    /** True iff the checksum over the whole window is correct; false if truncated. */
    public boolean verifyChecksum() {
        return checkLength() && Checksums.verifyIcmpv4(seg, base, len());
    }

    /** Computes and writes the checksum over the whole window. */
    public void fillChecksum() {
        put16(CHECKSUM, Checksums.icmpv4(seg, base, len()));
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

    /** Rewrites the echo identifier and patches the checksum (RFC 1624), as ICMP query NAT does. */
    public void setIdentifierWithChecksumUpdate(int id) {
        checkRange("identifier", id, 0xFFFF);
        int old = u16(IDENTIFIER);
        put16(IDENTIFIER, id);
        put16(CHECKSUM, Checksums.update16(u16(CHECKSUM), old, id));
    }

    @Override
    public String toString() {
        return "Icmpv4View[type=" + type() + ", code=" + code() + ", rest=0x" + Long.toHexString(restOfHeader())
                + ", len=" + length + "]";
    }
}

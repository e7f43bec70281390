package io.jwfp.packet.repr;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.Icmpv6View;
import io.jwfp.packet.MalformedPacketException;

import java.util.Arrays;

/**
 * An ICMPv6 message (RFC 4443 §2.1): type, code, the 32-bit rest of the header, and the data after it (echo data, or the
 * quoted invoking packet of an error). {@link #emit} writes everything, checksum included; the checksum covers the
 * IPv6 pseudo-header (RFC 4443 §2.3), so emit and parse take the addresses.
 *
 * @param type          0-255
 * @param code          0-255
 * @param restOfHeader  32 bits: identifier and sequence, MTU, pointer ... per type
 * @param data          bytes after the 8-byte header (copied)
 */
public record Icmpv6Message(int type, int code, long restOfHeader, byte[] data) {
    public Icmpv6Message {
        Fields.check("type", type, 0, 255);
        Fields.check("code", code, 0, 255);
        Fields.check("restOfHeader", restOfHeader, 0, 0xFFFF_FFFFL);
        data = Fields.copy("data", data);
    }

    public static Icmpv6Message echoRequest(int identifier, int sequence, byte[] data) {
        return new Icmpv6Message(Icmpv6View.TYPE_ECHO_REQUEST, 0, idSeq(identifier, sequence), data);
    }

    public static Icmpv6Message echoReply(int identifier, int sequence, byte[] data) {
        return new Icmpv6Message(Icmpv6View.TYPE_ECHO_REPLY, 0, idSeq(identifier, sequence), data);
    }

    /** Destination unreachable (RFC 4443 §3.1) with {@code code}; {@code invoking} is the quoted packet. */
    public static Icmpv6Message destinationUnreachable(int code, byte[] invoking) {
        return new Icmpv6Message(Icmpv6View.TYPE_DEST_UNREACHABLE, code, 0, invoking);
    }

    /** Packet Too Big (RFC 4443 §3.2) with the next-hop MTU. */
    public static Icmpv6Message packetTooBig(long mtu, byte[] invoking) {
        return new Icmpv6Message(Icmpv6View.TYPE_PACKET_TOO_BIG, 0, mtu, invoking);
    }

    /** Time Exceeded (RFC 4443 §3.3): code 0 hop limit, 1 reassembly. */
    public static Icmpv6Message timeExceeded(int code, byte[] invoking) {
        return new Icmpv6Message(Icmpv6View.TYPE_TIME_EXCEEDED, code, 0, invoking);
    }

    private static long idSeq(int identifier, int sequence) {
        Fields.check("identifier", identifier, 0, 0xFFFF);
        Fields.check("sequence", sequence, 0, 0xFFFF);
        return (long) identifier << 16 | sequence;
    }

    /**
     * Reads the message from the whole window; with {@link ChecksumPolicy#VERIFY} the checksum must be correct for
     * these pseudo-header addresses.
     *
     * @throws MalformedPacketException if truncated or the checksum is wrong
     */
    public static Icmpv6Message parse(Icmpv6View view, ChecksumPolicy policy, long srcHi, long srcLo, long dstHi,
                                      long dstLo) {
        if (!view.checkLength()) {
            throw new MalformedPacketException("icmpv6: truncated header");
        }
        if (policy == ChecksumPolicy.VERIFY && !view.verifyChecksum(srcHi, srcLo, dstHi, dstLo)) {
            throw new MalformedPacketException("icmpv6: bad checksum");
        }
        return new Icmpv6Message(view.type(), view.code(), view.restOfHeader(),
                view.toByteArray(Icmpv6View.HEADER_LEN, view.payloadLength()));
    }

    /** Reads the message without checking the checksum. */
    public static Icmpv6Message parse(Icmpv6View view) {
        return parse(view, ChecksumPolicy.IGNORE, 0, 0, 0, 0);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Identifier of an echo message (high half of the rest of the header). */
    public int identifier() {
        return (int) (restOfHeader >>> 16);
    }

    /** Sequence number of an echo message (low half of the rest of the header). */
    public int sequenceNumber() {
        return (int) (restOfHeader & 0xFFFF);
    }

    /** True iff this is an error message. */
    public boolean isError() {
        return Icmpv6View.isErrorType(type);
    }

    /** 8 plus the data. */
    public int bufferLength() {
        return Icmpv6View.HEADER_LEN + data.length;
    }

    /** Writes the message and its checksum; the view's window must be exactly {@link #bufferLength()} bytes. */
    public void emit(Icmpv6View view, long srcHi, long srcLo, long dstHi, long dstLo) {
        view.setType(type);
        view.setCode(code);
        view.setRestOfHeader(restOfHeader);
        view.write(Icmpv6View.HEADER_LEN, data);
        view.fillChecksum(srcHi, srcLo, dstHi, dstLo);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Icmpv6Message m && type == m.type && code == m.code && restOfHeader == m.restOfHeader
                && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + code) * 31 + Long.hashCode(restOfHeader)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Icmpv6Message[type=" + type + ", code=" + code + ", rest=0x" + Long.toHexString(restOfHeader)
                + ", data=" + data.length + " bytes]";
    }
}

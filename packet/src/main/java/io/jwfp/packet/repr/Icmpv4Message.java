package io.jwfp.packet.repr;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.Icmpv4View;
import io.jwfp.packet.MalformedPacketException;

import java.util.Arrays;

/**
 * An ICMPv4 message (RFC 792): type, code, the 32-bit rest of the header, and the data after it (echo data, or the
 * quoted invoking datagram of an error). {@link #emit} writes everything, checksum included.
 *
 * @param type          0-255
 * @param code          0-255
 * @param restOfHeader  32 bits: identifier and sequence, next-hop MTU, pointer ... per type
 * @param data          bytes after the 8-byte header (copied)
 */
public record Icmpv4Message(int type, int code, long restOfHeader, byte[] data) {
    public Icmpv4Message {
        Fields.check("type", type, 0, 255);
        Fields.check("code", code, 0, 255);
        Fields.check("restOfHeader", restOfHeader, 0, 0xFFFF_FFFFL);
        data = Fields.copy("data", data);
    }

    public static Icmpv4Message echoRequest(int identifier, int sequence, byte[] data) {
        return new Icmpv4Message(Icmpv4View.TYPE_ECHO_REQUEST, 0, idSeq(identifier, sequence), data);
    }

    public static Icmpv4Message echoReply(int identifier, int sequence, byte[] data) {
        return new Icmpv4Message(Icmpv4View.TYPE_ECHO_REPLY, 0, idSeq(identifier, sequence), data);
    }

    /** Destination unreachable with {@code code}; {@code invoking} is the quoted header + 8 bytes. */
    public static Icmpv4Message destinationUnreachable(int code, byte[] invoking) {
        return new Icmpv4Message(Icmpv4View.TYPE_DEST_UNREACHABLE, code, 0, invoking);
    }

    /** Fragmentation needed and DF set, with the next-hop MTU (RFC 1191 §4). */
    public static Icmpv4Message fragmentationNeeded(int nextHopMtu, byte[] invoking) {
        Fields.check("nextHopMtu", nextHopMtu, 0, 0xFFFF);
        return new Icmpv4Message(Icmpv4View.TYPE_DEST_UNREACHABLE, Icmpv4View.CODE_FRAGMENTATION_NEEDED,
                nextHopMtu, invoking);
    }

    /** Time exceeded: code 0 in transit, 1 during reassembly. */
    public static Icmpv4Message timeExceeded(int code, byte[] invoking) {
        return new Icmpv4Message(Icmpv4View.TYPE_TIME_EXCEEDED, code, 0, invoking);
    }

    private static long idSeq(int identifier, int sequence) {
        Fields.check("identifier", identifier, 0, 0xFFFF);
        Fields.check("sequence", sequence, 0, 0xFFFF);
        return (long) identifier << 16 | sequence;
    }

    /**
     * Reads the message from the whole window; with {@link ChecksumPolicy#VERIFY} the checksum must be correct.
     *
     * @throws MalformedPacketException if truncated or the checksum is wrong
     */
    public static Icmpv4Message parse(Icmpv4View view, ChecksumPolicy policy) {
        if (!view.checkLength()) {
            throw new MalformedPacketException("icmpv4: truncated header");
        }
        if (policy == ChecksumPolicy.VERIFY && !view.verifyChecksum()) {
            throw new MalformedPacketException("icmpv4: bad checksum");
        }
        return new Icmpv4Message(view.type(), view.code(), view.restOfHeader(),
                view.toByteArray(Icmpv4View.HEADER_LEN, view.payloadLength()));
    }

    /** {@link #parse(Icmpv4View, ChecksumPolicy)} with {@link ChecksumPolicy#VERIFY}. */
    public static Icmpv4Message parse(Icmpv4View view) {
        return parse(view, ChecksumPolicy.VERIFY);
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
        return Icmpv4View.isErrorType(type);
    }

    /** 8 plus the data. */
    public int bufferLength() {
        return Icmpv4View.HEADER_LEN + data.length;
    }

    /** Writes the message and its checksum; the view's window must be exactly {@link #bufferLength()} bytes. */
    public void emit(Icmpv4View view) {
        view.setType(type);
        view.setCode(code);
        view.setRestOfHeader(restOfHeader);
        view.write(Icmpv4View.HEADER_LEN, data);
        view.fillChecksum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Icmpv4Message m && type == m.type && code == m.code && restOfHeader == m.restOfHeader
                && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + code) * 31 + Long.hashCode(restOfHeader)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Icmpv4Message[type=" + type + ", code=" + code + ", rest=0x" + Long.toHexString(restOfHeader)
                + ", data=" + data.length + " bytes]";
    }
}

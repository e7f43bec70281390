package io.jwfp.packet;

/**
 * Thrown by the record {@code parse} methods of {@code io.jwfp.packet.repr} (the build and test path) when bytes
 * cannot be represented: truncated, inconsistent, or with a bad checksum when one was asked to be checked. The
 * classify path never throws it: views and {@link PacketParser} report malformed input as values and flags.
 */
public final class MalformedPacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message);
    }
}

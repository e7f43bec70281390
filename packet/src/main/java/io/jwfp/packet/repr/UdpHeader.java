package io.jwfp.packet.repr;

import io.jwfp.packet.MalformedPacketException;
import io.jwfp.packet.UdpView;

/**
 * A UDP header (RFC 768). {@link #emit} writes the Length and a zero checksum: write the payload, then call
 * {@link UdpView#fillChecksumV4} or {@link UdpView#fillChecksumV6}.
 *
 * @param srcPort       0-65535
 * @param dstPort       0-65535
 * @param payloadLength data bytes, 0-65527
 */
public record UdpHeader(int srcPort, int dstPort, int payloadLength) {
    public UdpHeader {
        Fields.check("srcPort", srcPort, 0, 0xFFFF);
        Fields.check("dstPort", dstPort, 0, 0xFFFF);
        Fields.check("payloadLength", payloadLength, 0, 0xFFFF - UdpView.HEADER_LEN);
    }

    /**
     * Reads the header. Requires {@link UdpView#checkLength()}; the checksum is not checked (it needs the
     * pseudo-header).
     *
     * @throws MalformedPacketException otherwise
     */
    public static UdpHeader parse(UdpView view) {
        if (!view.checkLength()) {
            throw new MalformedPacketException("udp: truncated or inconsistent length: " + view);
        }
        return new UdpHeader(view.srcPort(), view.dstPort(), view.payloadLength());
    }

    /** The Length field: 8 plus the payload. */
    public int length() {
        return UdpView.HEADER_LEN + payloadLength;
    }

    /** Bytes {@link #emit} writes: the header. */
    public int bufferLength() {
        return UdpView.HEADER_LEN;
    }

    /** Writes the header at the start of the view's window, checksum 0. */
    public void emit(UdpView view) {
        view.setSrcPort(srcPort);
        view.setDstPort(dstPort);
        view.setLength(length());
        view.setChecksum(0);
    }
}

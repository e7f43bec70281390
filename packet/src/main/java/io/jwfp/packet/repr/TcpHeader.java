package io.jwfp.packet.repr;

import io.jwfp.packet.MalformedPacketException;
import io.jwfp.packet.TcpView;

import java.util.ArrayList;
import java.util.List;

/**
 * A TCP header (RFC 9293 §3.1) with options. {@link #emit} pads the options with End of Option List to a multiple
 * of 4 and leaves the checksum 0: write the payload, then call {@link TcpView#fillChecksumV4} or
 * {@link TcpView#fillChecksumV6} (the checksum covers payload and pseudo-header, which this record does not hold).
 *
 * @param srcPort       0-65535
 * @param dstPort       0-65535
 * @param seqNumber     32-bit sequence number
 * @param ackNumber     32-bit acknowledgment number
 * @param flags         the 12 bits after the data offset ({@link TcpView#FLAG_SYN} ...)
 * @param window        0-65535
 * @param urgentPointer 0-65535
 * @param options       in wire order, at most 40 bytes in all (copied)
 */
public record TcpHeader(int srcPort, int dstPort, long seqNumber, long ackNumber, int flags, int window,
                        int urgentPointer, List<TcpOption> options) {
    public TcpHeader {
        Fields.check("srcPort", srcPort, 0, 0xFFFF);
        Fields.check("dstPort", dstPort, 0, 0xFFFF);
        Fields.check("seqNumber", seqNumber, 0, 0xFFFF_FFFFL);
        Fields.check("ackNumber", ackNumber, 0, 0xFFFF_FFFFL);
        Fields.check("flags", flags, 0, TcpView.FLAGS_MASK);
        Fields.check("window", window, 0, 0xFFFF);
        Fields.check("urgentPointer", urgentPointer, 0, 0xFFFF);
        options = List.copyOf(options);
        int n = 0;
        for (TcpOption o : options) {
            n += o.length();
        }
        Fields.check("options length", n, 0, TcpView.MAX_OPTIONS_LEN);
    }

    /**
     * Reads the header and its options. Requires {@link TcpView#isValid()}. Does not check the checksum: that needs
     * the pseudo-header, use {@link TcpView#verifyChecksumV4} / {@link TcpView#verifyChecksumV6}.
     *
     * @throws MalformedPacketException if the header is truncated or an option is malformed
     */
    public static TcpHeader parse(TcpView view) {
        if (!view.isValid()) {
            throw new MalformedPacketException("tcp: truncated header or malformed options: " + view);
        }
        List<TcpOption> options = new ArrayList<>();
        for (int p = view.firstOption(); p >= 0; p = view.nextOption(p)) {
            options.add(TcpOption.parse(view, p));
        }
        return new TcpHeader(view.srcPort(), view.dstPort(), view.seqNumber(), view.ackNumber(), view.flags(),
                view.window(), view.urgentPointer(), options);
    }

    /** 20 plus the padded options. */
    public int headerLength() {
        int n = 0;
        for (TcpOption o : options) {
            n += o.length();
        }
        return TcpView.HEADER_LEN + (n + 3 & ~3);
    }

    /** Bytes {@link #emit} writes: the header. */
    public int bufferLength() {
        return headerLength();
    }

    /** True iff every bit of {@code flag} is set. */
    public boolean hasFlags(int flag) {
        return (flags & flag) == flag;
    }

    /** Writes the header and padded options at the start of the view's window; the checksum is set to 0. */
    public void emit(TcpView view) {
        int hl = headerLength();
        view.setSrcPort(srcPort);
        view.setDstPort(dstPort);
        view.setSeqNumber(seqNumber);
        view.setAckNumber(ackNumber);
        view.setHeaderLengthAndFlags(hl, flags);
        view.setWindow(window);
        view.setChecksum(0);
        view.setUrgentPointer(urgentPointer);
        byte[] opts = new byte[hl - TcpView.HEADER_LEN];
        int pos = 0;
        for (TcpOption o : options) {
            o.emit(opts, pos);
            pos += o.length();
        }
        view.setOptions(opts);
    }
}

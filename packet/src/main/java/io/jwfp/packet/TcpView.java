package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of a TCP header with options (RFC 9293 §3.1): MSS (§3.2), window scale and timestamps (RFC 7323 §2.2,
 * §3.2), SACK-permitted and SACK (RFC 2018 §2, §3).
 *
 * <p>The window must cover exactly the TCP segment (header and data), i.e. the IP payload: checksum methods use
 * {@link #viewLength()} as the TCP length of the pseudo-header.
 *
 * <p>Options are walked without allocation through a cursor of header offsets:
 * {@snippet :
 * for (int p = tcp.firstOption(); p >= 0; p = tcp.nextOption(p)) {
 *     int kind = tcp.optionKind(p);  // option data starts at p + 2 for kinds other than NOP
 * }
 * }
 * The walk ends at End of Option List, at the end of the header, or at the first option whose length byte is
 * impossible (below 2 or past the header); {@link #optionsWellFormed()} tells the last case apart.
 *
 * <p>Getters never throw: truncated unsigned fields read -1 (sequence numbers {@code -1L}), flags read 0, absent
 * options read -1 / false. See {@link HeaderView}.
 */
public final class TcpView extends HeaderView {
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int SEQ_NUM = 4;
    public static final int ACK_NUM = 8;
    public static final int OFFSET_FLAGS = 12;
    public static final int WINDOW = 14;
    public static final int CHECKSUM = 16;
    public static final int URGENT = 18;
    public static final int OPTIONS = URGENT + 2;
    /** Length of a header without options (data offset 5). */
    public static final int HEADER_LEN = OPTIONS;
    public static final int MAX_HEADER_LEN = 15 * 4;
    public static final int MAX_OPTIONS_LEN = MAX_HEADER_LEN - HEADER_LEN;

    public static final int FLAG_FIN = 0x01;
    public static final int FLAG_SYN = 0x02;
    public static final int FLAG_RST = 0x04;
    public static final int FLAG_PSH = 0x08;
    public static final int FLAG_ACK = 0x10;
    public static final int FLAG_URG = 0x20;
    public static final int FLAG_ECE = 0x40;
    public static final int FLAG_CWR = 0x80;
    /** Lowest of the reserved bits (NS in RFC 3540, AE in AccECN). */
    public static final int FLAG_AE = 0x100;
    /** Every bit of the 12-bit field after the data offset. */
    public static final int FLAGS_MASK = 0xFFF;

    public static final int OPT_END = 0;
    public static final int OPT_NOP = 1;
    public static final int OPT_MSS = 2;
    public static final int OPT_WINDOW_SCALE = 3;
    public static final int OPT_SACK_PERMITTED = 4;
    public static final int OPT_SACK = 5;
    public static final int OPT_TIMESTAMPS = 8;

    /** Re-points the view; see {@link HeaderView}. */
    public TcpView wrap(MemorySegment seg, long offset, long length) {
        point(seg, offset, length);
        return this;
    }

    /** Re-points the view at the whole segment. */
    public TcpView wrap(MemorySegment seg) {
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

    /** Sequence number (unsigned 32 bits), or -1. */
    public long seqNumber() {
        return u32(SEQ_NUM);
    }

    /** Acknowledgment number (unsigned 32 bits), or -1. */
    public long ackNumber() {
        return u32(ACK_NUM);
    }

    /** Header length in bytes (data offset × 4), or -1. */
    public int headerLength() {
        int b = u8(OFFSET_FLAGS);
        return b < 0 ? -1 : (b >>> 4) * 4;
    }

    /** The 12 flag bits ({@link #FLAG_FIN} ... {@link #FLAG_AE} and the reserved bits), or 0 if truncated. */
    public int flags() {
        int v = u16(OFFSET_FLAGS);
        return v < 0 ? 0 : v & FLAGS_MASK;
    }

    /** True iff every bit of {@code flag} is set. */
    public boolean hasFlags(int flag) {
        return (flags() & flag) == flag;
    }

    /** Window, or -1. */
    public int window() {
        return u16(WINDOW);
    }

    /** Checksum field, or -1. */
    public int checksum() {
        return u16(CHECKSUM);
    }

    /** Urgent pointer, or -1. */
    public int urgentPointer() {
        return u16(URGENT);
    }

    /** Offset of the data relative to {@link #viewOffset()} (= header length), or -1. */
    public int payloadOffset() {
        return headerLength() >= HEADER_LEN ? headerLength() : -1;
    }

    /** Data bytes in the window after the header, or -1 if the header is malformed or truncated. */
    public int payloadLength() {
        int h = headerLength();
        return h < HEADER_LEN || h > length ? -1 : (int) (length - h);
    }

    /** True iff {@code 20 <= dataOffset*4 <= viewLength()}. */
    public boolean checkLength() {
        if (length < HEADER_LEN) {
            return false;
        } else if (headerLength() < HEADER_LEN) {
            return false;
        } else {
            return headerLength() <= length;
        }
    }

    /** {@link #checkLength()} and well-formed options. */
    public boolean isValid() {
        return checkLength() && optionsWellFormed();
    }

    // ---- options ----

    /** End of the options area: the header length if it fits in the window, otherwise 0 (no options). */
    private int optionsEnd() {
        int h = headerLength();
        return h > HEADER_LEN && h <= length ? h : 0;
    }

    /** Returns {@code pos} if a whole option other than End of List starts there, else -1. */
    private int optionAt(int pos) {
        int end = optionsEnd();
        if (pos < HEADER_LEN || pos >= end) {
            return -1;
        }
        int kind = u8(pos);
        if (kind == OPT_END) {
            return -1;
        } else if (kind == OPT_NOP) {
            return pos;
        } else if (pos + 2 > end) {
            return -1;
        } else {
            int len = u8(pos + 1);
            return len >= 2 && pos + len <= end ? pos : -1;
        }
    }

    /** Offset of the first option, or -1 if there is none. */
    public int firstOption() {
        return optionAt(HEADER_LEN);
    }

    /** Offset of the option after the one at {@code pos}, or -1 at the end of the list. */
    public int nextOption(int pos) {
        int len = optionLength(pos);
        return len <= 0 ? -1 : optionAt(pos + len);
    }

    /** Kind of the option at {@code pos}, or -1. */
    public int optionKind(int pos) {
        return optionAt(pos) < 0 ? -1 : u8(pos);
    }

    /** Total length (kind and length bytes included) of the option at {@code pos}: 1 for NOP, -1 if none. */
    public int optionLength(int pos) {
        if (optionAt(pos) < 0) {
            return -1;
        }
        return u8(pos) == OPT_NOP ? 1 : u8(pos + 1);
    }

    /** True iff the option walk ends at End of List or exactly at the end of the header. */
    public boolean optionsWellFormed() {
        int end = optionsEnd();
        if (end == 0) {
            return headerLength() >= HEADER_LEN && headerLength() <= length;
        }
        int pos = HEADER_LEN;
        while (pos < end) {
            if (u8(pos) == OPT_END) {
                return true;
            }
            int len = optionLength(pos);
            if (len <= 0) {
                return false;
            }
            pos += len;
        }
        return true;
    }

    /** Offset of the first option of {@code kind} with total length {@code len}, or -1. */
    private int find(int kind, int len) {
        for (int p = firstOption(); p >= 0; p = nextOption(p)) {
            if (u8(p) == kind && optionLength(p) == len) {
                return p;
            }
        }
        return -1;
    }

    /** Maximum Segment Size option, or -1 if absent. */
    public int mss() {
        int p = find(OPT_MSS, 4);
        return p < 0 ? -1 : u16(p + 2);
    }

    /** Window scale shift count, or -1 if absent. */
    public int windowScale() {
        int p = find(OPT_WINDOW_SCALE, 3);
        return p < 0 ? -1 : u8(p + 2);
    }

    /** True iff the SACK-permitted option is present. */
    public boolean sackPermitted() {
        return find(OPT_SACK_PERMITTED, 2) >= 0;
    }

    /** TSval of the timestamps option, or -1 if absent. */
    public long timestampValue() {
        int p = find(OPT_TIMESTAMPS, 10);
        return p < 0 ? -1 : u32(p + 2);
    }

    /** TSecr of the timestamps option, or -1 if absent. */
    public long timestampEcho() {
        int p = find(OPT_TIMESTAMPS, 10);
        return p < 0 ? -1 : u32(p + 6);
    }

    private int sackOption() {
        for (int p = firstOption(); p >= 0; p = nextOption(p)) {
            if (u8(p) == OPT_SACK) {
                int len = optionLength(p);
                return (len - 2) % 8 == 0 ? p : -1;
            }
        }
        return -1;
    }

    /** Number of blocks in the SACK option, or 0 if absent. */
    public int sackBlockCount() {
        int p = sackOption();
        return p < 0 ? 0 : (optionLength(p) - 2) / 8;
    }

    /** Left edge of SACK block {@code i}, or -1. */
    public long sackLeft(int i) {
        int p = sackOption();
        return p < 0 || i < 0 || i >= sackBlockCount() ? -1 : u32(p + 2 + 8L * i);
    }

    /** Right edge of SACK block {@code i}, or -1. */
    public long sackRight(int i) {
        int p = sackOption();
        return p < 0 || i < 0 || i >= sackBlockCount() ? -1 : u32(p + 6 + 8L * i);
    }

    // ---- checksum ----

    private int len() {
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    /** True iff the checksum is correct over IPv4 with these addresses; false if the header is truncated. */
    public boolean verifyChecksumV4(int src, int dst) {
        return checkLength() && Checksums.verifyTransportV4(seg, base, len(), IpProtocol.TCP, src, dst);
    }

    /** True iff the checksum is correct over IPv6 with these addresses; false if the header is truncated. */
    public boolean verifyChecksumV6(long srcHi, long srcLo, long dstHi, long dstLo) {
        return checkLength()
                && Checksums.verifyTransportV6(seg, base, len(), IpProtocol.TCP, srcHi, srcLo, dstHi, dstLo);
    }

    /** Computes and writes the checksum over the whole window with the IPv4 pseudo-header. */
    public void fillChecksumV4(int src, int dst) {
        put16(CHECKSUM, Checksums.transportV4(seg, base, len(), CHECKSUM, IpProtocol.TCP, src, dst));
    }

    /** Computes and writes the checksum over the whole window with the IPv6 pseudo-header. */
    public void fillChecksumV6(long srcHi, long srcLo, long dstHi, long dstLo) {
        put16(CHECKSUM, Checksums.transportV6(seg, base, len(), CHECKSUM, IpProtocol.TCP,
                srcHi, srcLo, dstHi, dstLo));
    }

    /** Patches the checksum after the IPv4 pseudo-header address changed from {@code oldAddr} to {@code newAddr}. */
    public void updateChecksumForAddressV4(int oldAddr, int newAddr) {
        put16(CHECKSUM, Checksums.update32(u16(CHECKSUM), oldAddr, newAddr));
    }

    /** Patches the checksum after an IPv6 pseudo-header address changed. */
    public void updateChecksumForAddressV6(long oldHi, long oldLo, long newHi, long newLo) {
        int c = Checksums.update64(u16(CHECKSUM), oldHi, newHi);
        put16(CHECKSUM, Checksums.update64(c, oldLo, newLo));
    }

    // ---- setters ----

    public void setSrcPort(int port) {
        checkRange("srcPort", port, 0xFFFF);
        put16(SRC_PORT, port);
    }

    public void setDstPort(int port) {
        checkRange("dstPort", port, 0xFFFF);
        put16(DST_PORT, port);
    }

    /** Rewrites the source port and patches the checksum (RFC 1624). */
    public void setSrcPortWithChecksumUpdate(int port) {
        checkRange("srcPort", port, 0xFFFF);
        int old = u16(SRC_PORT);
        put16(SRC_PORT, port);
        put16(CHECKSUM, Checksums.update16(u16(CHECKSUM), old, port));
    }

    /** Rewrites the destination port and patches the checksum (RFC 1624). */
    public void setDstPortWithChecksumUpdate(int port) {
        checkRange("dstPort", port, 0xFFFF);
        int old = u16(DST_PORT);
        put16(DST_PORT, port);
        put16(CHECKSUM, Checksums.update16(u16(CHECKSUM), old, port));
    }

    public void setSeqNumber(long seq) {
        checkRange("seqNumber", seq, 0xFFFF_FFFFL);
        put32(SEQ_NUM, (int) seq);
    }

    public void setAckNumber(long ack) {
        checkRange("ackNumber", ack, 0xFFFF_FFFFL);
        put32(ACK_NUM, (int) ack);
    }

    /** Writes the data offset and the 12 flag bits together; {@code headerLength} in bytes, multiple of 4. */
    public void setHeaderLengthAndFlags(int headerLength, int flags) {
        if (headerLength < HEADER_LEN || headerLength > MAX_HEADER_LEN || (headerLength & 3) != 0) {
            throw new IllegalArgumentException("headerLength: " + headerLength + " (expected: 20-60, multiple of 4)");
        }
        checkRange("flags", flags, FLAGS_MASK);
        put16(OFFSET_FLAGS, headerLength << 10 | flags);
    }

    /** Writes the flags, keeping the data offset. */
    public void setFlags(int flags) {
        checkRange("flags", flags, FLAGS_MASK);
        put16(OFFSET_FLAGS, (u8(OFFSET_FLAGS) & 0xF0) << 8 | flags);
    }

    public void setWindow(int window) {
        checkRange("window", window, 0xFFFF);
        put16(WINDOW, window);
    }

    public void setChecksum(int checksum) {
        put16(CHECKSUM, checksum);
    }

    public void setUrgentPointer(int urgentPointer) {
        checkRange("urgentPointer", urgentPointer, 0xFFFF);
        put16(URGENT, urgentPointer);
    }

    /**
     * Copies {@code options} (already padded by the caller) into the options area from offset 20; the data offset
     * is not changed.
     */
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
        return "TcpView[" + srcPort() + " > " + dstPort() + ", seq=" + seqNumber() + ", ack=" + ackNumber()
                + ", flags=0x" + Integer.toHexString(flags()) + ", win=" + window() + ", hlen=" + headerLength()
                + "]";
    }
}

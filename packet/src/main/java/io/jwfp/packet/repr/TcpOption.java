package io.jwfp.packet.repr;

import io.jwfp.packet.MalformedPacketException;
import io.jwfp.packet.TcpView;

import java.util.Arrays;
import java.util.List;

/**
 * One TCP option (RFC 9293 §3.1, §3.2). End of Option List is not an option here: {@link TcpHeader#emit} pads with
 * it and {@link TcpHeader#parse} stops at it.
 */
public sealed interface TcpOption {
    /** The option's kind byte. */
    int kind();

    /** Bytes on the wire, kind and length included. */
    int length();

    /** Writes the option into {@code buf} at {@code pos}. */
    void emit(byte[] buf, int pos);

    /** No-Operation, kind 1, one byte. */
    record Nop() implements TcpOption {
        public int kind() {
            return TcpView.OPT_NOP;
        }

        public int length() {
            return 1;
        }

        public void emit(byte[] buf, int pos) {
            buf[pos] = (byte) TcpView.OPT_NOP;
        }
    }

    /** Maximum Segment Size, kind 2 (RFC 9293 §3.7.1). */
    record Mss(int mss) implements TcpOption {
        public Mss {
            Fields.check("mss", mss, 0, 0xFFFF);
        }

        public int kind() {
            return TcpView.OPT_MSS;
        }

        public int length() {
            return 4;
        }

        public void emit(byte[] buf, int pos) {
            head(buf, pos, this);
            buf[pos + 2] = (byte) (mss >>> 8);
            buf[pos + 3] = (byte) mss;
        }
    }

    /** Window Scale, kind 3 (RFC 7323 §2.2); shift 0-255 on the wire (14 is the useful maximum). */
    record WindowScale(int shift) implements TcpOption {
        public WindowScale {
            Fields.check("shift", shift, 0, 255);
        }

        public int kind() {
            return TcpView.OPT_WINDOW_SCALE;
        }

        public int length() {
            return 3;
        }

        public void emit(byte[] buf, int pos) {
            head(buf, pos, this);
            buf[pos + 2] = (byte) shift;
        }
    }

    /** SACK-Permitted, kind 4 (RFC 2018 §2). */
    record SackPermitted() implements TcpOption {
        public int kind() {
            return TcpView.OPT_SACK_PERMITTED;
        }

        public int length() {
            return 2;
        }

        public void emit(byte[] buf, int pos) {
            head(buf, pos, this);
        }
    }

    /** One SACK block: the left and right edges, 32-bit sequence numbers. */
    record SackBlock(long left, long right) {
        public SackBlock {
            Fields.check("left", left, 0, 0xFFFF_FFFFL);
            Fields.check("right", right, 0, 0xFFFF_FFFFL);
        }
    }

    /** SACK, kind 5 (RFC 2018 §3), with 1-4 blocks (4 fill the 40 option bytes less the length pair). */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        public Sack {
            blocks = List.copyOf(blocks);
            Fields.check("blocks", blocks.size(), 1, 4);
        }

        public int kind() {
            return TcpView.OPT_SACK;
        }

        public int length() {
            return 2 + 8 * blocks.size();
        }

        public void emit(byte[] buf, int pos) {
            head(buf, pos, this);
            for (int i = 0; i < blocks.size(); i++) {
                putInt(buf, pos + 2 + 8 * i, blocks.get(i).left());
                putInt(buf, pos + 6 + 8 * i, blocks.get(i).right());
            }
        }
    }

    /** Timestamps, kind 8 (RFC 7323 §3.2). */
    record Timestamps(long value, long echo) implements TcpOption {
        public Timestamps {
            Fields.check("value", value, 0, 0xFFFF_FFFFL);
            Fields.check("echo", echo, 0, 0xFFFF_FFFFL);
        }

        public int kind() {
            return TcpView.OPT_TIMESTAMPS;
        }

        public int length() {
            return 10;
        }

        public void emit(byte[] buf, int pos) {
            head(buf, pos, this);
            putInt(buf, pos + 2, value);
            putInt(buf, pos + 6, echo);
        }
    }

    /** Any other kind, with its data bytes (after kind and length). */
    record Unknown(int kind, byte[] data) implements TcpOption {
        public Unknown {
            Fields.check("kind", kind, 0, 255);
            if (kind <= TcpView.OPT_SACK || kind == TcpView.OPT_TIMESTAMPS) {
                throw new IllegalArgumentException("kind: " + kind + " (expected: one without its own record)");
            }
            data = Fields.copy("data", data);
            Fields.check("data.length", data.length, 0, TcpView.MAX_OPTIONS_LEN - 2);
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        public int length() {
            return 2 + data.length;
        }

        public void emit(byte[] buf, int pos) {
            head(buf, pos, this);
            System.arraycopy(data, 0, buf, pos + 2, data.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && kind == u.kind && Arrays.equals(data, u.data);
        }

        @Override
        public int hashCode() {
            return kind * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Unknown[kind=" + kind + ", data=" + Fields.hex(data) + "]";
        }
    }

    /**
     * Reads the option at header offset {@code pos} of a view (a position from {@link TcpView#firstOption()}).
     *
     * @throws MalformedPacketException if a known kind has the wrong length
     */
    static TcpOption parse(TcpView view, int pos) {
        int kind = view.optionKind(pos);
        int len = view.optionLength(pos);
        switch (kind) {
            case TcpView.OPT_NOP -> {
                return new Nop();
            }
            case TcpView.OPT_MSS -> {
                expect(kind, len, 4);
                return new Mss(u16(view, pos + 2));
            }
            case TcpView.OPT_WINDOW_SCALE -> {
                expect(kind, len, 3);
                return new WindowScale(view.toByteArray(pos + 2, 1)[0] & 0xFF);
            }
            case TcpView.OPT_SACK_PERMITTED -> {
                expect(kind, len, 2);
                return new SackPermitted();
            }
            case TcpView.OPT_SACK -> {
                if (len < 10 || (len - 2) % 8 != 0) {
                    throw new MalformedPacketException("tcp: SACK option of length " + len);
                }
                SackBlock[] blocks = new SackBlock[(len - 2) / 8];
                for (int i = 0; i < blocks.length; i++) {
                    blocks[i] = new SackBlock(u32(view, pos + 2 + 8 * i), u32(view, pos + 6 + 8 * i));
                }
                return new Sack(List.of(blocks));
            }
            case TcpView.OPT_TIMESTAMPS -> {
                expect(kind, len, 10);
                return new Timestamps(u32(view, pos + 2), u32(view, pos + 6));
            }
            default -> {
                return new Unknown(kind, view.toByteArray(pos + 2, len - 2));
            }
        }
    }

    private static void expect(int kind, int len, int expected) {
        if (len != expected) {
            throw new MalformedPacketException("tcp: option " + kind + " of length " + len + " (expected: "
                    + expected + ")");
        }
    }

    private static int u16(TcpView v, int pos) {
        byte[] b = v.toByteArray(pos, 2);
        return (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
    }

    private static long u32(TcpView v, int pos) {
        byte[] b = v.toByteArray(pos, 4);
        return (b[0] & 0xFFL) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private static void head(byte[] buf, int pos, TcpOption o) {
        buf[pos] = (byte) o.kind();
        buf[pos + 1] = (byte) o.length();
    }

    private static void putInt(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}

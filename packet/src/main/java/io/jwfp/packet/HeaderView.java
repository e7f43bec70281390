package io.jwfp.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A re-pointable window onto a protocol header inside a {@link MemorySegment}; the common shape of every jwfp header
 * view (smoltcp's {@code Packet}, gVisor's {@code header.UDP}).
 *
 * <p><b>Reading contract.</b> {@code wrap(seg, offset, length)} clamps the window to the segment, so a view never
 * reads outside it. Every getter is bounds-checked against the window and <em>never throws</em> on truncated or
 * malformed bytes: an unsigned field that is not entirely inside the window reads as {@code -1}; an address reads as
 * {@code 0}; a flag reads as {@code false}. Those defaults are documented on each view. {@code checkLength()} tells
 * whether the window holds the whole header (including the lengths its own fields declare); once it returns true
 * every getter returns real data. {@code isValid()} additionally checks the fields that identify the header (e.g.
 * the IP version). Setters that change length fields invalidate a previous {@code checkLength()}.
 *
 * <p><b>Writing contract.</b> Setters write in network byte order and throw {@link IndexOutOfBoundsException} when
 * the field is outside the window, or the JDK's exception for a read-only segment. When emitting into a reused
 * buffer do not call {@code checkLength()} first: its answer depends on stale bytes.
 *
 * <p><b>Lifetime and threads.</b> A view holds a reference to the segment, nothing else; the caller keeps the
 * segment alive while the view is used (a closed arena makes reads throw {@link IllegalStateException}: that is a
 * lifetime bug, not malformed input). Views are not thread-safe: keep one instance per thread and re-point it with
 * {@code wrap} for every packet; {@code wrap} and every getter allocate nothing.
 */
public abstract sealed class HeaderView
        permits EthernetView, Ipv4View, Ipv6View, TcpView, UdpView, Icmpv4View, Icmpv6View {

    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort BE_U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE_U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    MemorySegment seg = MemorySegment.NULL;
    long base;
    long length;

    HeaderView() {}

    /**
     * Points this view at {@code length} bytes from {@code offset} in {@code seg}, clamped to the segment's end.
     *
     * @throws IllegalArgumentException if offset or length is negative (a caller bug, not bad input)
     */
    final void point(MemorySegment segment, long offset, long len) {
        Objects.requireNonNull(segment, "segment");
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("offset: " + offset + ", length: " + len + " (expected: >= 0)");
        }
        long size = segment.byteSize();
        seg = segment;
        base = offset;
        length = offset >= size ? 0 : Math.min(len, size - offset);
        reset();
    }

    /** Hook for views that cache derived state; called by every {@code wrap}. */
    void reset() {}

    /** The segment this view points into ({@link MemorySegment#NULL} before the first {@code wrap}). */
    public final MemorySegment segment() {
        return seg;
    }

    /** Offset of the header's first byte in {@link #segment()}. */
    public final long viewOffset() {
        return base;
    }

    /** Bytes of the window: from {@link #viewOffset()} to the end of the unit this header starts, clamped. */
    public final long viewLength() {
        return length;
    }

    final boolean has(long off, long n) {
        return off >= 0 && off + n <= length;
    }

    final int u8(long off) {
        return has(off, 1) ? Byte.toUnsignedInt(seg.get(U8, base + off)) : -1;
    }

    final int u16(long off) {
        return has(off, 2) ? Short.toUnsignedInt(seg.get(BE_U16, base + off)) : -1;
    }

    final long u32(long off) {
        return has(off, 4) ? Integer.toUnsignedLong(seg.get(BE_U32, base + off)) : -1L;
    }

    /** A 32-bit field as a raw int (addresses); 0 when truncated. */
    final int i32(long off) {
        return has(off, 4) ? seg.get(BE_U32, base + off) : 0;
    }

    final long i64(long off) {
        return has(off, 8) ? seg.get(BE_U64, base + off) : 0L;
    }

    private void checkWrite(long off, long n) {
        if (!has(off, n)) {
            throw new IndexOutOfBoundsException(
                    "field [" + off + ", " + (off + n) + ") outside the view of " + length + " bytes");
        }
    }

    final void put8(long off, int v) {
        checkWrite(off, 1);
        seg.set(U8, base + off, (byte) v);
    }

    final void put16(long off, int v) {
        checkWrite(off, 2);
        seg.set(BE_U16, base + off, (short) v);
    }

    final void put32(long off, int v) {
        checkWrite(off, 4);
        seg.set(BE_U32, base + off, v);
    }

    final void put64(long off, long v) {
        checkWrite(off, 8);
        seg.set(BE_U64, base + off, v);
    }

    final void copyIn(long off, byte[] src) {
        checkWrite(off, src.length);
        MemorySegment.copy(src, 0, seg, U8, base + off, src.length);
    }

    final byte[] copyOut(long off, int n) {
        checkWrite(off, n);
        byte[] out = new byte[n];
        MemorySegment.copy(seg, U8, base + off, out, 0, n);
        return out;
    }

    /**
     * A copy of {@code n} bytes of the window from {@code off} (relative to {@link #viewOffset()}). Allocates: for the
     * build and test path, e.g. reading a payload into a record.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the window
     */
    public final byte[] toByteArray(long off, int n) {
        return copyOut(off, n);
    }

    /**
     * Copies {@code src} into the window at {@code off} (relative to {@link #viewOffset()}), e.g. a payload after a
     * header was emitted.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the window
     */
    public final void write(long off, byte[] src) {
        copyIn(off, src);
    }

    static void checkRange(String name, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0-" + max + ")");
        }
    }
}

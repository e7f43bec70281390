package io.jwfp.packet;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * jwfp's NET_BUFFER_LIST: one packet's bytes, a movable start of the current data, and the slots the engine and
 * callouts use while the packet travels through the layers. It stands for an NBL holding a single NET_BUFFER with
 * one contiguous buffer (<a href="https://learn.microsoft.com/windows-hardware/drivers/network/net-buffer-list-structure">
 * NET_BUFFER_LIST</a>).
 *
 * <p><b>Data offset.</b> WFP indicates a packet at different places depending on the layer: the IP header at the
 * network layers, the transport header or the payload at the transport and stream layers. {@link #dataOffset()} is
 * that place within {@link #segment()}; the valid data runs for {@link #dataLength()} bytes from it. A callout that
 * needs the headers before it calls {@link #retreat(long)} (NdisRetreatNetBufferDataStart) and must {@link #advance}
 * by the same amount before returning (NdisAdvanceNetBufferDataStart), as WFP requires. Unlike NDIS, retreat never
 * allocates: it can only uncover bytes that are already in the buffer, and throws otherwise.
 *
 * <p><b>Clones.</b> {@link #clone()} is FwpsAllocateCloneNetBufferList: a new list over the <em>same</em> bytes, with
 * its own offsets and tag, whose {@link #parent()} is this list; writing through either is seen by both, so a
 * callout that modifies a packet works on a {@link #deepCopy()}. Neither copies the tag.
 *
 * <p><b>Injection tag.</b> {@link #injectionTag()} is a slot owned by the engine's injection code (WFP keeps the
 * injection handle and context in the NBL); callouts treat it as opaque. {@link #next()} chains lists as
 * NET_BUFFER_LIST.Next does.
 *
 * <p><b>Lifetime and threads.</b> The list does not own its segment's arena: whoever allocated the segment keeps it
 * alive until the list is no longer used. A list belongs to one classification (one thread) at a time; hand-offs
 * between threads need a happens-before edge, e.g. a queue. Not thread-safe.
 */
public final class NetBufferList implements Cloneable {
    private final MemorySegment segment;
    private final NetBufferList parent;
    private long dataOffset;
    private long dataLength;
    private Object injectionTag;
    private NetBufferList next;

    private NetBufferList(MemorySegment segment, long dataOffset, long dataLength, NetBufferList parent) {
        this.segment = segment;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
        this.parent = parent;
    }

    /**
     * A list over {@code dataLength} bytes from {@code dataOffset} of {@code segment}; bytes before the offset are
     * headroom that {@link #retreat} can uncover.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    public static NetBufferList of(MemorySegment segment, long dataOffset, long dataLength) {
        Objects.requireNonNull(segment, "segment");
        Objects.checkFromIndexSize(dataOffset, dataLength, segment.byteSize());
        return new NetBufferList(segment, dataOffset, dataLength, null);
    }

    /** A list whose data is all of {@code segment}. */
    public static NetBufferList of(MemorySegment segment) {
        return of(segment, 0, segment.byteSize());
    }

    /** A list over a heap array (not copied: the list shares it). */
    public static NetBufferList wrap(byte[] bytes, int dataOffset, int dataLength) {
        return of(MemorySegment.ofArray(bytes), dataOffset, dataLength);
    }

    /** A list whose data is all of {@code bytes} (shared). */
    public static NetBufferList wrap(byte[] bytes) {
        return wrap(bytes, 0, bytes.length);
    }

    /** The whole backing segment, headroom included. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset in {@link #segment()} where the current data starts. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Bytes of current data from {@link #dataOffset()}. */
    public long dataLength() {
        return dataLength;
    }

    /** Bytes before the current data that {@link #retreat} may uncover. */
    public long headroom() {
        return dataOffset;
    }

    /**
     * The current data as a slice. Allocates a small slice object: on the classify path, prefer wrapping a view over
     * {@code segment()} at {@code dataOffset()}.
     */
    public MemorySegment data() {
        return segment.asSlice(dataOffset, dataLength);
    }

    /**
     * Moves the start of the data {@code n} bytes back, uncovering headers (NdisRetreatNetBufferDataStart).
     *
     * @throws IndexOutOfBoundsException if {@code n} is negative or larger than {@link #headroom()}
     */
    public void retreat(long n) {
        if (n < 0 || n > dataOffset) {
            throw new IndexOutOfBoundsException("retreat: " + n + " (expected: 0-" + dataOffset + ")");
        }
        dataOffset -= n;
        dataLength += n;
    }

    /**
     * Moves the start of the data {@code n} bytes forward, hiding headers (NdisAdvanceNetBufferDataStart).
     *
     * @throws IndexOutOfBoundsException if {@code n} is negative or larger than {@link #dataLength()}
     */
    public void advance(long n) {
        if (n < 0 || n > dataLength) {
            throw new IndexOutOfBoundsException("advance: " + n + " (expected: 0-" + dataLength + ")");
        }
        dataOffset += n;
        dataLength -= n;
    }

    /**
     * Sets the length of the current data, e.g. after trimming link padding or writing a longer packet into spare
     * room at the end.
     *
     * @throws IndexOutOfBoundsException if the data would run past the segment
     */
    public void setDataLength(long length) {
        Objects.checkFromIndexSize(dataOffset, length, segment.byteSize());
        dataLength = length;
    }

    /** The current data copied into a new array. */
    public byte[] toByteArray() {
        return data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** The engine's injection state, or null. Opaque to callouts. */
    public Object injectionTag() {
        return injectionTag;
    }

    public void setInjectionTag(Object tag) {
        injectionTag = tag;
    }

    /** The next list in a chain, or null. */
    public NetBufferList next() {
        return next;
    }

    public void setNext(NetBufferList next) {
        this.next = next;
    }

    /** The list this one was cloned from ({@link #clone()}), or null. */
    public NetBufferList parent() {
        return parent;
    }

    /**
     * A reference clone: same bytes, same offsets, {@code parent() == this}, no tag, no next. Writes through either
     * list are visible in both.
     */
    @Override
    public NetBufferList clone() {
        return new NetBufferList(segment, dataOffset, dataLength, this);
    }

    /**
     * A deep copy: a new heap buffer with the headroom and the current data (offsets preserved), no parent, no tag,
     * no next. Bytes after the current data are not copied.
     */
    public NetBufferList deepCopy() {
        byte[] copy = new byte[Math.toIntExact(dataOffset + dataLength)];
        MemorySegment.copy(segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, copy, 0, copy.length);
        return new NetBufferList(MemorySegment.ofArray(copy), dataOffset, dataLength, null);
    }

    @Override
    public String toString() {
        return "NetBufferList[offset=" + dataOffset + ", length=" + dataLength + ", capacity=" + segment.byteSize()
                + (parent != null ? ", clone" : "") + (injectionTag != null ? ", tagged" : "") + "]";
    }
}

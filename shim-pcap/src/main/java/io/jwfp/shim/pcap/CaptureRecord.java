package io.jwfp.shim.pcap;

import java.lang.foreign.MemorySegment;

/**
 * One packet record of a capture, as a view: the reader re-points the same instance at every record, over the mapped
 * file, so reading a capture allocates nothing per packet. The bytes stay valid while the reader is open; they are
 * read-only.
 *
 * <p>Not thread-safe; belongs to the thread that reads.
 */
public final class CaptureRecord {
    MemorySegment segment;
    long dataOffset;
    int capturedLength;
    int originalLength;
    long timestampNanos;
    int linkType;
    int interfaceId;
    long recordNumber;
    long byteOffset;
    long packetNumber;

    /** The memory holding the frame (the whole mapped file). */
    public MemorySegment segment() {
        return segment;
    }

    /** Where the frame (link header first) starts in {@link #segment()}. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Bytes of the frame in the file. */
    public int capturedLength() {
        return capturedLength;
    }

    /** The frame's length on the wire (more than {@link #capturedLength()} when the capture cut it). */
    public int originalLength() {
        return originalLength;
    }

    /** Nanoseconds since 1970-01-01 UTC (pcapng's if_tsoffset applied). */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** LINKTYPE_* of the interface the frame was captured on ({@link LinkTypes}). */
    public int linkType() {
        return linkType;
    }

    /**
     * The capture interface, numbered across the whole file from 0 (a pcap file has one; a pcapng file one per
     * Interface Description Block, sections after the first continuing the numbering).
     */
    public int interfaceId() {
        return interfaceId;
    }

    /** The record's number (1-based; a pcapng block of any type counts). */
    public long recordNumber() {
        return recordNumber;
    }

    /** Where the record starts in the file. */
    public long byteOffset() {
        return byteOffset;
    }

    /** The packet's number (1-based, packets only: Wireshark's frame number). */
    public long packetNumber() {
        return packetNumber;
    }
}

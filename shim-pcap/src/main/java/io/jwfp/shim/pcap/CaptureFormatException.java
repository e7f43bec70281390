package io.jwfp.shim.pcap;

/**
 * A capture file that is not what it claims to be: its header is unknown, or a record is truncated or malformed. The
 * message names the record (counted from 1: a pcap packet record, or a pcapng block of any type, the section header
 * included) and its byte offset, e.g. {@code record 12 at byte offset 3456: truncated: the record needs 1514 bytes,
 * 200 are left}. Immutable.
 */
public final class CaptureFormatException extends Exception {
    private final long record;
    private final long byteOffset;
    private final String problem;

    public CaptureFormatException(long record, long byteOffset, String problem) {
        super((record > 0 ? "record " + record + " at byte offset " + byteOffset : "file header") + ": " + problem);
        this.record = record;
        this.byteOffset = byteOffset;
        this.problem = problem;
    }

    /** The record number (1-based), or 0 for the file header of a pcap file. */
    public long record() {
        return record;
    }

    /** Where the bad record starts in the file. */
    public long byteOffset() {
        return byteOffset;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }
}

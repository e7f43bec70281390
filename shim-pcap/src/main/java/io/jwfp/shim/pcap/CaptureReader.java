package io.jwfp.shim.pcap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads pcap and pcapng capture files, zero-copy: the file is mapped once and {@link #next} re-points a reused
 * {@link CaptureRecord} at each packet, so reading allocates nothing per packet.
 *
 * <ul>
 *   <li><b>pcap</b> (classic): either byte order, microsecond (magic {@code a1b2c3d4}) or nanosecond
 *   ({@code a1b23c4d}) timestamps.</li>
 *   <li><b>pcapng</b>: sections in either byte order (several sections may follow each other); Interface Description
 *   Blocks with {@code if_tsresol} (powers of 10 or 2) and {@code if_tsoffset}; Enhanced, Simple and (obsolete)
 *   Packet Blocks; every other block type is skipped. A Simple Packet Block has no timestamp: it gets the previous
 *   packet's.</li>
 * </ul>
 * Link types are not interpreted here ({@link LinkTypes} finds the IP header). A structural problem throws
 * {@link CaptureFormatException} naming the record and its byte offset; the records before it were delivered.
 *
 * <p>Not thread-safe: one reader per thread. {@link #close} unmaps the file; records are invalid afterwards.
 */
public final class CaptureReader implements AutoCloseable {
    /** The two file formats. */
    public enum Format { PCAP, PCAPNG }

    /** A capture interface: its link type and snapshot length (0: unlimited). */
    public record Interface(int linkType, int snapLength) {}

    /** Records longer than this are taken for corruption (libpcap's limit is 256 KiB for most link types). */
    static final int MAX_RECORD = 64 << 20;

    private static final int PCAPNG_SHB = 0x0A0D0D0A;
    private static final int PCAPNG_IDB = 1;
    private static final int PCAPNG_OPB = 2;
    private static final int PCAPNG_SPB = 3;
    private static final int PCAPNG_EPB = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena;
    private final MemorySegment seg;
    private final long size;
    private final Format format;
    private ValueLayout.OfInt i32;
    private ValueLayout.OfShort i16;
    private long pos;
    private long records;
    private long packets;
    private long lastTimestamp;
    private final List<Interface> interfaces = new ArrayList<>();

    // pcap: the one interface's timestamp unit
    private boolean pcapNanos;
    // pcapng: the current section's interfaces (global ids, and their timestamp resolution and offset)
    private int[] sectionIds = new int[4];
    private boolean[] tsPow2 = new boolean[4];
    private int[] tsExp = new int[4];
    private long[] tsOffsetNanos = new long[4];
    private int sectionInterfaces;
    private boolean inSection;

    private CaptureReader(Arena arena, MemorySegment seg) throws CaptureFormatException {
        this.arena = arena;
        this.seg = seg;
        this.size = seg.byteSize();
        if (size < 4) throw new CaptureFormatException(0, 0, "not a pcap or pcapng file: only " + size + " bytes");
        int magic = seg.get(BE32, 0);
        if (magic == PCAPNG_SHB) {
            format = Format.PCAPNG;
        } else if (isPcapMagic(magic) || isPcapMagic(Integer.reverseBytes(magic))) {
            format = Format.PCAP;
            pcapHeader(magic);
        } else {
            throw new CaptureFormatException(0, 0, String.format(
                    "not a pcap or pcapng file (it starts with 0x%08x; pcap starts with a1b2c3d4 or a1b23c4d, pcapng with 0a0d0d0a)",
                    magic));
        }
    }

    /**
     * Opens and maps a capture file and reads its file header (pcap) or checks its first block's type (pcapng).
     *
     * @throws IOException            if the file cannot be read or mapped (e.g. a pipe: copy it to a file first)
     * @throws CaptureFormatException if it is neither format
     */
    public static CaptureReader open(Path file) throws IOException, CaptureFormatException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment s = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new CaptureReader(arena, s);
        } catch (IOException | CaptureFormatException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a capture held in memory (tests; the segment must stay alive while the reader is used). */
    public static CaptureReader of(MemorySegment capture) throws CaptureFormatException {
        return new CaptureReader(null, capture);
    }

    private static boolean isPcapMagic(int m) {
        return m == 0xA1B2C3D4 || m == 0xA1B23C4D;
    }

    private void pcapHeader(int magicBe) throws CaptureFormatException {
        boolean be = isPcapMagic(magicBe);
        i32 = be ? BE32 : LE32;
        i16 = be ? BE16 : LE16;
        int magic = be ? magicBe : Integer.reverseBytes(magicBe);
        pcapNanos = magic == 0xA1B23C4D;
        if (size < 24) {
            throw new CaptureFormatException(0, 0, "truncated file header: 24 bytes needed, " + size + " in the file");
        }
        int major = u16(4);
        if (major != 2) throw new CaptureFormatException(0, 0, "unsupported pcap version " + major + "." + u16(6));
        int snap = seg.get(i32, 16);
        int linkType = seg.get(i32, 20) & 0x03FF_FFFF; // the upper bits carry FCS information
        interfaces.add(new Interface(linkType, snap));
        pos = 24;
    }

    /** The format of the file. */
    public Format format() {
        return format;
    }

    /** The capture interfaces seen so far (a pcap file has one; pcapng ones appear as their blocks are read). */
    public List<Interface> interfaces() {
        return interfaces;
    }

    /** How far the reader got, in bytes (for progress). */
    public long position() {
        return pos;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    /** Records read so far (pcapng: blocks of every type). */
    public long recordsRead() {
        return records;
    }

    /** Packets delivered so far. */
    public long packetsRead() {
        return packets;
    }

    /**
     * Points {@code r} at the next packet.
     *
     * @return false at the end of the file
     * @throws CaptureFormatException when the next record is truncated or malformed; the reader stays positioned at it
     */
    public boolean next(CaptureRecord r) throws CaptureFormatException {
        return format == Format.PCAP ? nextPcap(r) : nextPcapng(r);
    }

    // ------------------------------------------------------------------------------------------------ pcap

    private boolean nextPcap(CaptureRecord r) throws CaptureFormatException {
        if (pos >= size) return false;
        long at = pos;
        long n = records + 1;
        if (size - at < 16) {
            throw new CaptureFormatException(n, at, "truncated record header: 16 bytes needed, " + (size - at) + " left");
        }
        long sec = Integer.toUnsignedLong(seg.get(i32, at));
        long frac = Integer.toUnsignedLong(seg.get(i32, at + 4));
        long incl = Integer.toUnsignedLong(seg.get(i32, at + 8));
        long orig = Integer.toUnsignedLong(seg.get(i32, at + 12));
        if (incl > MAX_RECORD) {
            throw new CaptureFormatException(n, at, "implausible captured length " + incl + " (corrupt record header?)");
        }
        if (incl > size - at - 16) {
            throw new CaptureFormatException(n, at, "truncated: the record holds " + incl + " bytes, "
                    + (size - at - 16) + " are left in the file");
        }
        records = n;
        packets++;
        r.segment = seg;
        r.dataOffset = at + 16;
        r.capturedLength = (int) incl;
        r.originalLength = (int) Math.min(Math.max(orig, incl), Integer.MAX_VALUE);
        r.timestampNanos = sec * 1_000_000_000L + (pcapNanos ? frac : frac * 1000);
        r.linkType = interfaces.getFirst().linkType();
        r.interfaceId = 0;
        r.recordNumber = n;
        r.byteOffset = at;
        r.packetNumber = packets;
        lastTimestamp = r.timestampNanos;
        pos = at + 16 + incl;
        return true;
    }

    private int u16(long off) {
        return Short.toUnsignedInt(seg.get(i16, off));
    }

    // ------------------------------------------------------------------------------------------------ pcapng

    private boolean nextPcapng(CaptureRecord r) throws CaptureFormatException {
        while (pos < size) {
            long at = pos;
            long n = records + 1;
            if (size - at < 12) {
                throw new CaptureFormatException(n, at, "truncated block header: 12 bytes needed, " + (size - at) + " left");
            }
            int type = seg.get(BE32, at); // the section header's type reads the same in both orders
            if (type == PCAPNG_SHB) {
                sectionHeader(n, at);
            } else if (!inSection) {
                throw new CaptureFormatException(n, at, "the file does not start with a section header block");
            }
            type = seg.get(i32, at);
            long len = Integer.toUnsignedLong(seg.get(i32, at + 4));
            if (len < 12 || len % 4 != 0) {
                throw new CaptureFormatException(n, at, "bad block length " + len + " (at least 12, a multiple of 4)");
            }
            if (len > size - at) {
                throw new CaptureFormatException(n, at, "truncated: the block is " + len + " bytes long, "
                        + (size - at) + " are left in the file");
            }
            long trailer = Integer.toUnsignedLong(seg.get(i32, at + len - 4));
            if (trailer != len) {
                throw new CaptureFormatException(n, at, "block lengths differ: " + len + " at the start, " + trailer
                        + " at the end");
            }
            long body = at + 8;
            int bodyLen = (int) (len - 12);
            boolean packet = switch (type) {
                case PCAPNG_IDB -> {
                    interfaceDescription(n, at, body, bodyLen);
                    yield false;
                }
                case PCAPNG_EPB -> enhancedPacket(n, at, body, bodyLen, r);
                case PCAPNG_SPB -> simplePacket(n, at, body, bodyLen, r);
                case PCAPNG_OPB -> obsoletePacket(n, at, body, bodyLen, r);
                default -> false; // section header (done above) and every block jwfp does not need
            };
            records = n;
            pos = at + len;
            if (packet) {
                packets++;
                r.recordNumber = n;
                r.byteOffset = at;
                r.packetNumber = packets;
                r.segment = seg;
                lastTimestamp = r.timestampNanos;
                return true;
            }
        }
        return false;
    }

    private void sectionHeader(long n, long at) throws CaptureFormatException {
        if (size - at < 28) {
            throw new CaptureFormatException(n, at, "truncated section header block: 28 bytes needed, " + (size - at) + " left");
        }
        int bom = seg.get(LE32, at + 8);
        if (bom == BYTE_ORDER_MAGIC) {
            i32 = LE32;
            i16 = LE16;
        } else if (bom == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            i32 = BE32;
            i16 = BE16;
        } else {
            throw new CaptureFormatException(n, at, String.format("bad byte-order magic 0x%08x in the section header", bom));
        }
        int major = u16(at + 12);
        if (major != 1) throw new CaptureFormatException(n, at, "unsupported pcapng version " + major + "." + u16(at + 14));
        inSection = true;
        sectionInterfaces = 0; // interface ids restart with every section
    }

    private void interfaceDescription(long n, long at, long body, int bodyLen) throws CaptureFormatException {
        if (bodyLen < 8) throw new CaptureFormatException(n, at, "interface description block too short (" + bodyLen + " bytes of body)");
        int linkType = u16(body);
        int snap = seg.get(i32, body + 4);
        boolean pow2 = false;
        int exp = 6;
        long offsetNanos = 0;
        long o = body + 8, end = body + bodyLen;
        while (o + 4 <= end) {
            int code = u16(o), olen = u16(o + 2);
            if (code == 0) break; // opt_endofopt
            if (o + 4 + olen > end) throw new CaptureFormatException(n, at, "option " + code + " runs past the block's end");
            if (code == 9 && olen >= 1) { // if_tsresol
                int v = seg.get(ValueLayout.JAVA_BYTE, o + 4) & 0xFF;
                pow2 = (v & 0x80) != 0;
                exp = v & 0x7F;
                if (pow2 ? exp > 62 : exp > 18) {
                    throw new CaptureFormatException(n, at, "unsupported timestamp resolution if_tsresol=" + v);
                }
            } else if (code == 14 && olen >= 8) { // if_tsoffset, seconds
                offsetNanos = seg.get(i32 == LE32 ? ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)
                        : ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), o + 4) * 1_000_000_000L;
            }
            o += 4 + ((olen + 3) & ~3);
        }
        int k = sectionInterfaces++;
        if (k == sectionIds.length) {
            int m = k * 2;
            sectionIds = Arrays.copyOf(sectionIds, m);
            tsPow2 = Arrays.copyOf(tsPow2, m);
            tsExp = Arrays.copyOf(tsExp, m);
            tsOffsetNanos = Arrays.copyOf(tsOffsetNanos, m);
        }
        sectionIds[k] = interfaces.size();
        tsPow2[k] = pow2;
        tsExp[k] = exp;
        tsOffsetNanos[k] = offsetNanos;
        interfaces.add(new Interface(linkType, snap));
    }

    private int iface(long n, long at, long id) throws CaptureFormatException {
        if (id < 0 || id >= sectionInterfaces) {
            throw new CaptureFormatException(n, at, "packet of interface " + id + ", but the section describes "
                    + sectionInterfaces + (sectionInterfaces == 1 ? " interface" : " interfaces"));
        }
        return (int) id;
    }

    private boolean enhancedPacket(long n, long at, long body, int bodyLen, CaptureRecord r) throws CaptureFormatException {
        if (bodyLen < 20) throw new CaptureFormatException(n, at, "enhanced packet block too short (" + bodyLen + " bytes of body)");
        return timedPacket(n, at, body, bodyLen, r, Integer.toUnsignedLong(seg.get(i32, body)));
    }

    /** An enhanced or obsolete packet block after its interface id: timestamp, lengths, data (the same layout). */
    private boolean timedPacket(long n, long at, long body, int bodyLen, CaptureRecord r, long interfaceId)
            throws CaptureFormatException {
        int k = iface(n, at, interfaceId);
        long ts = Integer.toUnsignedLong(seg.get(i32, body + 4)) << 32 | Integer.toUnsignedLong(seg.get(i32, body + 8));
        long cap = Integer.toUnsignedLong(seg.get(i32, body + 12));
        long orig = Integer.toUnsignedLong(seg.get(i32, body + 16));
        if (cap > bodyLen - 20) {
            throw new CaptureFormatException(n, at, "truncated: the packet holds " + cap + " bytes, the block has room for "
                    + (bodyLen - 20));
        }
        fill(r, k, body + 20, (int) cap, orig, toNanos(ts, k));
        return true;
    }

    private boolean simplePacket(long n, long at, long body, int bodyLen, CaptureRecord r) throws CaptureFormatException {
        if (bodyLen < 4) throw new CaptureFormatException(n, at, "simple packet block too short");
        int k = iface(n, at, 0);
        long orig = Integer.toUnsignedLong(seg.get(i32, body));
        long cap = Math.min(orig, bodyLen - 4);
        int snap = interfaces.get(sectionIds[k]).snapLength();
        if (snap > 0) cap = Math.min(cap, snap);
        fill(r, k, body + 4, (int) cap, orig, lastTimestamp);
        return true;
    }

    private boolean obsoletePacket(long n, long at, long body, int bodyLen, CaptureRecord r) throws CaptureFormatException {
        if (bodyLen < 20) throw new CaptureFormatException(n, at, "packet block too short (" + bodyLen + " bytes of body)");
        return timedPacket(n, at, body, bodyLen, r, u16(body)); // a 16-bit interface id, then drops_count
    }

    private void fill(CaptureRecord r, int k, long data, int cap, long orig, long tsNanos) {
        int id = sectionIds[k];
        r.dataOffset = data;
        r.capturedLength = cap;
        r.originalLength = (int) Math.min(Math.max(orig, cap), Integer.MAX_VALUE);
        r.timestampNanos = tsNanos;
        r.linkType = interfaces.get(id).linkType();
        r.interfaceId = id;
    }

    /** A timestamp in the interface's units to nanoseconds since the epoch. */
    private long toNanos(long ts, int k) {
        int e = tsExp[k];
        long nanos;
        if (!tsPow2[k]) {
            if (e == 9) nanos = ts;
            else if (e < 9) nanos = ts * POW10[9 - e];
            else nanos = ts / POW10[e - 9];
        } else {
            // ts / 2^e seconds: whole seconds, then the fraction scaled exactly in 128 bits.
            if (e == 0) {
                nanos = ts * 1_000_000_000L;
            } else {
                long frac = ts & ((1L << e) - 1);
                long hi = Math.multiplyHigh(frac, 1_000_000_000L), lo = frac * 1_000_000_000L;
                nanos = (ts >>> e) * 1_000_000_000L + ((lo >>> e) | (hi << (64 - e)));
            }
        }
        return nanos + tsOffsetNanos[k];
    }

    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L, 10_000_000_000L};

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}

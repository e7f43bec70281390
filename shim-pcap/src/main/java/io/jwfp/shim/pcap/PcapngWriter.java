package io.jwfp.shim.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;

/**
 * Writes a pcapng file (little-endian, one section): a Section Header Block, an Interface Description Block per
 * {@link #addInterface}, then an Enhanced Packet Block per packet with nanosecond timestamps ({@code if_tsresol} 9).
 * Blocks collect in a 1 MiB buffer that is written when full, so writing a packet is a copy and no system call or
 * allocation (a packet larger than the buffer is written in its own call).
 *
 * <p>Not thread-safe. {@link #close} flushes; {@link #flush} writes what is buffered (the replay flushes before it
 * reports an error, so the output holds every packet before the bad record).
 */
public final class PcapngWriter implements AutoCloseable {
    private static final int BUFFER = 1 << 20;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final FileChannel out;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment bufSeg = MemorySegment.ofBuffer(buf);
    private int interfaces;
    private long packets;

    private PcapngWriter(FileChannel out) throws IOException {
        this.out = out;
        sectionHeader();
    }

    /** Creates (or truncates) {@code file} and writes the section header. */
    public static PcapngWriter create(Path file) throws IOException {
        return new PcapngWriter(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    private void sectionHeader() throws IOException {
        byte[] app = "jwfp".getBytes(StandardCharsets.US_ASCII);
        int opts = 4 + pad(app.length) + 4; // shb_userappl, opt_endofopt
        int len = 28 + opts;
        room(len);
        buf.putInt(0x0A0D0D0A).putInt(len).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        buf.putShort((short) 4).putShort((short) app.length).put(app);
        zeros(pad(app.length) - app.length);
        buf.putInt(0).putInt(len);
    }

    /**
     * Describes an interface; packets name it by the returned id (0, 1, ... in the order of the calls).
     *
     * @param linkType   LINKTYPE_*
     * @param snapLength the snapshot length (0: unlimited)
     */
    public int addInterface(int linkType, int snapLength) throws IOException {
        int len = 20 + 8 + 4; // header, if_tsresol option (4 + 1 padded to 4), opt_endofopt
        room(len);
        buf.putInt(1).putInt(len).putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        buf.putShort((short) 9).putShort((short) 1).put((byte) 9).put((byte) 0).putShort((short) 0);
        buf.putInt(0).putInt(len);
        return interfaces++;
    }

    /** Writes one packet: {@code length} bytes of {@code src} from {@code offset}. */
    public void writePacket(int interfaceId, long timestampNanos, int originalLength, MemorySegment src, long offset,
                            int length) throws IOException {
        writePacket(interfaceId, timestampNanos, originalLength, src, offset, length, null, 0, 0);
    }

    /**
     * Writes one packet made of two parts: {@code length} bytes of {@code src} from {@code offset}, followed by
     * {@code length2} bytes of {@code src2} (a link header kept and an IP packet a callout rewrote).
     */
    public void writePacket(int interfaceId, long timestampNanos, int originalLength, MemorySegment src, long offset,
                            int length, MemorySegment src2, long offset2, int length2) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaces) {
            throw new IllegalArgumentException("interface " + interfaceId + " was not added");
        }
        int cap = length + length2;
        int padded = pad(cap);
        int len = 32 + padded;
        if (len > BUFFER) {
            flush();
            ByteBuffer big = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
            MemorySegment bs = MemorySegment.ofBuffer(big);
            epb(bs, 0, len, interfaceId, timestampNanos, cap, Math.max(originalLength, cap), src, offset, length, src2,
                    offset2, length2);
            while (big.hasRemaining()) out.write(big);
        } else {
            room(len);
            int at = buf.position();
            epb(bufSeg, at, len, interfaceId, timestampNanos, cap, Math.max(originalLength, cap), src, offset, length,
                    src2, offset2, length2);
            buf.position(at + len);
        }
        packets++;
    }

    private static void epb(MemorySegment b, long at, int len, int interfaceId, long ts, int cap, int orig,
                            MemorySegment src, long offset, int length, MemorySegment src2, long offset2, int length2) {
        b.set(I32, at, 6);
        b.set(I32, at + 4, len);
        b.set(I32, at + 8, interfaceId);
        b.set(I32, at + 12, (int) (ts >>> 32));
        b.set(I32, at + 16, (int) ts);
        b.set(I32, at + 20, cap);
        b.set(I32, at + 24, orig);
        MemorySegment.copy(src, offset, b, at + 28, length);
        if (length2 > 0) MemorySegment.copy(src2, offset2, b, at + 28 + length, length2);
        for (long z = at + 28 + cap; z < at + len - 4; z++) b.set(ValueLayout.JAVA_BYTE, z, (byte) 0);
        b.set(I32, at + len - 4, len);
    }

    /** Packets written so far. */
    public long packets() {
        return packets;
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) flush();
    }

    private void zeros(int n) {
        for (int i = 0; i < n; i++) buf.put((byte) 0);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    /** Writes the buffered blocks to the file. */
    public void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) out.write(buf);
        buf.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }
}

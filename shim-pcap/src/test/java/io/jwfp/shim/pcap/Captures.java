package io.jwfp.shim.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: the fixtures, our reader's packets as plain values, and byte-order swaps of capture files. */
final class Captures {
    /** One packet as our reader delivers it. */
    record Packet(byte[] data, int originalLength, long timestampNanos, int linkType, long recordNumber) {}

    private Captures() {}

    /** A fixture of src/test/resources/captures copied to {@code dir}. */
    static Path fixture(String name, Path dir) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = Captures.class.getResourceAsStream("/captures/" + name)) {
            if (in == null) throw new IOException("no fixture " + name);
            Files.copy(in, p);
        }
        return p;
    }

    static List<Packet> read(Path file) throws IOException, CaptureFormatException {
        List<Packet> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            CaptureRecord rec = new CaptureRecord();
            while (r.next(rec)) {
                byte[] b = rec.segment().asSlice(rec.dataOffset(), rec.capturedLength()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                out.add(new Packet(b, rec.originalLength(), rec.timestampNanos(), rec.linkType(), rec.recordNumber()));
            }
        }
        return out;
    }

    /** A classic pcap file with every header field byte-swapped (the packets' bytes unchanged): the other byte order. */
    static byte[] swapPcap(byte[] le) {
        ByteBuffer in = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(le.length).order(ByteOrder.BIG_ENDIAN);
        out.putInt(in.getInt()).putShort(in.getShort()).putShort(in.getShort());
        for (int i = 0; i < 4; i++) out.putInt(in.getInt());
        while (in.hasRemaining()) {
            int sec = in.getInt(), frac = in.getInt(), incl = in.getInt(), orig = in.getInt();
            out.putInt(sec).putInt(frac).putInt(incl).putInt(orig);
            byte[] data = new byte[incl];
            in.get(data);
            out.put(data);
        }
        return out.array();
    }

    /**
     * A little-endian pcapng file rewritten big-endian: section header, interface description (options included),
     * enhanced packet blocks; other blocks are dropped.
     */
    static byte[] swapPcapng(byte[] le) {
        ByteBuffer in = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(le.length).order(ByteOrder.BIG_ENDIAN);
        while (in.hasRemaining()) {
            int start = in.position();
            int type = in.getInt(), len = in.getInt();
            int bodyEnd = start + len - 4;
            switch (type) {
                case 0x0A0D0D0A -> {
                    out.putInt(type).putInt(len).putInt(in.getInt()).putShort(in.getShort()).putShort(in.getShort())
                            .putLong(in.getLong());
                    options(in, out, bodyEnd, false);
                }
                case 1 -> {
                    out.putInt(type).putInt(len).putShort(in.getShort()).putShort(in.getShort()).putInt(in.getInt());
                    options(in, out, bodyEnd, false);
                }
                case 6 -> {
                    out.putInt(type).putInt(len);
                    out.putInt(in.getInt()).putInt(in.getInt()).putInt(in.getInt());
                    int cap = in.getInt();
                    out.putInt(cap).putInt(in.getInt());
                    byte[] data = new byte[(cap + 3) & ~3];
                    in.get(data);
                    out.put(data);
                    options(in, out, bodyEnd, true);
                }
                default -> {
                    in.position(start + len);
                    continue;
                }
            }
            in.position(bodyEnd);
            out.putInt(in.getInt());
        }
        byte[] r = new byte[out.position()];
        System.arraycopy(out.array(), 0, r, 0, r.length);
        return r;
    }

    /** Options: code and length swapped; if_speed and if_tsoffset (8-byte numbers) as one number, others as bytes. */
    private static void options(ByteBuffer in, ByteBuffer out, int end, boolean packetBlock) {
        while (in.position() + 4 <= end) {
            int code = Short.toUnsignedInt(in.getShort()), len = Short.toUnsignedInt(in.getShort());
            out.putShort((short) code).putShort((short) len);
            byte[] v = new byte[(len + 3) & ~3];
            if (!packetBlock && len == 8 && (code == 14 || code == 8)) {
                out.putLong(in.getLong());
            } else if (packetBlock && len == 4 && code == 2) {
                out.putInt(in.getInt()); // epb_flags
            } else {
                in.get(v);
                out.put(v);
            }
            if (code == 0) break;
        }
    }
}

package io.jwfp.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** Test buffers: segments over copies of fixtures, and buffers pre-filled with 0xA5 so nothing relies on zeroes. */
final class Bufs {
    private Bufs() {}

    static MemorySegment seg(byte[] bytes) {
        return MemorySegment.ofArray(bytes.clone());
    }

    static MemorySegment filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0xA5);
        return MemorySegment.ofArray(b);
    }

    static byte[] bytes(MemorySegment seg) {
        return seg.toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] head(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }

    static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    static byte[] hex(String s) {
        s = s.replace(" ", "");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}

package io.jwfp.shim.nfqueue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Internet checksum helpers for tests that rewrite packets (RFC 1071, UDP over IPv4 per RFC 768). */
final class Checksums {
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Checksums() {}

    private static long sum(MemorySegment s, long off, int len) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += Short.toUnsignedInt(s.get(BE16, off + i));
        }
        if (i < len) {
            sum += (s.get(ValueLayout.JAVA_BYTE, off + i) & 0xff) << 8;
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** Recomputes the UDP checksum of the IPv4 packet at {@code ip} (full, not the offload partial sum). */
    static void fixUdp4(MemorySegment s, long ip, int ipLength) {
        int ihl = (s.get(ValueLayout.JAVA_BYTE, ip) & 0x0f) * 4;
        long udp = ip + ihl;
        int udpLen = Short.toUnsignedInt(s.get(BE16, udp + 4));
        if (ihl + udpLen > ipLength) {
            throw new IllegalArgumentException("truncated UDP datagram");
        }
        s.set(BE16, udp + 6, (short) 0);
        long pseudo = sum(s, ip + 12, 8) + 17 + udpLen;
        int c = fold(pseudo + sum(s, udp, udpLen));
        s.set(BE16, udp + 6, (short) (c == 0 ? 0xffff : c));
    }
}

package io.jwfp.packet;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classify path never throws on bytes: arbitrary arrays, and valid packets cut short or with bytes flipped, go
 * through the parser and every view getter without an exception, and what the parser reports stays inside the
 * buffer.
 */
class MalformedInputPropertiesTest {
    @Provide
    Arbitrary<byte[]> valid() {
        return Gen.validPacket();
    }

    @Property(tries = 2000)
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 160) byte[] bytes) {
        exercise(bytes, bytes.length);
        // Bias towards IPv4 and IPv6 so the deeper paths see garbage too.
        if (bytes.length > 0) {
            bytes[0] = (byte) (0x40 | bytes[0] & 0x0F);
            exercise(bytes, bytes.length);
            bytes[0] = (byte) (0x60 | bytes[0] & 0x0F);
            exercise(bytes, bytes.length);
        }
    }

    @Property(tries = 2000)
    void truncatedValidPacketsNeverThrow(@ForAll("valid") byte[] pkt, @ForAll @IntRange(max = 100) int percent) {
        int cut = pkt.length * percent / 100;
        byte[] shortened = Arrays.copyOf(pkt, cut);
        ParsedPacket p = exercise(shortened, cut);
        if (cut < pkt.length) {
            // Whatever is missing must show as a flag, never as a field read past the end.
            assertThat(p.flags() & (ParsedPacket.MALFORMED_MASK)).as(p.toString()).isNotZero();
        }
        // Claiming a longer buffer than the segment has is clamped, not trusted.
        exercise(MemorySegment.ofArray(shortened), 0, pkt.length + 100);
    }

    @Property(tries = 2000)
    void corruptedValidPacketsNeverThrow(@ForAll("valid") byte[] pkt, @ForAll @IntRange(max = 200) int position,
                                         @ForAll byte value, @ForAll @IntRange(max = 200) int position2) {
        byte[] b = pkt.clone();
        b[position % b.length] = value;
        b[position2 % b.length] ^= (byte) 0xFF;
        exercise(b, b.length);
    }

    @Property(tries = 300)
    void offsetsInsideLargerSegmentsNeverThrow(@ForAll("valid") byte[] pkt, @ForAll @IntRange(max = 64) int before,
                                               @ForAll @IntRange(max = 64) int cutAfter) {
        byte[] big = new byte[before + pkt.length];
        System.arraycopy(pkt, 0, big, before, pkt.length);
        MemorySegment seg = MemorySegment.ofArray(big);
        ParsedPacket p = exercise(seg, before, Math.max(0, pkt.length - cutAfter));
        if (cutAfter == 0) {
            assertThat(p.has(ParsedPacket.HAS_IP)).isTrue();
            assertThat(p.ipOffset()).isEqualTo(before);
        }
    }

    private static ParsedPacket exercise(byte[] bytes, int length) {
        return exercise(MemorySegment.ofArray(bytes), 0, length);
    }

    private static ParsedPacket exercise(MemorySegment seg, long off, long len) {
        ParsedPacket p = new ParsedPacket();
        PacketParser.parseEthernet(seg, off, len, p, ChecksumPolicy.VERIFY);
        checkBounds(p, seg.byteSize());
        PacketParser.parseIp(seg, off, len, p, ChecksumPolicy.IGNORE);
        checkBounds(p, seg.byteSize());
        PacketParser.parseIp(seg, off, len, p, ChecksumPolicy.VERIFY);
        checkBounds(p, seg.byteSize());
        p.toString();
        ViewTouch.all(seg, off, len);
        return p;
    }

    private static void checkBounds(ParsedPacket p, long size) {
        if (p.has(ParsedPacket.HAS_IP)) {
            assertThat(p.ipOffset() + p.ipHeaderSize()).isLessThanOrEqualTo(size);
            assertThat(p.transportOffset() + p.transportLength()).isLessThanOrEqualTo(size);
        }
        if (p.has(ParsedPacket.HAS_TRANSPORT)) {
            assertThat(p.payloadOffset() + p.payloadLength()).isLessThanOrEqualTo(size);
            assertThat(p.transportHeaderSize()).isBetween(8, 60);
        }
        if (p.has(ParsedPacket.HAS_PORTS)) {
            assertThat(p.srcPort()).isBetween(0, 0xFFFF);
        }
        if (!p.has(ParsedPacket.HAS_PORTS)) {
            assertThat(p.srcPort()).isEqualTo(-1);
        }
    }
}

package io.jwfp.packet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static io.jwfp.packet.Bufs.hex;
import static org.assertj.core.api.Assertions.assertThat;

class ChecksumsTest {
    @Test
    void rfc1071NumericExample() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 with end-around carry.
        byte[] b = hex("0001f203f4f5f6f7");
        assertThat(Checksums.partial(b, 0, b.length, 0)).isEqualTo(0xDDF2);
        assertThat(Checksums.partial(MemorySegment.ofArray(b), 0, b.length, 0)).isEqualTo(0xDDF2);
        assertThat(Checksums.finish(0xDDF2)).isEqualTo(0x220D);
    }

    @Test
    void ipv4HeaderKnownValue() {
        // A commonly cited example header whose checksum is b861.
        byte[] h = hex("450000730000400040110000c0a80001c0a800c7");
        MemorySegment seg = MemorySegment.ofArray(h);
        assertThat(Checksums.ipv4Header(seg, 0, 20)).isEqualTo(0xB861);
        h[10] = (byte) 0xB8;
        h[11] = 0x61;
        assertThat(Checksums.verifyIpv4Header(seg, 0, 20)).isTrue();
        assertThat(Checksums.ipv4Header(seg, 0, 20)).as("the field itself is skipped").isEqualTo(0xB861);
    }

    @Test
    void oddLengthPadsOnTheRight() {
        assertThat(Checksums.partial(hex("ab"), 0, 1, 0)).isEqualTo(0xAB00);
        assertThat(Checksums.partial(MemorySegment.ofArray(hex("0102ab")), 0, 3, 0)).isEqualTo(0xAC02);
    }

    @Test
    void foldNeverTurnsNonZeroIntoZero() {
        assertThat(Checksums.fold(0)).isZero();
        assertThat(Checksums.fold(0xFFFF)).isEqualTo(0xFFFF);
        assertThat(Checksums.fold(0x1FFFE)).isEqualTo(0xFFFF);
        assertThat(Checksums.fold(0xFFFF_FFFFL)).isEqualTo(0xFFFF);
        assertThat(Checksums.combine(0xFFFF, 1)).isEqualTo(1);
    }

    @Test
    void udpZeroRule() {
        assertThat(Checksums.udpField(0)).isEqualTo(0xFFFF);
        assertThat(Checksums.udpField(0x1234)).isEqualTo(0x1234);
    }

    @Test
    void pseudoHeadersMatchTheirByteLayout() {
        // RFC 9293 §3.1 / RFC 8200 §8.1: the pseudo-header sum equals the sum over its bytes.
        byte[] v4 = hex("c0a80101 0a000002 00 06 0028");
        assertThat(Checksums.pseudoHeaderV4(InetBits.v4("192.168.1.1"), InetBits.v4("10.0.0.2"), 6, 40))
                .isEqualTo(Checksums.partial(v4, 0, v4.length, 0));
        byte[] v6 = hex("20010db8000000000000000000000001 20010db8000000000000000000000002 00010004 000000 3a");
        assertThat(Checksums.pseudoHeaderV6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2, 58, 0x10004))
                .isEqualTo(Checksums.partial(v6, 0, v6.length, 0));
    }

    @Property
    void segmentAndArraySumsAgreeAndCombine(@ForAll @Size(max = 300) byte[] data,
                                            @ForAll @IntRange(max = 150) int split) {
        int even = Math.min(split & ~1, data.length & ~1);
        MemorySegment seg = MemorySegment.ofArray(data);
        int whole = Checksums.partial(data, 0, data.length, 0);
        assertThat(Checksums.partial(seg, 0, data.length, 0)).isEqualTo(whole);
        int first = Checksums.partial(seg, 0, even, 0);
        int second = Checksums.partial(data, even, data.length - even, 0);
        assertThat(Checksums.combine(first, second)).isEqualTo(whole);
        assertThat(Checksums.partial(seg, even, data.length - even, first)).isEqualTo(whole);
    }

    @Property
    void aFilledChecksumVerifies(@ForAll @Size(min = 8, max = 200) byte[] data) {
        MemorySegment seg = MemorySegment.ofArray(data);
        int c = Checksums.icmpv4(seg, 0, data.length);
        data[2] = (byte) (c >>> 8);
        data[3] = (byte) c;
        assertThat(Checksums.verifyIcmpv4(seg, 0, data.length)).isTrue();
    }
}

package io.jwfp.packet;

import io.jwfp.packet.repr.UdpHeader;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static io.jwfp.packet.Bufs.bytes;
import static io.jwfp.packet.Bufs.filled;
import static io.jwfp.packet.Bufs.head;
import static io.jwfp.packet.Bufs.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UdpViewTest {
    private static final int SRC = InetBits.v4("192.168.1.1");
    private static final int DST = InetBits.v4("10.0.0.2");
    private static final UdpHeader REPR = new UdpHeader(53, 33000, 4);

    private final UdpView view = new UdpView();

    @Test
    void deconstruct() {
        view.wrap(seg(Fixtures.UDP));
        assertThat(view.isValid()).isTrue();
        assertThat(view.srcPort()).isEqualTo(53);
        assertThat(view.dstPort()).isEqualTo(33000);
        assertThat(view.length()).isEqualTo(12);
        assertThat(view.checksum()).isEqualTo(Fixtures.UDP_CHECKSUM);
        assertThat(view.payloadOffset()).isEqualTo(8);
        assertThat(view.payloadLength()).isEqualTo(4);
        assertThat(view.verifyChecksumV4(SRC, DST)).isTrue();
        assertThat(view.verifyChecksumV4(DST, DST)).isFalse();
    }

    @Test
    void construct() {
        MemorySegment buf = filled(12);
        view.wrap(buf);
        view.setSrcPort(53);
        view.setDstPort(33000);
        view.setLength(12);
        view.write(8, "abcd".getBytes(StandardCharsets.US_ASCII));
        view.fillChecksumV4(SRC, DST);
        assertThat(bytes(buf)).isEqualTo(Fixtures.UDP);
    }

    @Test
    void truncated() {
        for (int n = 0; n < 12; n++) {
            view.wrap(seg(head(Fixtures.UDP, n)));
            assertThat(view.checkLength()).as("length %d", n).isFalse();
            assertThat(view.verifyChecksumV4(SRC, DST)).isFalse();
            if (n < 6) {
                assertThat(view.length()).isEqualTo(-1);
                assertThat(view.payloadLength()).isEqualTo(-1);
            }
        }
        byte[] shortLength = Fixtures.UDP.clone();
        shortLength[5] = 7;
        assertThat(view.wrap(seg(shortLength)).checkLength()).isFalse();
        assertThatThrownBy(() -> view.fillChecksumV4(SRC, DST)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void parse() {
        assertThat(UdpHeader.parse(view.wrap(seg(Fixtures.UDP)))).isEqualTo(REPR);
    }

    @Test
    void emit() {
        MemorySegment buf = filled(REPR.length());
        REPR.emit(view.wrap(buf));
        assertThat(view.checksum()).isZero();
        view.write(8, "abcd".getBytes(StandardCharsets.US_ASCII));
        view.fillChecksumV4(SRC, DST);
        assertThat(bytes(buf)).isEqualTo(Fixtures.UDP);
    }

    @Test
    void zeroChecksum() {
        byte[] none = Fixtures.UDP.clone();
        none[6] = 0;
        none[7] = 0;
        view.wrap(seg(none));
        // RFC 768: over IPv4, zero means the sender computed no checksum ...
        assertThat(view.verifyChecksumV4(SRC, DST)).isTrue();
        view.setSrcPortWithChecksumUpdate(1);
        view.updateChecksumForAddressV4(SRC, DST);
        assertThat(view.checksum()).isZero();
        // ... over IPv6 it is mandatory (RFC 8200 §8.1).
        assertThat(view.verifyChecksumV6(1, 2, 3, 4)).isFalse();
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        // Choose the payload so that the sum of everything else is 0xFFFF: the computed checksum is then 0.
        MemorySegment buf = filled(10);
        view.wrap(buf);
        view.setSrcPort(0);
        view.setDstPort(0);
        view.setLength(10);
        view.setChecksum(0);
        int sum = Checksums.partial(buf, 0, 8, Checksums.pseudoHeaderV4(SRC, DST, IpProtocol.UDP, 10));
        view.write(8, new byte[]{(byte) (Checksums.finish(sum) >>> 8), (byte) Checksums.finish(sum)});
        assertThat(Checksums.transportV4(buf, 0, 10, UdpView.CHECKSUM, IpProtocol.UDP, SRC, DST)).isZero();
        view.fillChecksumV4(SRC, DST);
        assertThat(view.checksum()).isEqualTo(0xFFFF);
        assertThat(view.verifyChecksumV4(SRC, DST)).isTrue();
    }
}

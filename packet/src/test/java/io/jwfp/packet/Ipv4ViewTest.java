package io.jwfp.packet;

import io.jwfp.packet.repr.Ipv4Header;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static io.jwfp.packet.Bufs.bytes;
import static io.jwfp.packet.Bufs.filled;
import static io.jwfp.packet.Bufs.head;
import static io.jwfp.packet.Bufs.hex;
import static io.jwfp.packet.Bufs.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4ViewTest {
    private static final int SRC = InetBits.v4("192.168.1.1");
    private static final int DST = InetBits.v4("10.0.0.2");
    private static final Ipv4Header REPR = new Ipv4Header(46, 1, 0x1234, true, false, 0, 64, IpProtocol.UDP, SRC,
            DST, hex("01010100"), 8);

    private final Ipv4View view = new Ipv4View();

    @Test
    void deconstruct() {
        view.wrap(seg(Fixtures.IPV4));
        assertThat(view.isValid()).isTrue();
        assertThat(view.version()).isEqualTo(4);
        assertThat(view.headerLength()).isEqualTo(24);
        assertThat(view.dscp()).isEqualTo(46);
        assertThat(view.ecn()).isEqualTo(1);
        assertThat(view.totalLength()).isEqualTo(32);
        assertThat(view.identification()).isEqualTo(0x1234);
        assertThat(view.dontFragment()).isTrue();
        assertThat(view.moreFragments()).isFalse();
        assertThat(view.fragmentOffset()).isZero();
        assertThat(view.isFragment()).isFalse();
        assertThat(view.ttl()).isEqualTo(64);
        assertThat(view.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(view.headerChecksum()).isEqualTo(Fixtures.IPV4_CHECKSUM);
        assertThat(view.srcAddr()).isEqualTo(SRC);
        assertThat(view.dstAddr()).isEqualTo(DST);
        assertThat(view.optionsLength()).isEqualTo(4);
        assertThat(view.optionsToArray()).isEqualTo(hex("01010100"));
        assertThat(view.payloadOffset()).isEqualTo(24);
        assertThat(view.payloadLength()).isEqualTo(8);
        assertThat(view.verifyChecksum()).isTrue();
    }

    @Test
    void construct() {
        MemorySegment buf = filled(Fixtures.IPV4.length);
        view.wrap(buf);
        view.setHeaderLength(24);
        view.setDscpEcn(46, 1);
        view.setTotalLength(32);
        view.setIdentification(0x1234);
        view.setFragment(true, false, 0);
        view.setTtl(64);
        view.setProtocol(IpProtocol.UDP);
        view.setSrcAddr(SRC);
        view.setDstAddr(DST);
        view.setOptions(hex("01010100"));
        view.write(24, Bufs.slice(Fixtures.IPV4, 24, 32));
        view.fillChecksum();
        assertThat(bytes(buf)).isEqualTo(Fixtures.IPV4);
    }

    @Test
    void truncated() {
        for (int n = 0; n < Fixtures.IPV4.length; n++) {
            view.wrap(seg(head(Fixtures.IPV4, n)));
            assertThat(view.checkLength()).as("length %d", n).isFalse();
            assertThat(view.isValid()).isFalse();
            if (n < 20) {
                assertThat(view.dstAddr()).isZero();
                assertThat(view.verifyChecksum()).isFalse();
            }
            if (n < 10) {
                assertThat(view.protocol()).isEqualTo(-1);
            }
        }
        byte[] badIhl = Fixtures.IPV4.clone();
        badIhl[0] = 0x44; // IHL 4 < 5
        assertThat(view.wrap(seg(badIhl)).checkLength()).isFalse();
        assertThat(view.payloadLength()).isEqualTo(-1);
        byte[] shortTotal = Fixtures.IPV4.clone();
        shortTotal[3] = 20; // total length below header length
        assertThat(view.wrap(seg(shortTotal)).checkLength()).isFalse();
    }

    @Test
    void parse() {
        assertThat(Ipv4Header.parse(view.wrap(seg(Fixtures.IPV4)))).isEqualTo(REPR);
        byte[] corrupt = Fixtures.IPV4.clone();
        corrupt[8] = 63;
        assertThatThrownBy(() -> Ipv4Header.parse(view.wrap(seg(corrupt))))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("checksum");
        assertThat(Ipv4Header.parse(view.wrap(seg(corrupt)), ChecksumPolicy.IGNORE).ttl()).isEqualTo(63);
    }

    @Test
    void emit() {
        assertThat(REPR.bufferLength()).isEqualTo(24);
        MemorySegment buf = filled(REPR.totalLength());
        REPR.emit(view.wrap(buf));
        view.write(24, Bufs.slice(Fixtures.IPV4, 24, 32));
        assertThat(bytes(buf)).isEqualTo(Fixtures.IPV4);
    }

    @Test
    void checksumUpdatingSetters() {
        MemorySegment buf = seg(Fixtures.IPV4);
        view.wrap(buf);
        view.setSrcAddrWithChecksumUpdate(InetBits.v4("172.16.0.9"));
        view.setDstAddrWithChecksumUpdate(InetBits.v4("8.8.8.8"));
        view.setTtlWithChecksumUpdate(3);
        assertThat(view.verifyChecksum()).isTrue();
        int patched = view.headerChecksum();
        view.fillChecksum();
        assertThat(view.headerChecksum()).isEqualTo(patched);
    }

    @Test
    void settersRejectOutOfRangeValuesAndFieldsOutsideTheWindow() {
        view.wrap(filled(20));
        assertThatThrownBy(() -> view.setTtl(256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl: 256 (expected: 0-255)");
        assertThatThrownBy(() -> view.setHeaderLength(22)).isInstanceOf(IllegalArgumentException.class);
        view.wrap(filled(10));
        assertThatThrownBy(() -> view.setSrcAddr(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}

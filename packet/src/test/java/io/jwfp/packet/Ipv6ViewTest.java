package io.jwfp.packet;

import io.jwfp.packet.repr.Ipv6ExtensionHeader;
import io.jwfp.packet.repr.Ipv6Header;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import static io.jwfp.packet.Bufs.bytes;
import static io.jwfp.packet.Bufs.filled;
import static io.jwfp.packet.Bufs.head;
import static io.jwfp.packet.Bufs.hex;
import static io.jwfp.packet.Bufs.seg;
import static io.jwfp.packet.Bufs.slice;
import static org.assertj.core.api.Assertions.assertThat;

class Ipv6ViewTest {
    static final Inet6Address SRC = v6("2001:db8::1");
    static final Inet6Address DST = v6("2001:db8::2");
    private static final Ipv6Header REPR = new Ipv6Header(0xAB, 0x12345, 57, InetBits.v6Hi(SRC),
            InetBits.v6Lo(SRC), InetBits.v6Hi(DST), InetBits.v6Lo(DST),
            List.of(Ipv6ExtensionHeader.hopByHop(hex("010400000000")),
                    Ipv6ExtensionHeader.fragment(0, true, 0xDEADBEEFL)),
            IpProtocol.UDP, 12);

    private final Ipv6View view = new Ipv6View();

    static Inet6Address v6(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deconstruct() {
        view.wrap(seg(Fixtures.IPV6));
        assertThat(view.isValid()).isTrue();
        assertThat(view.version()).isEqualTo(6);
        assertThat(view.trafficClass()).isEqualTo(0xAB);
        assertThat(view.flowLabel()).isEqualTo(0x12345);
        assertThat(view.payloadLength()).isEqualTo(28);
        assertThat(view.nextHeader()).isEqualTo(IpProtocol.HOPOPT);
        assertThat(view.hopLimit()).isEqualTo(57);
        assertThat(view.srcAddrHi()).isEqualTo(0x2001_0db8_0000_0000L);
        assertThat(view.srcAddrLo()).isEqualTo(1L);
        assertThat(view.dstAddrLo()).isEqualTo(2L);
        assertThat(view.extensionHeaderCount()).isEqualTo(2);
        assertThat(view.extensionHeaderType(0)).isEqualTo(IpProtocol.HOPOPT);
        assertThat(view.extensionHeaderOffset(0)).isEqualTo(40);
        assertThat(view.extensionHeaderLength(0)).isEqualTo(8);
        assertThat(view.extensionHeaderType(1)).isEqualTo(IpProtocol.IPV6_FRAG);
        assertThat(view.extensionHeaderOffset(1)).isEqualTo(48);
        assertThat(view.extensionHeaderType(2)).isEqualTo(-1);
        assertThat(view.upperLayerProtocol()).isEqualTo(IpProtocol.UDP);
        assertThat(view.upperLayerOffset()).isEqualTo(56);
        assertThat(view.headerLength()).isEqualTo(56);
        assertThat(view.upperLayerLength()).isEqualTo(12);
        assertThat(view.hasFragmentHeader()).isTrue();
        assertThat(view.isFragment()).isTrue();
        assertThat(view.moreFragments()).isTrue();
        assertThat(view.fragmentOffset()).isZero();
        assertThat(view.fragmentIdentification()).isEqualTo(0xDEADBEEFL);
        UdpView udp = new UdpView().wrap(view.segment(), view.upperLayerOffset(), view.upperLayerLength());
        assertThat(udp.verifyChecksumV6(view.srcAddrHi(), view.srcAddrLo(), view.dstAddrHi(), view.dstAddrLo()))
                .isTrue();
    }

    @Test
    void walksEveryExtensionHeaderKind() {
        Ipv6Header h = new Ipv6Header(0, 0, 1, 1, 2, 3, 4, List.of(
                Ipv6ExtensionHeader.hopByHop(hex("010400000000")),
                Ipv6ExtensionHeader.destinationOptions(hex("0106000000000000000000000000")),
                Ipv6ExtensionHeader.routing(4, 0, hex("00000000")),
                Ipv6ExtensionHeader.authentication(0x100, 7, hex("0102030405060708090a0b0c")),
                Ipv6ExtensionHeader.destinationOptions(hex("010400000000"))), IpProtocol.TCP, 0);
        MemorySegment buf = filled(h.bufferLength());
        h.emit(view.wrap(buf));
        view.wrap(buf);
        assertThat(view.extensionHeaderCount()).isEqualTo(5);
        assertThat(view.extensionHeaderLength(1)).isEqualTo(16);
        assertThat(view.extensionHeaderLength(3)).isEqualTo(24); // AH: (4 + 2) * 4
        assertThat(view.upperLayerProtocol()).isEqualTo(IpProtocol.TCP);
        assertThat(view.upperLayerOffset()).isEqualTo(40 + 8 + 16 + 8 + 24 + 8);
        assertThat(Ipv6Header.parse(view)).isEqualTo(h);
    }

    @Test
    void nonFirstFragmentEndsTheWalk() {
        Ipv6Header h = new Ipv6Header(0, 0, 1, 1, 2, 3, 4,
                List.of(Ipv6ExtensionHeader.fragment(185, false, 9)), IpProtocol.TCP, 16);
        MemorySegment buf = filled(h.bufferLength() + 16);
        h.emit(view.wrap(buf));
        view.wrap(buf);
        assertThat(view.isFragment()).isTrue();
        assertThat(view.fragmentOffset()).isEqualTo(185);
        assertThat(view.moreFragments()).isFalse();
        assertThat(view.upperLayerProtocol()).isEqualTo(IpProtocol.TCP);
        assertThat(view.upperLayerOffset()).isEqualTo(48);
    }

    @Test
    void construct() {
        MemorySegment buf = filled(Fixtures.IPV6.length);
        view.wrap(buf);
        view.setVersionTrafficClassFlowLabel(0xAB, 0x12345);
        view.setPayloadLength(28);
        view.setNextHeader(IpProtocol.HOPOPT);
        view.setHopLimit(57);
        view.setSrcAddr(InetBits.v6Hi(SRC), InetBits.v6Lo(SRC));
        view.setDstAddr(InetBits.v6Hi(DST), InetBits.v6Lo(DST));
        view.write(40, slice(Fixtures.IPV6, 40, Fixtures.IPV6.length));
        assertThat(bytes(buf)).isEqualTo(Fixtures.IPV6);
    }

    @Test
    void truncated() {
        for (int n = 0; n < Fixtures.IPV6.length; n++) {
            view.wrap(seg(head(Fixtures.IPV6, n)));
            assertThat(view.checkLength()).as("length %d", n).isFalse();
            assertThat(view.isValid()).isFalse();
            if (n < 56) {
                assertThat(view.extensionHeadersValid()).as("length %d", n).isFalse();
                assertThat(view.upperLayerProtocol()).isEqualTo(-1);
                assertThat(view.upperLayerOffset()).isEqualTo(-1);
            }
            if (n < 40) {
                assertThat(view.dstAddrLo()).isZero();
            }
        }
        // A payload length that ends inside an extension header breaks the chain even with bytes to spare.
        byte[] shortPayload = Fixtures.IPV6.clone();
        shortPayload[5] = 12;
        view.wrap(seg(shortPayload));
        assertThat(view.checkLength()).isTrue();
        assertThat(view.extensionHeadersValid()).isFalse();
        assertThat(view.extensionHeaderCount()).isEqualTo(1);
    }

    @Test
    void parse() {
        assertThat(Ipv6Header.parse(view.wrap(seg(Fixtures.IPV6)))).isEqualTo(REPR);
    }

    @Test
    void emit() {
        assertThat(REPR.bufferLength()).isEqualTo(56);
        assertThat(REPR.payloadLength()).isEqualTo(28);
        MemorySegment buf = filled(Fixtures.IPV6.length);
        REPR.emit(view.wrap(buf));
        view.write(56, slice(Fixtures.IPV6, 56, Fixtures.IPV6.length));
        assertThat(bytes(buf)).isEqualTo(Fixtures.IPV6);
    }
}

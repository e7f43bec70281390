package io.jwfp.packet;

import io.jwfp.packet.repr.Icmpv6Message;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;

import static io.jwfp.packet.Bufs.bytes;
import static io.jwfp.packet.Bufs.filled;
import static io.jwfp.packet.Bufs.head;
import static io.jwfp.packet.Bufs.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Icmpv6ViewTest {
    private static final Inet6Address SRC = Ipv6ViewTest.v6("fe80::1");
    private static final Inet6Address DST = Ipv6ViewTest.v6("fe80::2");
    private static final long SH = InetBits.v6Hi(SRC);
    private static final long SL = InetBits.v6Lo(SRC);
    private static final long DH = InetBits.v6Hi(DST);
    private static final long DL = InetBits.v6Lo(DST);
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final Icmpv6Message REPR = Icmpv6Message.echoRequest(0x1234, 1, PING);

    private final Icmpv6View view = new Icmpv6View();

    @Test
    void deconstruct() {
        view.wrap(seg(Fixtures.ICMPV6));
        assertThat(view.isValid()).isTrue();
        assertThat(view.type()).isEqualTo(Icmpv6View.TYPE_ECHO_REQUEST);
        assertThat(view.code()).isZero();
        assertThat(view.checksum()).isEqualTo(Fixtures.ICMPV6_CHECKSUM);
        assertThat(view.identifier()).isEqualTo(0x1234);
        assertThat(view.sequenceNumber()).isEqualTo(1);
        assertThat(view.isError()).isFalse();
        assertThat(view.payloadLength()).isEqualTo(4);
        assertThat(view.verifyChecksum(SH, SL, DH, DL)).isTrue();
        assertThat(view.verifyChecksum(DH, DL, DH, DL)).isFalse();
    }

    @Test
    void construct() {
        MemorySegment buf = filled(12);
        view.wrap(buf);
        view.setType(Icmpv6View.TYPE_ECHO_REQUEST);
        view.setCode(0);
        view.setIdentifier(0x1234);
        view.setSequenceNumber(1);
        view.write(8, PING);
        view.fillChecksum(SH, SL, DH, DL);
        assertThat(bytes(buf)).isEqualTo(Fixtures.ICMPV6);
    }

    @Test
    void truncated() {
        for (int n = 0; n < 8; n++) {
            view.wrap(seg(head(Fixtures.ICMPV6, n)));
            assertThat(view.checkLength()).as("length %d", n).isFalse();
            assertThat(view.verifyChecksum(SH, SL, DH, DL)).isFalse();
            assertThat(view.mtu()).isEqualTo(-1);
            assertThat(view.payloadLength()).isEqualTo(-1);
        }
    }

    @Test
    void parse() {
        assertThat(Icmpv6Message.parse(view.wrap(seg(Fixtures.ICMPV6)), ChecksumPolicy.VERIFY, SH, SL, DH, DL))
                .isEqualTo(REPR);
        assertThatThrownBy(() -> Icmpv6Message.parse(view.wrap(seg(Fixtures.ICMPV6)), ChecksumPolicy.VERIFY,
                SH, SL, SH, SL)).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void emit() {
        MemorySegment buf = filled(REPR.bufferLength());
        REPR.emit(view.wrap(buf), SH, SL, DH, DL);
        assertThat(bytes(buf)).isEqualTo(Fixtures.ICMPV6);
    }

    @Test
    void errorMessagesAndAddressRewrite() {
        Icmpv6Message m = Icmpv6Message.packetTooBig(1280, head(Fixtures.IPV6, 48));
        MemorySegment buf = filled(m.bufferLength());
        m.emit(view.wrap(buf), SH, SL, DH, DL);
        assertThat(view.isError()).isTrue();
        assertThat(view.mtu()).isEqualTo(1280);
        view.updateChecksumForAddressV6(DH, DL, 0x2001_0db8_0000_0000L, 42);
        assertThat(view.verifyChecksum(SH, SL, 0x2001_0db8_0000_0000L, 42)).isTrue();
    }
}

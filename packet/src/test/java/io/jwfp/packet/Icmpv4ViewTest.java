package io.jwfp.packet;

import io.jwfp.packet.repr.Icmpv4Message;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static io.jwfp.packet.Bufs.bytes;
import static io.jwfp.packet.Bufs.filled;
import static io.jwfp.packet.Bufs.head;
import static io.jwfp.packet.Bufs.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Icmpv4ViewTest {
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final Icmpv4Message REPR = Icmpv4Message.echoRequest(0x1234, 1, PING);

    private final Icmpv4View view = new Icmpv4View();

    @Test
    void deconstruct() {
        view.wrap(seg(Fixtures.ICMPV4));
        assertThat(view.isValid()).isTrue();
        assertThat(view.type()).isEqualTo(Icmpv4View.TYPE_ECHO_REQUEST);
        assertThat(view.code()).isZero();
        assertThat(view.checksum()).isEqualTo(Fixtures.ICMPV4_CHECKSUM);
        assertThat(view.identifier()).isEqualTo(0x1234);
        assertThat(view.sequenceNumber()).isEqualTo(1);
        assertThat(view.restOfHeader()).isEqualTo(0x12340001L);
        assertThat(view.isError()).isFalse();
        assertThat(view.invokingPacketOffset()).isEqualTo(-1);
        assertThat(view.payloadLength()).isEqualTo(4);
        assertThat(view.verifyChecksum()).isTrue();
    }

    @Test
    void construct() {
        MemorySegment buf = filled(12);
        view.wrap(buf);
        view.setType(Icmpv4View.TYPE_ECHO_REQUEST);
        view.setCode(0);
        view.setIdentifier(0x1234);
        view.setSequenceNumber(1);
        view.write(8, PING);
        view.fillChecksum();
        assertThat(bytes(buf)).isEqualTo(Fixtures.ICMPV4);
    }

    @Test
    void truncated() {
        for (int n = 0; n < 8; n++) {
            view.wrap(seg(head(Fixtures.ICMPV4, n)));
            assertThat(view.checkLength()).as("length %d", n).isFalse();
            assertThat(view.verifyChecksum()).isFalse();
            assertThat(view.sequenceNumber()).isEqualTo(-1);
            assertThat(view.payloadLength()).isEqualTo(-1);
            if (n == 0) {
                assertThat(view.type()).isEqualTo(-1);
                assertThat(view.isError()).isFalse();
            }
        }
    }

    @Test
    void parse() {
        assertThat(Icmpv4Message.parse(view.wrap(seg(Fixtures.ICMPV4)))).isEqualTo(REPR);
        byte[] corrupt = Fixtures.ICMPV4.clone();
        corrupt[9] ^= 1;
        assertThatThrownBy(() -> Icmpv4Message.parse(view.wrap(seg(corrupt))))
                .isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void emit() {
        MemorySegment buf = filled(REPR.bufferLength());
        REPR.emit(view.wrap(buf));
        assertThat(bytes(buf)).isEqualTo(Fixtures.ICMPV4);
    }

    @Test
    void errorMessages() {
        Icmpv4Message m = Icmpv4Message.fragmentationNeeded(1400, head(Fixtures.IPV4, 28));
        MemorySegment buf = filled(m.bufferLength());
        m.emit(view.wrap(buf));
        assertThat(view.isError()).isTrue();
        assertThat(view.code()).isEqualTo(Icmpv4View.CODE_FRAGMENTATION_NEEDED);
        assertThat(view.nextHopMtu()).isEqualTo(1400);
        assertThat(view.invokingPacketOffset()).isEqualTo(8);
        view.setIdentifierWithChecksumUpdate(77);
        assertThat(view.verifyChecksum()).isTrue();
    }
}

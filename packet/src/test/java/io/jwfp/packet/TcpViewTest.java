package io.jwfp.packet;

import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.TcpOption;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.jwfp.packet.Bufs.bytes;
import static io.jwfp.packet.Bufs.filled;
import static io.jwfp.packet.Bufs.head;
import static io.jwfp.packet.Bufs.hex;
import static io.jwfp.packet.Bufs.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpViewTest {
    static final int SRC = InetBits.v4("192.168.1.1");
    static final int DST = InetBits.v4("10.0.0.2");
    private static final byte[] OPTIONS = hex("020405b4 0402 080a1122334400000000 01 030307");
    private static final TcpHeader REPR = new TcpHeader(49152, 80, 0x01020304L, 0, TcpView.FLAG_SYN, 65535, 0,
            List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                    new TcpOption.Timestamps(0x11223344L, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7)));

    private final TcpView view = new TcpView();

    @Test
    void deconstruct() {
        view.wrap(seg(Fixtures.TCP));
        assertThat(view.isValid()).isTrue();
        assertThat(view.srcPort()).isEqualTo(49152);
        assertThat(view.dstPort()).isEqualTo(80);
        assertThat(view.seqNumber()).isEqualTo(0x01020304L);
        assertThat(view.ackNumber()).isZero();
        assertThat(view.headerLength()).isEqualTo(40);
        assertThat(view.flags()).isEqualTo(TcpView.FLAG_SYN);
        assertThat(view.hasFlags(TcpView.FLAG_SYN | TcpView.FLAG_ACK)).isFalse();
        assertThat(view.window()).isEqualTo(65535);
        assertThat(view.checksum()).isEqualTo(Fixtures.TCP_CHECKSUM);
        assertThat(view.urgentPointer()).isZero();
        assertThat(view.payloadOffset()).isEqualTo(40);
        assertThat(view.payloadLength()).isEqualTo(2);
        List<Integer> kinds = new ArrayList<>();
        for (int p = view.firstOption(); p >= 0; p = view.nextOption(p)) {
            kinds.add(view.optionKind(p));
        }
        assertThat(kinds).containsExactly(2, 4, 8, 1, 3);
        assertThat(view.optionsWellFormed()).isTrue();
        assertThat(view.mss()).isEqualTo(1460);
        assertThat(view.sackPermitted()).isTrue();
        assertThat(view.timestampValue()).isEqualTo(0x11223344L);
        assertThat(view.timestampEcho()).isZero();
        assertThat(view.windowScale()).isEqualTo(7);
        assertThat(view.sackBlockCount()).isZero();
        assertThat(view.verifyChecksumV4(SRC, DST)).isTrue();
        assertThat(view.verifyChecksumV4(SRC, DST + 1)).isFalse();
    }

    @Test
    void sackBlocks() {
        TcpHeader h = new TcpHeader(1, 2, 3, 4, TcpView.FLAG_ACK, 5, 0, List.of(new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Sack(List.of(new TcpOption.SackBlock(10, 20),
                        new TcpOption.SackBlock(0xFFFF_FFF0L, 5)))));
        MemorySegment buf = filled(h.bufferLength());
        h.emit(view.wrap(buf));
        assertThat(view.sackBlockCount()).isEqualTo(2);
        assertThat(view.sackLeft(1)).isEqualTo(0xFFFF_FFF0L);
        assertThat(view.sackRight(1)).isEqualTo(5);
        assertThat(view.sackLeft(2)).isEqualTo(-1);
        assertThat(view.mss()).isEqualTo(-1);
    }

    @Test
    void construct() {
        MemorySegment buf = filled(Fixtures.TCP.length);
        view.wrap(buf);
        view.setSrcPort(49152);
        view.setDstPort(80);
        view.setSeqNumber(0x01020304L);
        view.setAckNumber(0);
        view.setHeaderLengthAndFlags(40, TcpView.FLAG_SYN);
        view.setWindow(65535);
        view.setUrgentPointer(0);
        view.setOptions(OPTIONS);
        view.write(40, "hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        view.fillChecksumV4(SRC, DST);
        assertThat(bytes(buf)).isEqualTo(Fixtures.TCP);
    }

    @Test
    void truncated() {
        for (int n = 0; n < 40; n++) {
            view.wrap(seg(head(Fixtures.TCP, n)));
            assertThat(view.checkLength()).as("length %d", n).isFalse();
            assertThat(view.firstOption()).isEqualTo(-1);
            assertThat(view.mss()).isEqualTo(-1);
            assertThat(view.verifyChecksumV4(SRC, DST)).isFalse();
            if (n < 14) {
                assertThat(view.flags()).isZero();
            }
            if (n < 4) {
                assertThat(view.dstPort()).isEqualTo(-1);
            }
        }
        byte[] badLength = Fixtures.TCP.clone();
        badLength[21] = 40; // MSS option claiming 40 bytes runs past the header
        view.wrap(seg(badLength));
        assertThat(view.checkLength()).isTrue();
        assertThat(view.optionsWellFormed()).isFalse();
        assertThat(view.isValid()).isFalse();
        assertThat(view.firstOption()).isEqualTo(-1);
        byte[] zeroLength = Fixtures.TCP.clone();
        zeroLength[21] = 0; // a zero length would loop forever if trusted
        assertThat(view.wrap(seg(zeroLength)).optionsWellFormed()).isFalse();
        assertThat(view.mss()).isEqualTo(-1);
    }

    @Test
    void parse() {
        assertThat(TcpHeader.parse(view.wrap(seg(Fixtures.TCP)))).isEqualTo(REPR);
        byte[] badMss = Fixtures.TCP.clone();
        badMss[21] = 3;
        badMss[23] = 1; // keep the walk going: 02 03 05 | 01 (NOP) ...
        assertThatThrownBy(() -> TcpHeader.parse(view.wrap(seg(badMss))))
                .isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void emit() {
        assertThat(REPR.bufferLength()).isEqualTo(40);
        MemorySegment buf = filled(Fixtures.TCP.length);
        REPR.emit(view.wrap(buf));
        assertThat(view.checksum()).isZero();
        view.write(40, "hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        view.fillChecksumV4(SRC, DST);
        assertThat(bytes(buf)).isEqualTo(Fixtures.TCP);
    }

    @Test
    void portRewriteKeepsChecksumValid() {
        view.wrap(seg(Fixtures.TCP));
        view.setSrcPortWithChecksumUpdate(1);
        view.setDstPortWithChecksumUpdate(65535);
        view.updateChecksumForAddressV4(SRC, 0x7F000001);
        assertThat(view.verifyChecksumV4(0x7F000001, DST)).isTrue();
    }
}

package io.jwfp.packet;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetBufferListTest {
    @Test
    void retreatAndAdvanceMoveTheDataStartWithinTheBuffer() {
        byte[] pkt = Fixtures.IPV4;
        NetBufferList nbl = NetBufferList.wrap(pkt.clone(), 24, 8); // indicated at the transport header
        assertThat(nbl.dataOffset()).isEqualTo(24);
        assertThat(nbl.dataLength()).isEqualTo(8);
        assertThat(nbl.headroom()).isEqualTo(24);
        nbl.retreat(24); // a callout looks at the IP header
        assertThat(nbl.dataOffset()).isZero();
        assertThat(nbl.dataLength()).isEqualTo(32);
        assertThat(new Ipv4View().wrap(nbl.segment(), nbl.dataOffset(), nbl.dataLength()).isValid()).isTrue();
        nbl.advance(24); // and restores the offset before returning
        assertThat(nbl.toByteArray()).isEqualTo(Bufs.slice(pkt, 24, 32));
        assertThatThrownBy(() -> nbl.retreat(25)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("retreat: 25 (expected: 0-24)");
        assertThatThrownBy(() -> nbl.advance(9)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> nbl.advance(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(nbl.dataOffset()).isEqualTo(24);
    }

    @Test
    void cloneSharesBytesAndDeepCopyDoesNot() {
        byte[] bytes = Fixtures.UDP.clone();
        NetBufferList nbl = NetBufferList.wrap(bytes, 8, 4);
        nbl.setInjectionTag("injected-by-42");
        NetBufferList clone = nbl.clone();
        NetBufferList copy = nbl.deepCopy();
        assertThat(clone.parent()).isSameAs(nbl);
        assertThat(clone.injectionTag()).isNull();
        assertThat(copy.parent()).isNull();
        assertThat(copy.dataOffset()).isEqualTo(8);
        assertThat(copy.toByteArray()).isEqualTo(nbl.toByteArray());

        bytes[8] = 'X';
        assertThat(clone.toByteArray()[0]).isEqualTo((byte) 'X');
        assertThat(copy.toByteArray()[0]).isEqualTo((byte) 'a');

        clone.advance(2); // offsets are per list
        assertThat(nbl.dataOffset()).isEqualTo(8);
        copy.retreat(8);
        assertThat(copy.toByteArray()).hasSize(12);
        assertThat(nbl.injectionTag()).isEqualTo("injected-by-42");
    }

    @Test
    void chainsAndNativeSegments() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            NetBufferList a = NetBufferList.of(seg, 14, 50);
            NetBufferList b = NetBufferList.of(seg);
            a.setNext(b);
            assertThat(a.next()).isSameAs(b);
            assertThat(a.data().byteSize()).isEqualTo(50);
            a.setDataLength(20);
            assertThat(a.dataLength()).isEqualTo(20);
            assertThatThrownBy(() -> a.setDataLength(51)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> NetBufferList.of(seg, 60, 5)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(a.toString()).contains("offset=14");
        }
    }
}

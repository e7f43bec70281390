package io.jwfp.packet;

import io.jwfp.packet.repr.EthernetFrame;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static io.jwfp.packet.Bufs.bytes;
import static io.jwfp.packet.Bufs.filled;
import static io.jwfp.packet.Bufs.head;
import static io.jwfp.packet.Bufs.seg;
import static org.assertj.core.api.Assertions.assertThat;

class EthernetViewTest {
    private final EthernetView view = new EthernetView();

    @Test
    void deconstruct() {
        view.wrap(seg(Fixtures.ETHERNET));
        assertThat(view.checkLength()).isTrue();
        assertThat(view.dstMac()).isEqualTo(0x0200_0000_0001L);
        assertThat(view.srcMac()).isEqualTo(0x0200_0000_0002L);
        assertThat(view.etherType()).isEqualTo(EtherType.IPV4);
        assertThat(view.vlanTagCount()).isZero();
        assertThat(view.vlanTci()).isEqualTo(-1);
        assertThat(view.headerLength()).isEqualTo(14);
        assertThat(view.payloadEtherType()).isEqualTo(EtherType.IPV4);

        view.wrap(seg(Fixtures.ETHERNET_VLAN));
        assertThat(view.etherType()).isEqualTo(EtherType.VLAN);
        assertThat(view.vlanTagCount()).isEqualTo(1);
        assertThat(view.vlanTci()).isEqualTo(0xA064);
        assertThat(view.vlanId()).isEqualTo(0x064);
        assertThat(view.headerLength()).isEqualTo(18);
        assertThat(view.payloadEtherType()).isEqualTo(EtherType.IPV6);
    }

    @Test
    void construct() {
        MemorySegment buf = filled(14);
        view.wrap(buf);
        view.setDstMac(0x0200_0000_0001L);
        view.setSrcMac(0x0200_0000_0002L);
        view.setEtherType(EtherType.IPV4);
        assertThat(bytes(buf)).isEqualTo(head(Fixtures.ETHERNET, 14));

        MemorySegment tagged = filled(18);
        view.wrap(tagged);
        view.setDstMac(0x0200_0000_0001L);
        view.setSrcMac(0x0200_0000_0002L);
        view.setVlanTag(0xA064, EtherType.IPV6);
        assertThat(bytes(tagged)).isEqualTo(head(Fixtures.ETHERNET_VLAN, 18));
    }

    @Test
    void truncated() {
        for (int n = 0; n < 14; n++) {
            view.wrap(seg(head(Fixtures.ETHERNET, n)));
            assertThat(view.checkLength()).as("length %d", n).isFalse();
            assertThat(view.etherType()).isEqualTo(-1);
            if (n < 6) {
                assertThat(view.dstMac()).isEqualTo(-1L);
            }
        }
        for (int n = 14; n < 18; n++) {
            view.wrap(seg(head(Fixtures.ETHERNET_VLAN, n)));
            assertThat(view.checkLength()).as("tagged length %d", n).isFalse();
            assertThat(view.vlanTagCount()).isEqualTo(1);
        }
        // A window longer than the segment is clamped, not trusted.
        view.wrap(seg(Fixtures.ETHERNET), 10, 1000);
        assertThat(view.viewLength()).isEqualTo(Fixtures.ETHERNET.length - 10);
        view.wrap(seg(Fixtures.ETHERNET), 1000, 10);
        assertThat(view.viewLength()).isZero();
        assertThat(view.srcMac()).isEqualTo(-1L);
    }

    @Test
    void parse() {
        assertThat(EthernetFrame.parse(view.wrap(seg(Fixtures.ETHERNET))))
                .isEqualTo(EthernetFrame.of(0x0200_0000_0001L, 0x0200_0000_0002L, EtherType.IPV4));
        assertThat(EthernetFrame.parse(view.wrap(seg(Fixtures.ETHERNET_VLAN))))
                .isEqualTo(new EthernetFrame(0x0200_0000_0001L, 0x0200_0000_0002L, 0xA064, EtherType.IPV6));
    }

    @Test
    void emit() {
        EthernetFrame f = new EthernetFrame(0x0200_0000_0001L, 0x0200_0000_0002L, 0xA064, EtherType.IPV6);
        assertThat(f.bufferLength()).isEqualTo(18);
        MemorySegment buf = filled(f.bufferLength());
        f.emit(view.wrap(buf));
        assertThat(bytes(buf)).isEqualTo(head(Fixtures.ETHERNET_VLAN, 18));
    }
}

package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** explain --packet's capture access over shim-pcap's reader, on the tcpdump captures shim-pcap's tests use. */
class PcapCapturePacketsTest {
    static final Path CAPTURES = Path.of("..", "shim-pcap", "src", "test", "resources", "captures");

    @Test
    void returnsTheNthPacketFromItsIpHeaderOnForEveryLinkType() throws Exception {
        for (String f : new String[] {"eth-usec.pcap", "eth-nsec.pcapng", "sll.pcap", "sll2.pcap", "raw.pcap"}) {
            byte[] ip = new PcapCapturePackets().ipPacket(CAPTURES.resolve(f), 1);
            int version = (ip[0] >> 4) & 0xF;
            assertThat(version).as(f).isIn(4, 6);
            int total = version == 4 ? ((ip[2] & 0xFF) << 8 | (ip[3] & 0xFF)) : 40 + ((ip[4] & 0xFF) << 8 | (ip[5] & 0xFF));
            assertThat(ip.length).as(f + ": the whole IP packet, no link header or trailer beyond it").isGreaterThanOrEqualTo(total);
            assertThat(ip.length - total).as(f).isLessThan(8);
        }
    }

    @Test
    void aPacketPastTheEndIsAOneLineError() {
        assertThatThrownBy(() -> new PcapCapturePackets().ipPacket(CAPTURES.resolve("eth-usec.pcap"), 1_000_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the capture has only ");
    }

    @Test
    void aFileThatIsNotACaptureIsAOneLineError() {
        assertThatThrownBy(() -> new PcapCapturePackets().ipPacket(Path.of("pom.xml"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("\n");
    }
}

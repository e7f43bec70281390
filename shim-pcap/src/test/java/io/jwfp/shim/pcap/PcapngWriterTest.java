package io.jwfp.shim.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our pcapng writer, read back by libpcap (pcap4j), by tcpdump and by our reader. */
class PcapngWriterTest {
    @TempDir
    Path dir;

    private Path copy(Path src, Path dst) throws Exception {
        List<Captures.Packet> packets = Captures.read(src);
        try (PcapngWriter w = PcapngWriter.create(dst)) {
            int id = w.addInterface(packets.getFirst().linkType(), 0);
            for (Captures.Packet p : packets) {
                w.writePacket(id, p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(p.data()), 0, p.data().length);
            }
            assertThat(w.packets()).isEqualTo(packets.size());
        }
        return dst;
    }

    @Test
    void libpcapReadsWhatWeWrite() throws Exception {
        assumeTrue(Libpcap.available(), "libpcap (tcpdump's) not installed");
        for (String name : List.of("eth-nsec.pcap", "sll2.pcap", "raw.pcap")) {
            Path src = Captures.fixture(name, dir);
            Path out = copy(src, dir.resolve(name + ".pcapng"));
            CaptureReaderTest.assertSame(Captures.read(out), Libpcap.read(src));
            CaptureReaderTest.assertSame(Captures.read(src), Libpcap.read(out));
        }
    }

    @Test
    void tcpdumpPrintsTheSameAsForTheOriginal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "tcpdump not installed");
        Path src = Captures.fixture("eth-nsec.pcap", dir);
        Path out = copy(src, dir.resolve("copy.pcapng"));
        String a = tcpdump(src), b = tcpdump(out);
        assertThat(a.lines().count()).isEqualTo(37);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void aPacketOfTwoPartsAndALargeOne() throws Exception {
        Path f = dir.resolve("parts.pcapng");
        byte[] head = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00};
        byte[] body = new byte[57];
        for (int i = 0; i < body.length; i++) body[i] = (byte) i;
        byte[] big = new byte[(1 << 20) + 100]; // larger than the writer's buffer
        big[big.length - 1] = 42;
        try (PcapngWriter w = PcapngWriter.create(f)) {
            int e = w.addInterface(LinkTypes.ETHERNET, 0);
            w.writePacket(e, 5_000_000_007L, 200, MemorySegment.ofArray(head), 0, head.length,
                    MemorySegment.ofArray(body), 0, body.length);
            int r = w.addInterface(LinkTypes.RAW, 0); // an interface described after packets
            w.writePacket(r, 6_000_000_000L, big.length, MemorySegment.ofArray(big), 0, big.length);
        }
        List<Captures.Packet> back = Captures.read(f);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).data()).hasSize(head.length + body.length).startsWith(head).endsWith(body);
        assertThat(back.get(0).originalLength()).isEqualTo(200);
        assertThat(back.get(0).timestampNanos()).isEqualTo(5_000_000_007L);
        assertThat(back.get(1).linkType()).isEqualTo(LinkTypes.RAW);
        assertThat(back.get(1).data()).isEqualTo(big);
    }

    private static String tcpdump(Path f) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tcpdump", "-nn", "--nano", "-r", f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }
}

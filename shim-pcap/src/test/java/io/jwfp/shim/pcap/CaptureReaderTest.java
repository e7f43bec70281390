package io.jwfp.shim.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jwfp.packet.EthernetView;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our reader against captures tcpdump wrote (and editcap/mergecap converted to pcapng), cross-checked packet by packet
 * with libpcap through pcap4j: bytes, lengths, nanosecond timestamps and link types.
 */
class CaptureReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"eth-usec.pcap", "eth-nsec.pcap", "sll.pcap", "sll2.pcap", "raw.pcap", "eth-nsec.pcapng",
            "sll2.pcapng"})
    void readsWhatLibpcapReads(String name) throws Exception {
        assumeTrue(Libpcap.available(), "libpcap (tcpdump's) not installed");
        Path f = Captures.fixture(name, dir);
        assertSame(Captures.read(f), Libpcap.read(f));
    }

    @Test
    void theLinkTypesAreTheOnesTcpdumpWrote() throws Exception {
        assertThat(Captures.read(Captures.fixture("eth-usec.pcap", dir))).allMatch(p -> p.linkType() == LinkTypes.ETHERNET);
        assertThat(Captures.read(Captures.fixture("sll.pcap", dir))).allMatch(p -> p.linkType() == LinkTypes.LINUX_SLL);
        assertThat(Captures.read(Captures.fixture("sll2.pcap", dir))).allMatch(p -> p.linkType() == LinkTypes.LINUX_SLL2);
        assertThat(Captures.read(Captures.fixture("raw.pcap", dir))).allMatch(p -> p.linkType() == LinkTypes.RAW);
        try (CaptureReader r = CaptureReader.open(Captures.fixture("eth-nsec.pcapng", dir))) {
            assertThat(r.format()).isEqualTo(CaptureReader.Format.PCAPNG);
        }
    }

    @Test
    void microAndNanosecondFilesOfTheSameCaptureAgree() throws Exception {
        // Two tcpdump processes captured the same packets at once, each with its own kernel timestamp (they differ by
        // up to a few microseconds): the same bytes, close times, and only the nanosecond file has sub-microsecond digits.
        List<Captures.Packet> us = Captures.read(Captures.fixture("eth-usec.pcap", dir));
        List<Captures.Packet> ns = Captures.read(Captures.fixture("eth-nsec.pcap", dir));
        assertThat(ns).hasSameSizeAs(us);
        boolean subMicro = false;
        for (int i = 0; i < us.size(); i++) {
            assertThat(us.get(i).timestampNanos() % 1000).isZero();
            assertThat(Math.abs(ns.get(i).timestampNanos() - us.get(i).timestampNanos())).isLessThan(1_000_000);
            subMicro |= ns.get(i).timestampNanos() % 1000 != 0;
            assertThat(ns.get(i).data()).isEqualTo(us.get(i).data());
        }
        assertThat(subMicro).as("the nanosecond file has sub-microsecond digits").isTrue();
    }

    @Test
    void bigEndianPcapReadsLikeLittleEndian() throws Exception {
        Path le = Captures.fixture("eth-nsec.pcap", dir);
        Path be = dir.resolve("eth-nsec-be.pcap");
        Files.write(be, Captures.swapPcap(Files.readAllBytes(le)));
        assertThat(Files.readAllBytes(be)[0]).isEqualTo((byte) 0xA1); // magic a1b23c4d written big-endian
        List<Captures.Packet> ours = Captures.read(be);
        assertSame(ours, Libpcap.read(le));
        if (Libpcap.available()) assertSame(ours, Libpcap.read(be));
    }

    @Test
    void bigEndianPcapngReadsLikeLittleEndian() throws Exception {
        Path le = Captures.fixture("eth-nsec.pcapng", dir);
        Path be = dir.resolve("eth-nsec-be.pcapng");
        Files.write(be, Captures.swapPcapng(Files.readAllBytes(le)));
        assertThat(Arrays.copyOfRange(Files.readAllBytes(be), 8, 12)).containsExactly(0x1A, 0x2B, 0x3C, 0x4D);
        List<Captures.Packet> ours = Captures.read(be);
        assertThat(ours).hasSize(37);
        assertSame(ours, Libpcap.read(le));
        if (Libpcap.available()) assertSame(ours, Libpcap.read(be));
    }

    @Test
    void aPcapngOfTwoInterfacesWithDifferentLinkTypes() throws Exception {
        // mergecap joined tcpdump's Ethernet and raw-IP captures: libpcap refuses such files, so each part is checked
        // against libpcap's reading of the file it came from.
        assumeTrue(Libpcap.available(), "libpcap (tcpdump's) not installed");
        List<Captures.Packet> merged = Captures.read(Captures.fixture("merged.pcapng", dir));
        List<Libpcap.Packet> expected = new ArrayList<>(Libpcap.read(Captures.fixture("eth-usec.pcap", dir)));
        expected.addAll(Libpcap.read(Captures.fixture("raw.pcap", dir)));
        expected.sort(Comparator.comparingLong(Libpcap.Packet::timestampNanos));
        assertSame(merged, expected);
        assertThat(merged).extracting(Captures.Packet::linkType).contains(LinkTypes.ETHERNET, LinkTypes.RAW);
    }

    @Test
    void everyLinkTypeLeadsToTheSameIpPackets() throws Exception {
        // The same traffic captured as Ethernet on the veth, and as SLL and SLL2 on "any" (which also sees the veth):
        // every IP packet of the Ethernet capture is found, byte for byte, in both cooked captures.
        List<String> eth = ipPackets(Captures.read(Captures.fixture("eth-usec.pcap", dir)));
        List<String> sll = ipPackets(Captures.read(Captures.fixture("sll.pcap", dir)));
        List<String> sll2 = ipPackets(Captures.read(Captures.fixture("sll2.pcap", dir)));
        assertThat(eth).hasSizeGreaterThan(20);
        assertThat(sll).containsAll(eth);
        assertThat(sll2).containsAll(eth);
        List<String> raw = ipPackets(Captures.read(Captures.fixture("raw.pcap", dir)));
        assertThat(raw).hasSize(3).allMatch(s -> s.startsWith("4:")); // two pings and a datagram into the tun
    }

    @Test
    void rawIpv4AndIpv6LinkTypes() throws Exception {
        // LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229): written by our writer, read by ours and by libpcap.
        List<Captures.Packet> src = Captures.read(Captures.fixture("raw.pcap", dir));
        Path f = dir.resolve("v4v6.pcapng");
        byte[] v6 = ipv6Packet();
        try (PcapngWriter w = PcapngWriter.create(f)) {
            int i4 = w.addInterface(LinkTypes.IPV4, 0);
            for (Captures.Packet p : src) {
                w.writePacket(i4, p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(p.data()), 0, p.data().length);
            }
        }
        List<Captures.Packet> back = Captures.read(f);
        assertThat(back).extracting(Captures.Packet::linkType).containsOnly(LinkTypes.IPV4);
        assertThat(ipPackets(back)).isEqualTo(ipPackets(src));
        if (Libpcap.available()) assertSame(back, Libpcap.read(f));
        Path g = dir.resolve("v6.pcapng");
        try (PcapngWriter w = PcapngWriter.create(g)) {
            w.writePacket(w.addInterface(LinkTypes.IPV6, 0), 1_000_000_123L, v6.length, MemorySegment.ofArray(v6), 0, v6.length);
        }
        List<Captures.Packet> six = Captures.read(g);
        assertThat(ipPackets(six)).singleElement().satisfies(s -> assertThat(s).startsWith("6:"));
        if (Libpcap.available()) assertSame(six, Libpcap.read(g));
    }

    @Test
    void timestampResolutionsAndOffsetsOfPcapngInterfaces() throws Exception {
        // Interfaces with if_tsresol 10^-3 (milliseconds), 2^-20 and the default (microseconds), one with if_tsoffset,
        // in a big-endian section: checked against libpcap and against the values written.
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer shb = java.nio.ByteBuffer.allocate(28).order(java.nio.ByteOrder.BIG_ENDIAN);
        shb.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        b.write(shb.array());
        b.write(idb(3, 0));            // milliseconds
        b.write(idb(0x80 | 20, 0));    // 2^-20 s
        b.write(idb(-1, 100));         // default microseconds, 100 s offset
        byte[] pkt = ipv6Packet();
        long[][] cases = {{0, 1_700_000_000_123L}, {1, (1_700_000_000L << 20) | 524_288}, {2, 1_700_000_000_000_001L}};
        for (long[] c : cases) b.write(epb((int) c[0], c[1], pkt));
        Path f = dir.resolve("res.pcapng");
        Files.write(f, b.toByteArray());
        List<Captures.Packet> ours = Captures.read(f);
        assertThat(ours).extracting(Captures.Packet::timestampNanos).containsExactly(
                1_700_000_000_123_000_000L, 1_700_000_000_500_000_000L, 1_700_000_100_000_001_000L);
        if (Libpcap.available()) assertSame(ours, Libpcap.read(f));
    }

    /** An interface description block (raw IPv6), big-endian; {@code tsresol} < 0: none; {@code offset} seconds. */
    private static byte[] idb(int tsresol, long offset) {
        java.nio.ByteBuffer o = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.BIG_ENDIAN);
        o.putInt(1).putInt(0).putShort((short) LinkTypes.IPV6).putShort((short) 0).putInt(0);
        if (tsresol >= 0) o.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
        if (offset != 0) o.putShort((short) 14).putShort((short) 8).putLong(offset);
        o.putInt(0); // opt_endofopt
        int len = o.position() + 4;
        o.putInt(len).putInt(4, len);
        return Arrays.copyOf(o.array(), len);
    }

    private static byte[] epb(int iface, long ts, byte[] data) {
        int padded = (data.length + 3) & ~3, len = 32 + padded;
        java.nio.ByteBuffer o = java.nio.ByteBuffer.allocate(len).order(java.nio.ByteOrder.BIG_ENDIAN);
        o.putInt(6).putInt(len).putInt(iface).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(data.length)
                .putInt(data.length).put(data);
        o.position(len - 4);
        o.putInt(len);
        return o.array();
    }

    @Test
    void aTruncatedPcapNamesTheRecordAfterDeliveringThoseBefore() throws Exception {
        Path f = Captures.fixture("eth-usec.pcap", dir);
        List<Captures.Packet> all = Captures.read(f);
        long cut = offsetOf(f, 5) + 16 + 10; // ten bytes into the fifth packet's data
        Path t = dir.resolve("cut.pcap");
        Files.write(t, Arrays.copyOf(Files.readAllBytes(f), (int) cut));
        List<Captures.Packet> got = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(t)) {
            CaptureRecord rec = new CaptureRecord();
            assertThatThrownBy(() -> {
                while (r.next(rec)) got.add(null);
            }).isInstanceOf(CaptureFormatException.class)
                    .hasMessageStartingWith("record 5 at byte offset " + offsetOf(f, 5) + ": truncated")
                    .satisfies(e -> assertThat(((CaptureFormatException) e).record()).isEqualTo(5));
        }
        assertThat(got).hasSize(4);
        assertThat(all.size()).isGreaterThan(5);
    }

    @Test
    void aTruncatedPcapngNamesTheBlock() throws Exception {
        Path f = Captures.fixture("eth-nsec.pcapng", dir);
        List<Captures.Packet> all = Captures.read(f);
        // Blocks count from the section header: SHB, IDB, then the packets.
        assertThat(all.getFirst().recordNumber()).isEqualTo(3);
        long at = offsetOf(f, 4);
        Path t = dir.resolve("cut.pcapng");
        Files.write(t, Arrays.copyOf(Files.readAllBytes(f), (int) at + 30));
        try (CaptureReader r = CaptureReader.open(t)) {
            CaptureRecord rec = new CaptureRecord();
            for (int i = 0; i < 3; i++) assertThat(r.next(rec)).isTrue();
            assertThatThrownBy(() -> r.next(rec)).isInstanceOf(CaptureFormatException.class)
                    .hasMessageStartingWith("record 6 at byte offset " + at + ": truncated");
        }
    }

    @Test
    void notACapture() throws Exception {
        Path f = dir.resolve("x.txt");
        Files.writeString(f, "hello world");
        assertThatThrownBy(() -> CaptureReader.open(f)).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("not a pcap or pcapng file");
    }

    @Test
    void readingAllocatesNothingPerPacket() throws Exception {
        Path f = Captures.fixture("eth-nsec.pcapng", dir);
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (CaptureReader r = CaptureReader.open(f)) {
            CaptureRecord rec = new CaptureRecord();
            long sum = 0;
            for (int round = 0; round < 3; round++) { // warm up
                try (CaptureReader w = CaptureReader.open(f)) {
                    while (w.next(rec)) sum += rec.capturedLength();
                }
            }
            long before = bean.getCurrentThreadAllocatedBytes();
            while (r.next(rec)) sum += rec.capturedLength() + rec.timestampNanos();
            long after = bean.getCurrentThreadAllocatedBytes();
            assertThat(after - before).as("bytes allocated reading 37 packets (sum %d)", sum).isLessThan(37 * 8);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static void assertSame(List<Captures.Packet> ours, List<Libpcap.Packet> libpcap) {
        assertThat(ours).hasSameSizeAs(libpcap);
        for (int i = 0; i < ours.size(); i++) {
            Captures.Packet o = ours.get(i);
            Libpcap.Packet l = libpcap.get(i);
            assertThat(o.data()).as("packet %d bytes", i + 1).isEqualTo(l.data());
            assertThat(o.originalLength()).as("packet %d original length", i + 1).isEqualTo(l.originalLength());
            assertThat(o.timestampNanos()).as("packet %d time", i + 1).isEqualTo(l.timestampNanos());
            // libpcap reports LINKTYPE_RAW as the platform's DLT_RAW (12 on Linux).
            int lt = l.linkType() == 12 ? LinkTypes.RAW : l.linkType();
            assertThat(o.linkType()).as("packet %d link type", i + 1).isEqualTo(lt);
        }
    }

    /** The IP packets of frames, as "version:hex" strings. */
    static List<String> ipPackets(List<Captures.Packet> packets) {
        List<String> out = new ArrayList<>();
        EthernetView eth = new EthernetView();
        ParsedPacket pp = new ParsedPacket();
        for (Captures.Packet p : packets) {
            MemorySegment s = MemorySegment.ofArray(p.data());
            int off = LinkTypes.ipOffset(p.linkType(), s, 0, p.data().length, eth);
            if (off < 0) continue;
            if (!PacketParser.parseIp(s, off, p.data().length - off, pp)) continue;
            out.add(pp.ipVersion() + ":" + java.util.HexFormat.of().formatHex(p.data(), off, off + pp.ipLength()));
        }
        return out;
    }

    /** Where packet {@code n} (1-based) starts in the file, by our reader. */
    static long offsetOf(Path f, int n) throws Exception {
        try (CaptureReader r = CaptureReader.open(f)) {
            CaptureRecord rec = new CaptureRecord();
            for (int i = 0; i < n; i++) r.next(rec);
            return rec.byteOffset();
        }
    }

    private static byte[] ipv6Packet() {
        return io.jwfp.packet.repr.Packets.udp(io.jwfp.packet.repr.Ipv6Header.of(0xfd99_0000_0000_0000L, 1,
                0xfd99_0000_0000_0000L, 2, io.jwfp.packet.IpProtocol.UDP, 11), 40000, 53, new byte[] {1, 2, 3});
    }
}

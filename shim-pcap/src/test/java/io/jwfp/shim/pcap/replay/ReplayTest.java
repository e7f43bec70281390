package io.jwfp.shim.pcap.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.layer.Layer;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.pcap.CaptureFormatException;
import io.jwfp.shim.pcap.CaptureReader;
import io.jwfp.shim.pcap.CaptureRecord;
import io.jwfp.shim.pcap.LinkTypes;
import io.jwfp.shim.pcap.PcapngWriter;
import io.jwfp.shim.pcap.replay.ReplaySummary.Outcome;
import io.jwfp.shim.pcap.replay.ReplaySummary.Row;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {
    @TempDir
    Path dir;

    private Policy policy(String yaml) {
        return PolicyParser.parse("test.yaml", yaml);
    }

    private ReplaySummary replay(Policy p, String local, Path capture, Path out) throws Exception {
        Replay r = Replay.of(p, LocalPrefixes.parse(local));
        try (CaptureReader reader = CaptureReader.open(capture);
             PcapngWriter w = out == null ? null : PcapngWriter.create(out)) {
            return r.run(reader, w, null);
        }
    }

    private static Row row(ReplaySummary s, Layer layer, Outcome o, String filter) {
        return s.rows().stream().filter(r -> r.layer() == layer && r.outcome() == o
                && (filter == null ? r.filterId() == 0 : filter.equals(r.filterName()))).findFirst().orElse(null);
    }

    /** The IP packets of a capture, each as bytes. */
    private static List<byte[]> ipPackets(Path f) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(f)) {
            CaptureRecord rec = new CaptureRecord();
            io.jwfp.packet.EthernetView eth = new io.jwfp.packet.EthernetView();
            while (r.next(rec)) {
                int off = LinkTypes.ipOffset(rec.linkType(), rec.segment(), rec.dataOffset(), rec.capturedLength(), eth);
                if (off < 0) continue;
                out.add(rec.segment().asSlice(rec.dataOffset() + off, rec.capturedLength() - off).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out;
    }

    @Test
    void aleOncePerFlowAndFlowEstablishedWhenTheHandshakeCompletes() throws Exception {
        // Every ALE layer permits through a filter, so each classification shows in the summary.
        Policy p = policy("""
                filters:
                  - {name: connect, layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4, action: FWP_ACTION_PERMIT}
                  - {name: accept, layer: FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, action: FWP_ACTION_PERMIT}
                  - {name: established, layer: FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, action: FWP_ACTION_PERMIT}
                  - {name: transport-in, layer: FWPM_LAYER_INBOUND_TRANSPORT_V4, action: FWP_ACTION_PERMIT}
                """);
        Path cap = new Traffic()
                .tcp("10.0.0.1", 40000, "192.0.2.9", 443, 5)    // we connect: 16 packets
                .tcp("198.51.100.7", 50000, "10.0.0.1", 22, 3)   // they connect to us: 12 packets
                .udp("10.0.0.1", 5353, "192.0.2.53", 53, 4)      // a datagram flow we open
                .write(dir.resolve("c.pcapng"));
        ReplaySummary s = replay(p, "10.0.0.0/24", cap, dir.resolve("out.pcapng"));
        assertThat(s.packets()).isEqualTo(32);
        assertThat(s.flows()).isEqualTo(3);
        assertThat(row(s, Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, Outcome.PERMIT, "connect"))
                .extracting(Row::packets, Row::flows).containsExactly(2L, 2L); // the TCP connect and the UDP flow
        assertThat(row(s, Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, Outcome.PERMIT, "accept"))
                .extracting(Row::packets, Row::flows).containsExactly(1L, 1L);
        assertThat(row(s, Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, Outcome.PERMIT, "established"))
                .extracting(Row::packets, Row::flows).containsExactly(3L, 3L);
        // Inbound packets: 7 of the connect (SYN-ACK, 5 ACKs, FIN) and 7 of the accept (SYN, ACK, 3 data, FIN, ACK).
        assertThat(row(s, Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4, Outcome.PERMIT, "transport-in"))
                .extracting(Row::packets, Row::flows).containsExactly(14L, 2L);
        assertThat(s.permitted()).isEqualTo(32);
        assertThat(s.written()).isEqualTo(32);
        assertThat(ipPackets(dir.resolve("out.pcapng"))).zipSatisfy(ipPackets(cap),
                (a, b) -> assertThat(a).isEqualTo(b));
    }

    @Test
    void flowEstablishedSeesTheFinalAckOfAnAcceptAndABlockThereDropsTheRest() throws Exception {
        Policy p = policy("""
                filters:
                  - name: no-ssh-sessions
                    layer: FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4
                    conditions: [{field: FWPM_CONDITION_IP_LOCAL_PORT, value: 22}]
                    action: FWP_ACTION_BLOCK
                """);
        Traffic t = new Traffic().tcp("198.51.100.7", 50000, "10.0.0.1", 22, 3);
        Path cap = t.write(dir.resolve("c.pcapng"));
        Path out = dir.resolve("out.pcapng");
        ReplaySummary s = replay(p, "10.0.0.1", cap, out);
        // SYN and SYN-ACK go through; the final ACK completes the handshake and is blocked, as is all that follows.
        assertThat(ipPackets(out)).hasSize(2);
        assertThat(ipPackets(out).get(0)).isEqualTo(t.packets().get(0));
        assertThat(ipPackets(out).get(1)).isEqualTo(t.packets().get(1));
        assertThat(row(s, Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, Outcome.BLOCK, "no-ssh-sessions"))
                .extracting(Row::packets, Row::flows).containsExactly(10L, 1L);
        assertThat(s.flowsBlocked()).isEqualTo(1);
        assertThat(s.blocked()).isEqualTo(10);
    }

    @Test
    void aConnectBlockedAtAleDropsTheFlowAndCountsItOnce() throws Exception {
        Policy p = policy("""
                filters:
                  - name: no-web
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V6
                    conditions: [{field: FWPM_CONDITION_IP_REMOTE_PORT, value: 443}]
                    action: FWP_ACTION_BLOCK
                """);
        Path cap = new Traffic().tcp("fd00::1", 40000, "2001:db8::9", 443, 2).tcp("fd00::1", 40001, "2001:db8::9", 80, 2)
                .write(dir.resolve("c.pcapng"));
        Path out = dir.resolve("out.pcapng");
        ReplaySummary s = replay(p, "fd00::/64", cap, out);
        assertThat(row(s, Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V6, Outcome.BLOCK, "no-web"))
                .extracting(Row::packets, Row::flows).containsExactly(10L, 1L);
        assertThat(row(s, Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V6, Outcome.PERMIT, null))
                .extracting(Row::packets, Row::flows).containsExactly(1L, 1L);
        List<byte[]> written = ipPackets(out);
        assertThat(written).hasSize(10);
        ParsedPacket pp = new ParsedPacket();
        for (byte[] b : written) {
            PacketParser.parseIp(MemorySegment.ofArray(b), 0, b.length, pp);
            assertThat(pp.srcPort() == 80 || pp.dstPort() == 80).isTrue();
        }
    }

    @Test
    void packetsACalloutModifiesAreWrittenModified() throws Exception {
        // The port-forward sample rewrites inbound packets for 10.200.0.2:80 to 10.200.0.12:8080 (receive-injecting
        // the copy and absorbing the original) and the replies back.
        Policy p = PolicyParser.parse(Path.of("../examples/policies/samples/port-forward.yaml"));
        Traffic t = new Traffic().tcp("10.200.0.1", 40000, "10.200.0.2", 80, "10.200.0.12", 8080, 1);
        Path cap = t.write(dir.resolve("c.pcapng"));
        Path out = dir.resolve("out.pcapng");
        ReplaySummary s = replay(p, "10.200.0.2,10.200.0.12", cap, out);
        List<byte[]> written = ipPackets(out);
        assertThat(written).hasSize(t.packets().size());
        ParsedPacket pp = new ParsedPacket();
        int inboundRewritten = 0;
        for (byte[] b : written) {
            assertThat(PacketParser.parseIp(MemorySegment.ofArray(b), 0, b.length, pp, ChecksumPolicy.VERIFY)).isTrue();
            assertThat(pp.has(ParsedPacket.BAD_IP_CHECKSUM) || pp.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
            if (pp.srcV4() == 0x0AC8_0001) { // from the client: to the target now
                assertThat(pp.dstV4()).isEqualTo(0x0AC8_000C);
                assertThat(pp.dstPort()).isEqualTo(8080);
                inboundRewritten++;
            } else { // the server's answers: from A again
                assertThat(pp.srcV4()).isEqualTo(0x0AC8_0002);
                assertThat(pp.srcPort()).isEqualTo(80);
            }
        }
        assertThat(inboundRewritten).isEqualTo(5); // SYN, ACK, data, FIN and the final ACK
        assertThat(s.modified()).isEqualTo(8); // and the server's three answers, rewritten back
        assertThat(s.rows()).anyMatch(r -> r.outcome() == Outcome.MODIFY && r.layer() == Layer.FWPM_LAYER_INBOUND_IPPACKET_V4);
    }

    @Test
    void aTruncatedCaptureStopsAtTheRecordAfterWritingWhatCameBefore() throws Exception {
        Path cap = new Traffic().tcp("10.0.0.1", 40000, "192.0.2.9", 443, 5).write(dir.resolve("c.pcapng"));
        byte[] all = Files.readAllBytes(cap);
        long at;
        try (CaptureReader r = CaptureReader.open(cap)) {
            CaptureRecord rec = new CaptureRecord();
            for (int i = 0; i < 7; i++) r.next(rec);
            at = rec.byteOffset();
        }
        Path cut = dir.resolve("cut.pcapng");
        Files.write(cut, Arrays.copyOf(all, (int) at + 20));
        Path out = dir.resolve("out.pcapng");
        Replay r = Replay.of(policy("filters: []"), LocalPrefixes.parse("10.0.0.1"));
        try (CaptureReader reader = CaptureReader.open(cut); PcapngWriter w = PcapngWriter.create(out)) {
            assertThatThrownBy(() -> r.run(reader, w, null)).isInstanceOf(CaptureFormatException.class)
                    .hasMessageStartingWith("record 9 at byte offset " + at); // SHB, IDB, then packet 7
            assertThat(ipPackets(out)).hasSize(6); // flushed before the exception reached us
        }
        assertThat(r.lastSummary().packets()).isEqualTo(6);
        assertThat(r.lastSummary().problem()).contains("record 9");
    }

    @Test
    void directionFromTheLocalPrefixes() throws Exception {
        Policy p = policy("""
                filters:
                  - {name: out, layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4, action: FWP_ACTION_PERMIT}
                  - {name: in, layer: FWPM_LAYER_INBOUND_IPPACKET_V4, action: FWP_ACTION_PERMIT}
                  - {name: fwd, layer: FWPM_LAYER_IPFORWARD_V4, action: FWP_ACTION_BLOCK}
                  - name: loop
                    layer: FWPM_LAYER_OUTBOUND_TRANSPORT_V4
                    conditions: [{field: FLAGS, match: FWP_MATCH_FLAGS_ALL_SET, value: FWP_CONDITION_FLAG_IS_LOOPBACK}]
                    action: FWP_ACTION_PERMIT
                """);
        Path cap = new Traffic().udp("10.0.0.1", 1000, "192.0.2.1", 53, 1)  // outbound
                .udp("192.0.2.1", 53, "10.0.0.1", 1000, 1)                  // inbound
                .udp("10.0.0.1", 1001, "10.0.0.2", 53, 1)                   // loopback: both ours
                .udp("192.0.2.1", 1, "192.0.2.2", 2, 1)                     // forwarded: blocked
                .udp("192.0.2.1", 1, "224.0.0.251", 5353, 1)                // multicast from elsewhere: inbound
                .write(dir.resolve("c.pcapng"));
        ReplaySummary s = replay(p, "10.0.0.0/24", cap, null);
        assertThat(s.outbound()).isEqualTo(1);
        assertThat(s.inbound()).isEqualTo(2);
        assertThat(s.loopback()).isEqualTo(1);
        assertThat(s.forwarded()).isEqualTo(1);
        assertThat(row(s, Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4, Outcome.PERMIT, "out").packets()).isEqualTo(2);
        assertThat(row(s, Layer.FWPM_LAYER_INBOUND_IPPACKET_V4, Outcome.PERMIT, "in").packets()).isEqualTo(3);
        assertThat(row(s, Layer.FWPM_LAYER_IPFORWARD_V4, Outcome.BLOCK, "fwd").packets()).isEqualTo(1);
        assertThat(row(s, Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4, Outcome.PERMIT, "loop").packets()).isEqualTo(1);
        assertThat(s.blocked()).isEqualTo(1);
    }

    @Test
    void theTcpdumpCaptureReplays() throws Exception {
        Path cap = dir.resolve("eth.pcap");
        try (InputStream in = getClass().getResourceAsStream("/captures/eth-usec.pcap")) {
            Files.copy(in, cap);
        }
        Policy p = policy("""
                filters:
                  - name: no-8080
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    conditions: [{field: FWPM_CONDITION_IP_REMOTE_PORT, value: 8080}]
                    action: FWP_ACTION_BLOCK
                """);
        Path out = dir.resolve("out.pcapng");
        ReplaySummary s = replay(p, "10.99.0.1,fd99::1", cap, out);
        assertThat(s.packets()).isEqualTo(37);
        assertThat(s.notIp()).isEqualTo(2); // the ARP request and reply
        Row r = row(s, Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, Outcome.BLOCK, "no-8080");
        assertThat(r.flows()).isEqualTo(1);
        assertThat(s.written()).isEqualTo(37 - r.packets());
        ParsedPacket pp = new ParsedPacket();
        for (byte[] b : ipPackets(out)) {
            PacketParser.parseIp(MemorySegment.ofArray(b), 0, b.length, pp);
            if (pp.has(ParsedPacket.HAS_PORTS)) assertThat(pp.srcPort() != 8080 && pp.dstPort() != 8080).isTrue();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"eth-nsec.pcapng", "sll.pcap", "sll2.pcap", "raw.pcap",
            "merged.pcapng"})
    void everyLinkTypeReplaysAndIsWrittenAsItCame(String name) throws Exception {
        Path cap = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/captures/" + name)) {
            Files.copy(in, cap);
        }
        Policy p = policy("""
                filters:
                  - {name: in4, layer: FWPM_LAYER_INBOUND_IPPACKET_V4, action: FWP_ACTION_PERMIT}
                  - {name: out4, layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4, action: FWP_ACTION_PERMIT}
                  - {name: in6, layer: FWPM_LAYER_INBOUND_IPPACKET_V6, action: FWP_ACTION_PERMIT}
                  - {name: out6, layer: FWPM_LAYER_OUTBOUND_IPPACKET_V6, action: FWP_ACTION_PERMIT}
                """);
        Path out = dir.resolve("out.pcapng");
        ReplaySummary s = replay(p, "10.99.0.1,10.98.0.1,fd99::1,fe80::/10", cap, out);
        List<byte[]> ip = ipPackets(cap);
        assertThat(s.ipPackets()).isEqualTo(ip.size()).isPositive();
        long classified = s.rows().stream().mapToLong(Row::packets).sum();
        assertThat(classified).as("every IP packet is seen at its IP packet layer(s)").isGreaterThanOrEqualTo(ip.size());
        assertThat(s.written()).isEqualTo(s.packets());
        // Written as they came: the same frames, link types and times.
        try (CaptureReader a = CaptureReader.open(cap); CaptureReader b = CaptureReader.open(out)) {
            CaptureRecord ra = new CaptureRecord(), rb = new CaptureRecord();
            while (a.next(ra)) {
                assertThat(b.next(rb)).isTrue();
                assertThat(rb.linkType()).isEqualTo(ra.linkType());
                assertThat(rb.timestampNanos()).isEqualTo(ra.timestampNanos());
                assertThat(rb.originalLength()).isEqualTo(ra.originalLength());
                assertThat(rb.segment().asSlice(rb.dataOffset(), rb.capturedLength()).toArray(ValueLayout.JAVA_BYTE))
                        .isEqualTo(ra.segment().asSlice(ra.dataOffset(), ra.capturedLength()).toArray(ValueLayout.JAVA_BYTE));
            }
            assertThat(b.next(rb)).isFalse();
        }
    }

    @Test
    void replayingKnownFlowsAllocatesNothingPerPacket() throws Exception {
        Policy p = policy("""
                filters:
                  - {name: a, layer: FWPM_LAYER_INBOUND_TRANSPORT_V4, action: FWP_ACTION_PERMIT}
                  - {name: b, layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4, action: FWP_ACTION_PERMIT}
                  - {name: c, layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4, action: FWP_ACTION_PERMIT}
                """);
        Path small = new Traffic().tcp("10.0.0.1", 40000, "192.0.2.9", 443, 1000).write(dir.resolve("s.pcapng"));
        Path large = new Traffic().tcp("10.0.0.1", 40000, "192.0.2.9", 443, 5000).write(dir.resolve("l.pcapng"));
        Replay r = Replay.of(p, LocalPrefixes.parse("10.0.0.1"));
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] bytes = new long[2];
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 2; i++) {
                try (CaptureReader reader = CaptureReader.open(i == 0 ? small : large);
                     PcapngWriter w = PcapngWriter.create(dir.resolve("o" + i + ".pcapng"))) {
                    long before = bean.getCurrentThreadAllocatedBytes();
                    r.run(reader, w, null);
                    bytes[i] = bean.getCurrentThreadAllocatedBytes() - before;
                }
            }
        }
        // 8,000 more packets must not cost more than a few bytes each (the per-run setup is the same).
        assertThat(bytes[1] - bytes[0]).as("extra bytes for 8,000 extra packets (%s)", Arrays.toString(bytes))
                .isLessThan(8_000);
    }
}

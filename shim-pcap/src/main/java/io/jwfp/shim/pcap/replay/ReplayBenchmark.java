package io.jwfp.shim.pcap.replay;

import io.jwfp.packet.EthernetView;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.repr.Packets;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.pcap.CaptureReader;
import io.jwfp.shim.pcap.CaptureRecord;
import io.jwfp.shim.pcap.LinkTypes;
import io.jwfp.shim.pcap.PcapngWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The replay benchmark ({@code bench/replay-bench.sh} runs it pinned to one core): generates a capture of TCP
 * connections and DNS-like datagrams, inbound and outbound, and a policy of many filters spread over the layers a
 * replay classifies at, then times, in one JVM, (1) the baseline: reading the capture and parsing every packet (link
 * header, IP, transport) without classifying, and (2) the replay: the same plus flow tracking, classification at every
 * layer with filters, and writing the permitted packets. Prints packets per second of each (best and median of the
 * rounds) and their ratio.
 *
 * <p>Usage: {@code ReplayBenchmark DIR [PACKETS] [FILTERS] [ROUNDS]}; the files are left in DIR (capture, policy,
 * output) so the same capture can be replayed with {@code jwfp replay}. A program, single-threaded.
 */
public final class ReplayBenchmark {
    /** This host: the local prefix of the generated traffic. */
    public static final String LOCAL = "10.0.0.0/16";
    private static final long START_NANOS = 1_700_000_000_000_000_000L;

    private ReplayBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ReplayBenchmark DIR [PACKETS] [FILTERS] [ROUNDS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int packets = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int filters = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Files.createDirectories(dir);
        Path capture = dir.resolve("bench.pcapng");
        Path policyFile = dir.resolve("policy.yaml");
        Path out = dir.resolve("out.pcapng");
        long t0 = System.nanoTime();
        int written = writeCapture(capture, packets);
        Files.writeString(policyFile, policy(filters), StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "generated %,d packets (%,d bytes) and %,d filters in %.1f s%n", written,
                Files.size(capture), filters, (System.nanoTime() - t0) / 1e9);

        Replay replay = Replay.of(PolicyParser.parse(policyFile), LocalPrefixes.parse(LOCAL));
        double[] base = new double[rounds];
        double[] full = new double[rounds];
        ReplaySummary last = null;
        for (int r = 0; r < rounds; r++) {
            base[r] = baseline(capture);
            try (CaptureReader reader = CaptureReader.open(capture); PcapngWriter w = PcapngWriter.create(out)) {
                last = replay.run(reader, w, null);
            }
            full[r] = last.packets() / (last.elapsedNanos() / 1e9);
            System.out.printf(Locale.ROOT, "round %d: baseline %,.0f packets/s, replay %,.0f packets/s%n", r + 1, base[r],
                    full[r]);
        }
        System.out.println();
        System.out.print(last.toText());
        System.out.println();
        double bestBase = Arrays.stream(base).max().orElse(0), bestFull = Arrays.stream(full).max().orElse(0);
        double medBase = median(base), medFull = median(full);
        System.out.printf(Locale.ROOT, "baseline (read + parse, no classification): best %,.0f packets/s, median %,.0f%n",
                bestBase, medBase);
        System.out.printf(Locale.ROOT, "replay (%,d filters, flows, classification, --out): best %,.0f packets/s, median %,.0f%n",
                filters, bestFull, medFull);
        System.out.printf(Locale.ROOT, "replay / baseline: %.2f (median)%n", medFull / medBase);
        System.out.printf(Locale.ROOT, "target 1,000,000 packets/s: %s%n", medFull >= 1_000_000 ? "met" : "NOT met");
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Reads and parses every packet, as a replay does before it classifies; returns packets per second. */
    static double baseline(Path capture) throws Exception {
        EthernetView eth = new EthernetView();
        ParsedPacket p = new ParsedPacket();
        CaptureRecord rec = new CaptureRecord();
        long n = 0, sum = 0;
        long start = System.nanoTime();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            while (reader.next(rec)) {
                n++;
                int off = LinkTypes.ipOffset(rec.linkType(), rec.segment(), rec.dataOffset(), rec.capturedLength(), eth);
                if (off >= 0 && PacketParser.parseIp(rec.segment(), rec.dataOffset() + off, rec.capturedLength() - off, p)) {
                    sum += p.srcPort() + p.protocol();
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        if (sum == 42) System.out.print(""); // keeps the parse from being optimized away
        return n / (elapsed / 1e9);
    }

    /**
     * Writes about {@code packets} Ethernet frames: TCP connections (handshake, 6 data segments with their ACKs, FIN
     * exchange: 18 packets; a third opened by remote hosts to local servers) and DNS exchanges (2 packets), interleaved
     * 64 connections at a time so flows overlap as on a real link.
     */
    static int writeCapture(Path file, int packets) throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] mac = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
        int n = 0;
        try (PcapngWriter w = PcapngWriter.create(file)) {
            int id = w.addInterface(LinkTypes.ETHERNET, 0);
            MemorySegment head = MemorySegment.ofArray(mac);
            long t = START_NANOS;
            int conn = 0;
            while (n < packets) {
                List<byte[]>[] flows = newLists(64);
                for (int i = 0; i < 64; i++) flows[i] = connection(rnd, conn++);
                // Round-robin over the batch: every flow advances one packet at a time.
                boolean any = true;
                for (int step = 0; any && n < packets; step++) {
                    any = false;
                    for (List<byte[]> f : flows) {
                        if (step >= f.size() || n >= packets) continue;
                        any = true;
                        byte[] ip = f.get(step);
                        w.writePacket(id, t, 14 + ip.length, head, 0, 14, MemorySegment.ofArray(ip), 0, ip.length);
                        t += 1_000;
                        n++;
                    }
                }
            }
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]>[] newLists(int n) {
        return new List[n];
    }

    private static List<byte[]> connection(SplittableRandom rnd, int i) {
        InetAddress local = addr(10, 0, rnd.nextInt(256), 1 + rnd.nextInt(250));
        InetAddress remote = addr(198, 51, rnd.nextInt(256), 1 + rnd.nextInt(250));
        int kind = i % 6;
        if (kind == 5) { // a DNS query and its answer
            int sport = 10_000 + rnd.nextInt(50_000);
            return List.of(Packets.udp(local, remote, sport, 53, new byte[40]), Packets.udp(remote, local, 53, sport, new byte[120]));
        }
        boolean inbound = kind == 4 || kind == 3;
        InetAddress client = inbound ? remote : local, server = inbound ? local : remote;
        int cport = 10_000 + rnd.nextInt(50_000);
        int sport = inbound ? (kind == 3 ? 22 : 8443) : (rnd.nextInt(4) == 0 ? 80 : 443);
        long cs = rnd.nextInt(1 << 30), ss = rnd.nextInt(1 << 30);
        int a = TcpView.FLAG_ACK;
        java.util.ArrayList<byte[]> p = new java.util.ArrayList<>();
        p.add(Packets.tcp(client, server, cport, sport, cs, 0, TcpView.FLAG_SYN, 64000, List.of(), new byte[0]));
        p.add(Packets.tcp(server, client, sport, cport, ss, cs + 1, TcpView.FLAG_SYN | a, 64000, List.of(), new byte[0]));
        p.add(Packets.tcp(client, server, cport, sport, cs + 1, ss + 1, a, 64000, List.of(), new byte[0]));
        for (int k = 0; k < 6; k++) {
            p.add(Packets.tcp(client, server, cport, sport, cs + 1 + k * 100L, ss + 1, a | TcpView.FLAG_PSH, 64000, List.of(), new byte[100]));
            p.add(Packets.tcp(server, client, sport, cport, ss + 1, cs + 101 + k * 100L, a, 64000, List.of(), new byte[0]));
        }
        p.add(Packets.tcp(client, server, cport, sport, cs + 601, ss + 1, TcpView.FLAG_FIN | a, 64000, List.of(), new byte[0]));
        p.add(Packets.tcp(server, client, sport, cport, ss + 1, cs + 602, TcpView.FLAG_FIN | a, 64000, List.of(), new byte[0]));
        p.add(Packets.tcp(client, server, cport, sport, cs + 602, ss + 2, a, 64000, List.of(), new byte[0]));
        return p;
    }

    private static InetAddress addr(int a, int b, int c, int d) {
        return InetAddress.ofLiteral(a + "." + b + "." + c + "." + d);
    }

    /**
     * A policy of {@code n} filters over the layers the replay classifies at: most name hosts and ports the traffic
     * does not use (as in a real rule set, few rules match a given packet), a few match: blocked remote networks at
     * ALE_AUTH_CONNECT, a blocked local service (port 22) at ALE_AUTH_RECV_ACCEPT, a blocked subnet at
     * OUTBOUND_IPPACKET.
     */
    static String policy(int n) {
        StringBuilder sb = new StringBuilder("# Generated by ReplayBenchmark: " + n + " filters.\nfilters:\n");
        String[] layers = {"FWPM_LAYER_ALE_AUTH_CONNECT_V4", "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4",
                "FWPM_LAYER_INBOUND_TRANSPORT_V4", "FWPM_LAYER_OUTBOUND_TRANSPORT_V4", "FWPM_LAYER_INBOUND_IPPACKET_V4",
                "FWPM_LAYER_OUTBOUND_IPPACKET_V4", "FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4", "FWPM_LAYER_DATAGRAM_DATA_V4"};
        int matching = 0;
        for (int i = 0; i < n; i++) {
            String layer = layers[i % layers.length];
            String cond;
            String action = "FWP_ACTION_BLOCK";
            if (i == 0) {
                cond = "{field: FWPM_CONDITION_IP_REMOTE_ADDRESS, value: 198.51.7.0/24}";
                matching++;
            } else if (i == 1) {
                cond = "{field: FWPM_CONDITION_IP_LOCAL_PORT, value: 22}";
                matching++;
            } else if (i == 5) {
                cond = "{field: FWPM_CONDITION_IP_REMOTE_ADDRESS, value: 198.51.200.0/24}";
                matching++;
            } else {
                int k = i;
                cond = switch (layer.contains("IPPACKET") ? 0 : i % 3) { // the IP packet layers have no ports
                    case 0 -> "{field: FWPM_CONDITION_IP_REMOTE_ADDRESS, value: 203." + (k >> 8 & 255) + "." + (k & 255) + ".0/24}";
                    case 1 -> "{field: FWPM_CONDITION_IP_REMOTE_PORT, value: " + (1000 + k) + "}";
                    default -> "{field: FWPM_CONDITION_IP_LOCAL_PORT, value: " + (3000 + k) + "}";
                };
                if (i % 7 == 0) action = "FWP_ACTION_PERMIT";
            }
            sb.append("  - name: f").append(i).append('\n');
            sb.append("    layer: ").append(layer).append('\n');
            sb.append("    conditions: [").append(cond).append("]\n");
            sb.append("    action: ").append(action).append('\n');
        }
        sb.append("# ").append(matching).append(" of them match some of the generated traffic.\n");
        return sb.toString();
    }
}

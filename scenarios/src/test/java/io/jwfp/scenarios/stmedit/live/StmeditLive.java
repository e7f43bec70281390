package io.jwfp.scenarios.stmedit.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.callouts.samples.stmedit.StmeditPolicy;
import io.jwfp.scenarios.live.Background;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.Checksums;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SE scenarios' live testbed (seed-samples §12, stmedit): T2 ({@link TwoNamespaces}: A 10.200.0.1 / fd00:200::1
 * on {@code va}, B .2 / ::2 on {@code vb}); jwfpd in A with {@code stmedit-packet} (the policy
 * {@link StmeditPolicy#packetYaml} writes, as {@code examples/policies/samples/stmedit-packet.yaml} for the defaults);
 * the recorder server ({@code recorder.py}, python3) in A, the client ({@code client.py}) in B — real sockets of the
 * Linux stack at both ends, nothing of jwfp's in between but jwfpd.
 */
final class StmeditLive implements AutoCloseable {
    static final String STOP_CALLOUT = "stmedit-packet-in-V4"; // any of the four: they share one editor

    final TwoNamespaces net;
    final Path dir;
    final Path recorderPy;
    final Path clientPy;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    StmeditLive(TwoNamespaces net, Path dir) throws IOException {
        this.net = net;
        this.dir = dir;
        this.recorderPy = script(dir, "recorder.py");
        this.clientPy = script(dir, "client.py");
    }

    private static Path script(Path dir, String name) throws IOException {
        try (InputStream in = StmeditLive.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("resource " + name + " missing");
            return Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    /** jwfpd in A with the stmedit-packet policy for these registry values (defaults for the others). */
    LiveJwfpd jwfpd(Map<String, ?> values) throws Exception {
        Path where = Files.createTempDirectory(dir, "jwfpd");
        LiveJwfpd j = LiveJwfpd.startWithPolicy(net.a, where, StmeditPolicy.packetYaml(values));
        cleanup.add(j);
        return j;
    }

    // ------------------------------------------------------------------------------------------------ recorder

    /** The recorder server in A. */
    final class Recorder implements AutoCloseable {
        final Path out;
        private final Background process;

        Recorder(int port, boolean v6, String... reply) throws Exception {
            out = Files.createTempDirectory(dir, "rec" + port);
            List<String> cmd = new ArrayList<>(List.of("python3", recorderPy.toString(), "--port", Integer.toString(port),
                    "--dir", out.toString()));
            if (v6) cmd.add("--v6");
            cmd.addAll(List.of(reply));
            process = Background.start(net.a, out, "server", cmd.toArray(String[]::new));
            cleanup.add(this);
            process.await("ready");
        }

        /** Waits until connection {@code n} (from 1) is finished, at most {@code seconds}. */
        Recorded awaitConnection(int n, int seconds) throws Exception {
            Path done = out.resolve(n + ".done");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!Files.exists(done)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("connection " + n + " not finished within " + seconds + " s; log: "
                            + (Files.exists(out.resolve(n + ".log")) ? tail(Files.readString(out.resolve(n + ".log"))) : "none"));
                }
                Thread.sleep(20);
            }
            return new Recorded(Files.readAllBytes(out.resolve(n + ".bin")),
                    Files.readAllLines(out.resolve(n + ".log")), Files.readString(out.resolve(n + ".tcp")));
        }

        /** The bytes connection {@code n} received so far (by its recv log; 0 before it exists). */
        long receivedSoFar(int n) throws IOException {
            Path log = out.resolve(n + ".log");
            if (!Files.exists(log)) return 0;
            long sum = 0;
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split(" ");
                if (f.length == 2 && !f[0].equals("reset")) sum += Long.parseLong(f[1]);
            }
            return sum;
        }

        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    /** What the recorder saw on one connection: its bytes, its recv log ("time count" lines, then eof/reset). */
    record Recorded(byte[] bytes, List<String> log, String tcp) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        boolean endedWithEof() {
            return !log.isEmpty() && log.getLast().equals("eof");
        }

        /** CLOCK_MONOTONIC time of the first recv() with data. */
        double firstDataAt() {
            return Double.parseDouble(log.getFirst().split(" ")[0]);
        }

        TcpCounters counters() {
            return TcpCounters.parse(tcp);
        }
    }

    /** tcpi_total_retrans and tcpi_segs_out of a connection (what {@code ss -ti} shows as retrans:…/N, segs_out). */
    record TcpCounters(long retransmitted, long segmentsOut) {
        private static final Pattern P = Pattern.compile("retrans (\\d+) segs_out (\\d+)");

        static TcpCounters parse(String text) {
            Matcher m = P.matcher(text);
            if (!m.find()) throw new AssertionError("no TCP counters in: " + text);
            return new TcpCounters(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }

        double retransmittedShare() {
            return segmentsOut == 0 ? 0 : (double) retransmitted / segmentsOut;
        }
    }

    // ------------------------------------------------------------------------------------------------ client

    /** The client's run: exit code, its output lines, what it read. */
    record ClientRun(int exitCode, String output, byte[] reply) {
        String replyText() {
            return new String(reply, StandardCharsets.UTF_8);
        }

        boolean sawEof() {
            return exitCode == 0 && output.lines().anyMatch("eof"::equals);
        }

        double sentAt() {
            return output.lines().filter(l -> l.startsWith("sent ")).mapToDouble(l -> Double.parseDouble(l.substring(5)))
                    .findFirst().orElseThrow(() -> new AssertionError("client printed no 'sent': " + output));
        }

        TcpCounters counters() {
            return TcpCounters.parse(output);
        }
    }

    /** Runs the client in B against {@code host:port} with {@code args} (--text, --chunks, --file …). */
    ClientRun client(String host, int port, int timeoutSeconds, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "reply", ".bin");
        List<String> cmd = new ArrayList<>(List.of("python3", clientPy.toString(), host, Integer.toString(port),
                "--out", out.toString(), "--timeout", Integer.toString(timeoutSeconds)));
        cmd.addAll(List.of(args));
        TwoNamespaces.Result r = net.run(net.b, timeoutSeconds + 10, cmd.toArray(String[]::new));
        return new ClientRun(r.exitCode(), r.output(), Files.readAllBytes(out));
    }

    /** Starts the client in B in the background (for transfers the test interrupts); its output goes to a file. */
    Process clientInBackground(Path output, String host, int port, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.b, "python3", clientPy.toString(), host,
                Integer.toString(port), "--timeout", "60"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        p.getOutputStream().close();
        cleanup.add(p::destroyForcibly);
        return p;
    }

    // ------------------------------------------------------------------------------------------------ capture

    /** tcpdump in B on {@code vb}: whole packets of TCP port 8888 (checksums need all the bytes), a large buffer. */
    final class WireCapture implements AutoCloseable {
        final Path pcap;
        private final Capture tcpdump;

        WireCapture(String name) throws Exception {
            pcap = dir.resolve(name + ".pcap");
            tcpdump = Capture.into(pcap, net.b, "vb", List.of("-B", "65536"), "tcp", "port", "8888");
            cleanup.add(this);
        }

        /** Stops the capture (tcpdump writes what it has) and checks the packets {@code from} sent. */
        Wire stopAndCheck(InetAddress from, int fromPort) throws Exception {
            Thread.sleep(1000); // the last packets reach tcpdump
            close();
            String report = tcpdump.report();
            Matcher dropped = Pattern.compile("(\\d+) packets? dropped by kernel").matcher(report);
            assertThat(dropped.find() ? Long.parseLong(dropped.group(1)) : -1).as("tcpdump: " + report).isZero();
            return Wire.read(pcap, from, fromPort);
        }

        @Override
        public void close() throws InterruptedException {
            tcpdump.close();
        }
    }

    /**
     * The TCP packets one side sent, read from a capture (classic pcap, Ethernet): how many carry a valid checksum,
     * how many the partial one a sender leaves for checksum offload (the pseudo-header sum; a NIC would complete
     * it, a veth hands it on and the receiver trusts it), how many a wrong one; and FIN/RST counts.
     */
    record Wire(int packets, int correct, int offloadPartial, int wrong, int fins, int resets, String firstWrong) {
        /** The packets {@code from} sent from {@code fromPort} (-1: any port). */
        static Wire read(Path pcap, InetAddress from, int fromPort) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap));
            int magic = b.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) b.order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getInt(20)).as("link type Ethernet").isEqualTo(1);
            byte[] want = from.getAddress();
            int packets = 0, correct = 0, partial = 0, wrong = 0, fins = 0, resets = 0;
            String firstWrong = null;
            ParsedPacket p = new ParsedPacket();
            for (int at = 24; at + 16 <= b.limit(); ) {
                int caplen = b.getInt(at + 8), len = b.getInt(at + 12);
                int frame = at + 16;
                at = frame + caplen;
                if (caplen != len || caplen < 14 + 20) continue;
                MemorySegment seg = MemorySegment.ofArray(b.array());
                if (!PacketParser.parseIp(seg, frame + 14, caplen - 14, p, ChecksumPolicy.VERIFY)
                        || p.protocol() != IpProtocol.TCP || (fromPort >= 0 && p.srcPort() != fromPort)) continue;
                byte[] src = Arrays.copyOfRange(b.array(), frame + 14 + (p.ipVersion() == 4 ? 12 : 8),
                        frame + 14 + (p.ipVersion() == 4 ? 16 : 24));
                if (!Arrays.equals(src, want)) continue;
                packets++;
                int t = (int) p.transportOffset();
                int flags = b.get(t + 13) & 0xFF;
                if ((flags & 0x01) != 0) fins++;
                if ((flags & 0x04) != 0) resets++;
                if (!p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)) {
                    correct++;
                    continue;
                }
                int field = (b.array()[t + 16] & 0xFF) << 8 | b.array()[t + 17] & 0xFF;
                int tlen = p.transportLength();
                int pseudo = p.ipVersion() == 4
                        ? Checksums.pseudoHeaderV4(p.srcV4(), p.dstV4(), IpProtocol.TCP, tlen)
                        : Checksums.pseudoHeaderV6(p.srcHi(), p.srcLo(), p.dstHi(), p.dstLo(), IpProtocol.TCP, tlen);
                if (field == pseudo) {
                    partial++;
                } else {
                    wrong++;
                    if (firstWrong == null) firstWrong = "packet " + packets + ": field 0x" + Integer.toHexString(field);
                }
            }
            return new Wire(packets, correct, partial, wrong, fins, resets, firstWrong);
        }
    }

    // ------------------------------------------------------------------------------------------------ data

    /**
     * {@code size} bytes of random text that cannot contain any pattern by chance (no 'y', which every pattern
     * ends with), with {@code count} planted "rainy": one in each of {@code count} equal slots, straddling a segment
     * boundary (a multiple of 1448 or 1428, the IPv4 and IPv6 payload sizes with timestamps) where the slot holds
     * one, at a random place otherwise.
     */
    static byte[] plantedText(int size, int count, long seed) {
        Random r = new Random(seed);
        byte[] alphabet = "abcdefghijklmnopqrstuvwxz .,\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = alphabet[r.nextInt(alphabet.length)];
        byte[] rainy = "rainy".getBytes(StandardCharsets.US_ASCII);
        int slot = size / count;
        for (int k = 0; k < count; k++) {
            int start = k * slot, end = start + slot - rainy.length;
            int at = -1;
            for (int mss : new int[] {1448, 1428}) {
                int boundary = ((start + 2 + mss - 1) / mss) * mss; // first boundary with room for 2 bytes before it
                if (boundary - 2 >= start && boundary - 2 <= end) at = boundary - 2;
            }
            if (at < 0) at = start + r.nextInt(end - start + 1);
            System.arraycopy(rainy, 0, b, at, rainy.length);
        }
        return b;
    }

    static byte[] replaceAll(byte[] in, String find, String with) {
        return new String(in, StandardCharsets.ISO_8859_1).replace(find, with).getBytes(StandardCharsets.ISO_8859_1);
    }

    static int count(byte[] in, String what) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) n++;
        return n;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static String tail(String s) {
        return s.length() <= 2000 ? s : "…" + s.substring(s.length() - 2000);
    }

    /** Sets A's veth offloads: "on" (the veth defaults) or "off" (checksum, scatter-gather and segmentation). */
    void offloads(String state) throws Exception {
        net.exec(net.a, "ethtool", "-K", "va", "tx", state, "sg", state, "tso", state, "gso", state);
        String k = net.exec(net.a, "ethtool", "-k", "va");
        assertThat(k).contains("tx-checksumming: " + state).contains("tcp-segmentation-offload: " + state);
    }

    @Override
    public void close() {
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // next
            }
        }
        cleanup.clear();
    }
}

package io.jwfp.scenarios.stmedit.live;

import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V6;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * stmedit's scenarios SE-1…SE-4 (seed-samples §12) on live traffic: jwfpd in namespace A with the
 * {@code stmedit-packet} policy, the recorder server on A's TCP 8888, the client in B (see {@link StmeditLive}).
 * What the simulator checks in its trace (sublayer order, defer/continue) has no packet-layer counterpart; each test
 * says what it checks instead. Runs as root; skips where the machine lacks something.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StmeditLiveTest {
    private static TwoNamespaces net;

    @TempDir
    Path dir;
    private StmeditLive live;

    @BeforeAll
    static void setUp() throws Exception {
        TwoNamespaces.assumeLiveEnvironment();
        assumeTrue(TwoNamespaces.onPath("python3"), "python3 is not installed (apt-get install python3)");
        net = TwoNamespaces.create("stmedit");
    }

    @AfterAll
    static void tearDown() {
        if (net != null) net.close();
    }

    @BeforeEach
    void testbed() throws Exception {
        live = new StmeditLive(net, dir);
    }

    @AfterEach
    void cleanUp() throws Exception {
        live.close();
        net.flushRules(); // a killed jwfpd leaves its rules; the next test starts clean
        live.offloads("on");
    }

    private static String host(boolean v6) {
        return v6 ? A_V6 : A_V4;
    }

    private static JsonNode stats(LiveJwfpd j) throws Exception {
        return j.calloutControl(StmeditLive.STOP_CALLOUT, "stats", Map.of());
    }

    // ------------------------------------------------------------------------------------------------ SE-1

    @ParameterizedTest(name = "IPv6 {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("SE-1 live: chained edit both ways; MultipleCallouts=0 the single edit; port 8889 untouched")
    void se1ChainedEdit(boolean v6) throws Exception {
        LiveJwfpd j = live.jwfpd(Map.of());
        StmeditLive.Recorder edited = live.new Recorder(8888, v6, "--reply", "rainy cloudy");
        StmeditLive.Recorder untouched = live.new Recorder(8889, v6, "--reply", "rainy cloudy");

        StmeditLive.ClientRun c = live.client(host(v6), 8888, 20, "--text", "rainy day, cloudy night");
        assertThat(c.sawEof()).as(c.output()).isTrue();
        // Both edits ran, in the sample's order: set 1 (rainy -> cloudy) then set 2 (cloudy -> sunny). On the packet
        // layers the two sets are one chained transform, so the simulator's trace check (the 0x40 sublayer's callout
        // first, injected data reaching only the 0x20 one) becomes this check of the rewritten payloads.
        assertThat(edited.awaitConnection(1, 20).text()).isEqualTo("sunny day, sunny night");
        assertThat(c.replyText()).isEqualTo("sunny sunny");

        StmeditLive.ClientRun other = live.client(host(v6), 8889, 20, "--text", "rainy day, cloudy night");
        assertThat(other.sawEof()).as(other.output()).isTrue();
        assertThat(untouched.awaitConnection(1, 20).text()).isEqualTo("rainy day, cloudy night");
        assertThat(other.replyText()).isEqualTo("rainy cloudy");
        JsonNode s = stats(j);
        assertThat(s.path("connections").asLong()).as("only the 8888 connection is edited: " + s).isEqualTo(1);
        assertThat(s.path("injectFailures").asLong()).isZero();
        j.terminate();

        LiveJwfpd single = live.jwfpd(Map.of("MultipleCallouts", 0));
        StmeditLive.ClientRun c0 = live.client(host(v6), 8888, 20, "--text", "rainy day, cloudy night");
        assertThat(c0.sawEof()).as(c0.output()).isTrue();
        assertThat(edited.awaitConnection(2, 20).text()).isEqualTo("cloudy day, cloudy night");
        assertThat(c0.replyText()).isEqualTo("cloudy cloudy");
        single.terminate();
    }

    // ------------------------------------------------------------------------------------------------ SE-2

    @Test
    @DisplayName("SE-2 live: \"r\",\"ai\",\"ny\" 300 ms apart become \"sunny\"; \"it will rain\" + shutdown arrives whole before EOF")
    void se2SplitPatternsAndFin() throws Exception {
        LiveJwfpd j = live.jwfpd(Map.of());
        StmeditLive.Recorder rec = live.new Recorder(8888, false, "--reply", "ok");

        StmeditLive.ClientRun c = live.client(A_V4, 8888, 20, "--chunks", "r,ai,ny", "--gap", "0.3");
        assertThat(c.sawEof()).as(c.output()).isTrue();
        StmeditLive.Recorded r = rec.awaitConnection(1, 20);
        assertThat(r.text()).isEqualTo("sunny");
        // Nothing was delivered before the last write: "r" and "rai" were held as partial matches (600 ms earlier).
        assertThat(r.firstDataAt()).as("first data at vs. last write at").isGreaterThan(c.sentAt() - 0.1);

        StmeditLive.ClientRun fin = live.client(A_V4, 8888, 20, "--text", "it will rain");
        assertThat(fin.sawEof()).as(fin.output()).isTrue();
        StmeditLive.Recorded rf = rec.awaitConnection(2, 20);
        // The held "rain" went out with the FIN, before it: the server reads all of it, then EOF.
        assertThat(rf.text()).isEqualTo("it will rain");
        assertThat(rf.endedWithEof()).as(rf.log().toString()).isTrue();
        assertThat(fin.replyText()).isEqualTo("ok");
        JsonNode s = stats(j);
        assertThat(s.path("closed").asLong()).as(s.toString()).isEqualTo(s.path("connections").asLong());
    }

    // ------------------------------------------------------------------------------------------------ SE-3

    @ParameterizedTest(name = "offloads {0} on A's veth, IPv6 {1}")
    @org.junit.jupiter.params.provider.CsvSource({"on,false", "off,false", "on,true"})
    @DisplayName("SE-3 live: 4 MiB with 100 000 length-changing edits, exact sha256 both ways, FIN without RST, < 1 % retransmissions, < 30 s")
    void se3LengthChangeAtVolume(String offloads, boolean v6) throws Exception {
        live.offloads(offloads);
        byte[] text = StmeditLive.plantedText(4 << 20, 100_000, 3);
        assertThat(StmeditLive.count(text, "rainy")).isEqualTo(100_000);
        Path file = Files.write(dir.resolve("se3.txt"), text);
        byte[] expected = StmeditLive.replaceAll(text, "rainy", "cloudy");
        assertThat(expected).hasSize((4 << 20) + 100_000);

        LiveJwfpd j = live.jwfpd(Map.of("MultipleCallouts", 0));
        StmeditLive.Recorder rec = live.new Recorder(8888, v6, "--echo");
        StmeditLive.WireCapture cap = live.new WireCapture("se3-" + offloads + (v6 ? "-v6" : ""));
        long t0 = System.nanoTime();
        StmeditLive.ClientRun c = live.client(host(v6), 8888, 60, "--file", file.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        StmeditLive.Recorded r = rec.awaitConnection(1, 30);
        StmeditLive.Wire wire = cap.stopAndCheck(java.net.InetAddress.getByName(host(v6)), 8888);

        assertThat(StmeditLive.sha256(r.bytes())).as("A records exactly the edited stream")
                .isEqualTo(StmeditLive.sha256(expected));
        assertThat(StmeditLive.sha256(c.reply())).as("B reads back exactly what A recorded")
                .isEqualTo(StmeditLive.sha256(r.bytes()));
        assertThat(c.sawEof()).as("the client ends with EOF, no reset: " + c.output()).isTrue();
        assertThat(r.endedWithEof()).isTrue();
        assertThat(seconds).as("transfer time in seconds").isLessThan(30);

        // Checksums of what A sent, verified on B's side of the veth: none wrong. Packets the kernel hands the device
        // as GSO super-packets with tx offload on carry the partial (pseudo-header) sum the device would complete:
        // the stack re-prepares it even for super-packets jwfpd rewrote with a full checksum. Offloads off: all
        // complete.
        assertThat(wire.packets()).as("A's packets on the wire").isGreaterThan(100);
        assertThat(wire.wrong()).as(wire.toString()).isZero();
        if (offloads.equals("off")) assertThat(wire.offloadPartial()).as(wire.toString()).isZero();
        assertThat(wire.fins()).as("A closes with a FIN: " + wire).isPositive();
        assertThat(wire.resets()).as("no RST from A: " + wire).isZero();
        StmeditLive.Wire fromB = StmeditLive.Wire.read(cap.pcap, java.net.InetAddress.getByName(v6 ? B_V6 : B_V4), -1);
        assertThat(fromB.fins()).as("B closes with a FIN: " + fromB).isPositive();
        assertThat(fromB.resets()).as("no RST from B: " + fromB).isZero();
        for (StmeditLive.TcpCounters t : List.of(c.counters(), r.counters())) {
            assertThat(t.retransmittedShare()).as("retransmissions " + t).isLessThan(0.01);
        }
        JsonNode s = stats(j);
        assertThat(s.path("closed").asLong()).as(s.toString()).isEqualTo(1);
        assertThat(s.path("injectFailures").asLong()).as(s.toString()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ SE-4

    @Test
    @DisplayName("SE-4 live: 64 MiB without the pattern at full speed arrive identical; the rewriter's kept bytes stay bounded")
    void se4VolumeWithoutThePattern() throws Exception {
        // Random text without 'y': neither pattern can occur (every one ends with 'y').
        byte[] chunk = StmeditLive.plantedText(1 << 20, 1, 4);
        chunk = StmeditLive.replaceAll(chunk, "rainy", "rainz");
        byte[] data = new byte[64 << 20];
        for (int i = 0; i < 64; i++) System.arraycopy(chunk, 0, data, i << 20, chunk.length);
        Path file = Files.write(dir.resolve("se4.txt"), data);

        LiveJwfpd j = live.jwfpd(Map.of());
        StmeditLive.Recorder rec = live.new Recorder(8888, false, "--reply", "done");
        StmeditLive.ClientRun c = live.client(A_V4, 8888, 120, "--file", file.toString());
        StmeditLive.Recorded r = rec.awaitConnection(1, 60);
        assertThat(c.sawEof()).as(c.output()).isTrue();
        assertThat(StmeditLive.sha256(r.bytes())).isEqualTo(StmeditLive.sha256(data));
        assertThat(c.replyText()).isEqualTo("done");

        // No stream layer, no defer: TCP's window is the back-pressure. What the rewriter keeps is the edited data
        // the receiver has not acknowledged yet, so it is bounded by A's receive buffer (tcp_rmem's maximum), however
        // long the transfer; plus at most 1 MiB held behind a gap.
        long rmemMax = Long.parseLong(net.exec(net.a, "cat", "/proc/sys/net/ipv4/tcp_rmem").trim().split("\\s+")[2]);
        JsonNode s = stats(j);
        assertThat(s.path("keptBytesMax").asLong()).as(s.toString()).isPositive().isLessThanOrEqualTo(rmemMax + 65_536);
        assertThat(s.path("aheadBytesMax").asLong()).as(s.toString()).isLessThanOrEqualTo(1 << 20);
        assertThat(s.path("keptBytes").asLong()).as("nothing kept once the connection closed").isZero();
        assertThat(s.path("closed").asLong()).isEqualTo(1);
    }

    /** Sends two halves with length-changing edits in the first; between them the test acts ({@code between}). */
    private record Halves(byte[] first, byte[] second, Path file, Path go, Path clientOut) {}

    private Halves halves() throws Exception {
        byte[] first = StmeditLive.plantedText(4 << 20, 20_000, 5);
        byte[] second = StmeditLive.plantedText(4 << 20, 20_000, 6);
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return new Halves(first, second, Files.write(dir.resolve("halves.txt"), both), dir.resolve("go"),
                dir.resolve("client.out"));
    }

    private Process startHalves(Halves h, StmeditLive.Recorder rec, long firstEdited) throws Exception {
        Process client = live.clientInBackground(h.clientOut(), A_V4, 8888, "--out", dir.resolve("reply.bin").toString(),
                "--file", h.file().toString(), "--pause-after", Integer.toString(h.first().length), "--go", h.go().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rec.receivedSoFar(1) < firstEdited) {
            assertThat(System.nanoTime()).as("first half received; client: " + Files.readString(h.clientOut()))
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        Thread.sleep(300); // A's last acknowledgements of the first half are through jwfpd
        return client;
    }

    @Test
    @DisplayName("SE-4 live: stmedit-packet stop mid-transfer: edits end, the edited connection keeps being renumbered and completes")
    void se4StopMidTransfer() throws Exception {
        Halves h = halves();
        byte[] firstEdited = StmeditLive.replaceAll(h.first(), "rainy", "cloudy");
        LiveJwfpd j = live.jwfpd(Map.of("MultipleCallouts", 0));
        StmeditLive.Recorder rec = live.new Recorder(8888, false, "--echo");
        Process client = startHalves(h, rec, firstEdited.length);

        JsonNode stopped = j.calloutControl(StmeditLive.STOP_CALLOUT, "stop", Map.of());
        assertThat(stopped.path("stopping").asBoolean()).isTrue();
        Files.createFile(h.go());
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(h.clientOut());
        assertThat(client.exitValue()).as(out).isZero();
        assertThat(out).contains("eof");

        // Edited before the stop, unedited after it: the second half's "rainy" arrive as they were sent.
        byte[] expected = Arrays.copyOf(firstEdited, firstEdited.length + h.second().length);
        System.arraycopy(h.second(), 0, expected, firstEdited.length, h.second().length);
        StmeditLive.Recorded r = rec.awaitConnection(1, 30);
        assertThat(StmeditLive.sha256(r.bytes())).isEqualTo(StmeditLive.sha256(expected));
        assertThat(StmeditLive.sha256(Files.readAllBytes(dir.resolve("reply.bin")))).isEqualTo(StmeditLive.sha256(expected));
        assertThat(r.endedWithEof()).isTrue();

        // A connection opened after the stop is not taken at all.
        StmeditLive.ClientRun after = live.client(A_V4, 8888, 20, "--text", "rainy");
        assertThat(after.replyText()).isEqualTo("rainy");
        JsonNode s = stats(j);
        assertThat(s.path("connections").asLong()).as(s.toString()).isEqualTo(1);
        assertThat(s.path("closed").asLong()).as("every edited connection closed: the policy may go now").isEqualTo(1);
    }

    @Test
    @DisplayName("SE-4 live: jwfpd killed after length-changing edits: nothing renumbers any more, the receiver loses exactly the added bytes")
    void se4KilledMidTransferAfterLengthChangingEdits() throws Exception {
        Halves h = halves();
        byte[] firstEdited = StmeditLive.replaceAll(h.first(), "rainy", "cloudy");
        int added = firstEdited.length - h.first().length; // 20 000
        LiveJwfpd j = live.jwfpd(Map.of("MultipleCallouts", 0));
        StmeditLive.Recorder rec = live.new Recorder(8888, false, "--echo");
        Process client = startHalves(h, rec, firstEdited.length);

        j.kill(); // SIGKILL: the fail-open rules stay, packets now pass without jwfpd
        Files.createFile(h.go());
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        StmeditLive.Recorded r = rec.awaitConnection(1, 30);

        // A's TCP counts the first half in the edited numbering, B's in the original one: B's second half arrives
        // `added` bytes "too early", so A takes its first `added` bytes for duplicates and drops them. The connection
        // ends normally (FIN, EOF) with those bytes silently missing. That is why `stop` comes before the policy goes.
        byte[] expected = Arrays.copyOf(firstEdited, firstEdited.length + h.second().length - added);
        System.arraycopy(h.second(), added, expected, firstEdited.length, h.second().length - added);
        assertThat(r.bytes().length).isEqualTo(expected.length);
        assertThat(StmeditLive.sha256(r.bytes())).isEqualTo(StmeditLive.sha256(expected));
        assertThat(r.endedWithEof()).isTrue();
        assertThat(new String(r.bytes(), firstEdited.length, 20, StandardCharsets.ISO_8859_1))
                .isNotEqualTo(new String(h.second(), 0, 20, StandardCharsets.ISO_8859_1));
    }
}

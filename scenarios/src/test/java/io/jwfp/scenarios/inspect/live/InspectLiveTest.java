package io.jwfp.scenarios.inspect.live;

import static io.jwfp.shim.nfqueue.ThreeNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.A_V6;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.B_V6;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.C_V4;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.scenarios.live.Background;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveApps;
import io.jwfp.scenarios.live.LiveBed;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.scenarios.support.JwfpCli;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.nfqueue.ThreeNamespaces;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspect sample on live traffic (seed-samples §4, §12 INS-1…4): jwfpd with {@code examples/policies/samples/
 * inspect.yaml} (or inspect-v6.yaml) in namespace A of the T3 testbed, inspecting B's address; C is not inspected.
 * Real programs at both ends ({@code live/tools.py}, curl, ping), tcpdump on the bridge.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InspectLiveTest {
    private static ThreeNamespaces t;

    @TempDir
    Path dir;
    private LiveBed bed;
    private LiveJwfpd jwfpd;

    @BeforeAll
    static void createTestbed() throws Exception {
        LiveApps.assumeTools("python3", "curl", "ping", "tcpdump");
        t = ThreeNamespaces.create("ins");
    }

    @AfterAll
    static void removeTestbed() {
        if (t != null) t.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        bed = new LiveBed(t, dir.resolve("bed"));
    }

    @AfterEach
    void tearDown() throws Exception {
        bed.stopAll();
        if (jwfpd != null) jwfpd.close();
    }

    private LiveJwfpd start(Path policy) throws Exception {
        jwfpd = LiveJwfpd.start(t.a, dir.resolve("jwfpd"), policy);
        return jwfpd;
    }

    private JsonNode inspectStatus() throws Exception {
        JwfpCli.Run r = jwfpd.jwfp("callout", "control", "inspect-connect-v4", "status");
        assertThat(r.rc()).as(r.err()).isZero();
        return io.jwfp.daemon.mgmt.Protocol.JSON.readTree(r.out());
    }

    private static Path randomFile(Path dir, String name, int bytes) throws Exception {
        byte[] b = new byte[bytes];
        new Random(bytes).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /** Each payload the UDP server logged, with how often it arrived. */
    private static Map<String, Long> arrivals(Path log) throws Exception {
        if (!Files.exists(log)) return Map.of();
        return Files.readAllLines(log).stream().map(l -> l.split(" ")[0])
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    @DisplayName("INS-1 live: permit mode is lossless (10 MiB TCP, 100 UDP datagrams each once, ping, inbound TCP)")
    void ins1PermitModeIsLossless() throws Exception {
        start(SamplePolicies.file("inspect"));
        // 10 MiB A→B, every segment held and re-injected by the worker.
        bed.tool(t.b, "listening", "sink", B_V4, "7001");
        Path big = randomFile(dir, "big", 10 << 20);
        TwoNamespaces.Result up = bed.runTool(t.a, 120, "send", B_V4, "7001", big.toString());
        assertThat(up.output().trim()).as(up.output()).isEqualTo(sha256(big));

        // 100 datagrams, each answered; the server sees each exactly once (the first was held at ALE_AUTH_CONNECT).
        Path udpLog = dir.resolve("udp.log");
        bed.tool(t.b, "listening", "udp-echo", B_V4, "7002", "B:", udpLog.toString());
        TwoNamespaces.Result udp = bed.runTool(t.a, 120, "udp-pairs", B_V4, "7002", "100", "unconnected", "numbered");
        assertThat(udp.output()).as(udp.output()).contains("replies 100 intact 100 sources " + B_V4 + ":7002");
        Map<String, Long> got = arrivals(udpLog);
        assertThat(got).hasSize(100);
        assertThat(got.values()).allMatch(n -> n == 1);
        assertThat(got).containsKey(hex("datagram 000"));

        TwoNamespaces.Result ping = t.run(t.a, 20, "ping", "-c", "3", "-W", "2", B_V4);
        assertThat(ping.exitCode()).as(ping.output()).isZero();
        assertThat(ping.output()).contains("3 received");

        // B→A: an inbound connection, accepted (pended at ALE_AUTH_RECV_ACCEPT) and intact.
        bed.tool(t.a, "listening", "sink", A_V4, "7003");
        Path mid = randomFile(dir, "mid", 1 << 20);
        TwoNamespaces.Result down = bed.runTool(t.b, 60, "send", A_V4, "7003", mid.toString());
        assertThat(down.output().trim()).as(down.output()).isEqualTo(sha256(mid));

        JsonNode before = inspectStatus();
        // A↔C is not inspected: nothing held for it.
        bed.tool(t.c, "listening", "sink", C_V4, "7004");
        Path small = randomFile(dir, "small", 4096);
        assertThat(bed.runTool(t.a, 30, "send", C_V4, "7004", small.toString()).output().trim()).isEqualTo(sha256(small));
        JsonNode after = inspectStatus();
        assertThat(after.path("heldPackets").asLong()).isEqualTo(before.path("heldPackets").asLong());
        assertThat(after.path("pendedOperations").asLong()).isEqualTo(before.path("pendedOperations").asLong());

        // The trace of the sample's work: connects and accepts pended, packets held and re-injected, none lost.
        assertThat(after.path("pendedOperations").asLong()).as(after.toString()).isGreaterThanOrEqualTo(4);
        assertThat(after.path("heldPackets").asLong()).isGreaterThan(100);
        assertThat(after.path("dropped").asLong()).isZero();
        assertThat(after.path("injectFailures").asLong()).isZero();
        JsonNode p = jwfpd.pipeline();
        assertThat(p.path("pended").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(p.path("heldReleased").asLong()).as(p.toString()).isGreaterThan(100);
        assertThat(p.path("heldExpired").asLong()).isZero();
        // Packets without a known socket endpoint (ICMP echo: ping sockets are not looked up) are re-sent by inspect at
        // the network layer with an IP header of its own: they leave through jwfpd's raw socket, and the held original,
        // whose clone the callout freed, is dropped. Nothing else is dropped.
        assertThat(p.path("heldDropped").asLong()).as(p.toString()).isEqualTo(p.path("injectedOwn").asLong())
                .isEqualTo(after.path("injectedAtNetworkLayer").asLong());
        assertThat(jwfpd.events()).as("permit mode: no net event").isEmpty();
    }

    @Test
    @DisplayName("INS-2 live: block mode (no SYN on the wire, a net event at ALE_AUTH_CONNECT_V4; inbound silent; UDP lost; C fine)")
    void ins2BlockMode() throws Exception {
        start(SamplePolicies.edited("inspect", dir, "BlockTraffic: 0", "BlockTraffic: 1"));
        long filter = jwfpd.filterId("inspect-connect-v4");
        bed.start(t.b, "Serving", "python3", "-u", "-m", "http.server", "--bind", B_V4, "8080");
        bed.start(t.c, "Serving", "python3", "-u", "-m", "http.server", "--bind", C_V4, "8080");
        Path wire = dir.resolve("wire.pcap");
        Capture dump = bed.capture(t.sw, "br0", wire, "host " + A_V4 + " and host " + B_V4);

        TwoNamespaces.Result curl = t.run(t.a, 20, "curl", "-sS", "-m", "5", "http://" + B_V4 + ":8080/");
        assertThat(curl.exitCode()).as(curl.output()).isNotZero();
        List<JsonNode> events = jwfpd.events();
        assertThat(events).as("the reauthorization after completion blocks, audited").isNotEmpty();
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("filterId").asLong()).isEqualTo(filter);
            assertThat(e.path("layer").asText()).isEqualTo("FWPM_LAYER_ALE_AUTH_CONNECT_V4");
        });
        int connectEvents = events.size();

        // B→A: A listens, B's connect times out; A answers nothing (no SYN-ACK, no RST) and logs nothing.
        bed.tool(t.a, "listening", "sink", A_V4, "7011");
        TwoNamespaces.Result in = bed.runTool(t.b, 30, "send", A_V4, "7011", randomFile(dir, "x", 100).toString(), "5");
        assertThat(in.exitCode()).isNotZero();
        assertThat(in.output()).as("a timeout, not a refusal").contains("timed out").doesNotContain("refused");
        assertThat(jwfpd.events()).hasSize(connectEvents);

        // UDP to B: nothing arrives.
        Path udpLog = dir.resolve("udp-b.log");
        bed.tool(t.b, "listening", "udp-count", B_V4, "7012", udpLog.toString());
        bed.runTool(t.a, 30, "udp-pairs", B_V4, "7012", "3", "unconnected", "numbered");
        assertThat(arrivals(udpLog)).isEmpty();

        // A↔C unaffected.
        TwoNamespaces.Result toC = t.run(t.a, 20, "curl", "-sS", "-o", "/dev/null", "-m", "5", "http://" + C_V4 + ":8080/");
        assertThat(toC.exitCode()).as(toC.output()).isZero();

        dump.close();
        String seen = bed.read(wire);
        assertThat(seen.lines().filter(l -> l.trim().startsWith(A_V4 + ".") || l.trim().startsWith(A_V4 + " >")))
                .as("no packet from A reaches the wire (no SYN to B, no SYN-ACK or RST to B's attempt):\n" + seen).isEmpty();
        assertThat(seen).as("B's own attempts are on the wire").contains(B_V4 + ".");
    }

    private void setBlock(int v) {
        JwfpCli.Run r = jwfpd.jwfp("callout", "control", "inspect-connect-v4", "set", "BlockTraffic=" + v);
        assertThat(r.rc()).as(r.err()).isZero();
    }

    private static String readLine(Background session, int lineNo, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            List<String> lines = session.output().lines().toList();
            if (lines.size() > lineNo) return lines.get(lineNo);
            Thread.sleep(50);
        }
        return null;
    }

    @Test
    @DisplayName("INS-3 live: run-time toggle (new connections fail, an open session stalls, and resumes by retransmission)")
    void ins3RuntimeToggle() throws Exception {
        start(SamplePolicies.file("inspect"));
        bed.tool(t.b, "listening", "echo-tcp", B_V4, "7021");
        Background session = bed.tool(t.a, "connected", "session", B_V4, "7021");
        BufferedWriter in = new BufferedWriter(session.stdin());
        in.write("one\n");
        in.flush();
        assertThat(readLine(session, 1, 5000)).isEqualTo("one");

        setBlock(1);
        TwoNamespaces.Result blocked = bed.runTool(t.a, 20, "send", B_V4, "7021", randomFile(dir, "y", 10).toString(), "3");
        assertThat(blocked.exitCode()).as(blocked.output()).isNotZero();
        in.write("two\n");
        in.flush();
        assertThat(readLine(session, 2, 3000)).as("the open session stalls").isNull();

        setBlock(0);
        bed.tool(t.b, "listening", "sink", B_V4, "7022");
        Path f = randomFile(dir, "z", 10_000);
        TwoNamespaces.Result again = bed.runTool(t.a, 30, "send", B_V4, "7022", f.toString(), "5");
        assertThat(again.output().trim()).as("new connections work again").isEqualTo(sha256(f));
        assertThat(readLine(session, 2, 30_000)).as("resumed by retransmission").isEqualTo("two");
        JsonNode p = jwfpd.pipeline();
        assertThat(p.path("heldExpired").asLong()).as(p.toString()).isZero();
        assertThat(inspectStatus().path("dropped").asLong()).as("what was held while blocking was dropped").isPositive();
    }

    /** The IPv6 packets A sent to B in a capture: "next-header N" of each (tcpdump -vv), and the UDP payload lines. */
    private List<String> nextHeaders(Path capture) throws Exception {
        return bed.read(capture).lines().filter(l -> l.contains("IP6 ") && l.contains(A_V6 + ".") || l.contains("IP6 ")
                && l.contains(A_V6 + " >")).map(l -> l.replaceAll(".*next-header ([A-Za-z0-9-]+ \\(\\d+\\)).*", "$1")).toList();
    }

    private List<String> ipv6Round(Path capture) throws Exception {
        Capture dump = bed.capture(t.sw, "br0", capture, "ip6 and src host " + A_V6 + " and dst host " + B_V6);
        TwoNamespaces.Result udp = bed.runTool(t.a, 60, "udp-pairs", B_V6, "7042", "20", "unconnected", "numbered");
        assertThat(udp.output()).as(udp.output()).contains("replies 20 intact 20");
        Path f = dir.resolve("v6-data");
        if (!Files.exists(f)) randomFile(dir, "v6-data", 200_000);
        TwoNamespaces.Result tcp = bed.runTool(t.a, 60, "send", B_V6, "7041", f.toString(), "5");
        assertThat(tcp.output().trim()).as(tcp.output()).isEqualTo(sha256(f));
        TwoNamespaces.Result ping = t.run(t.a, 20, "ping", "-6", "-c", "3", "-W", "2", "-p", "6a776670", B_V6);
        assertThat(ping.output()).as(ping.output()).contains("3 received");
        dump.close();
        return nextHeaders(capture);
    }

    @Test
    @DisplayName("INS-4 live: IPv6 permit mode (TCP, UDP, ICMPv6 echo) adds no extension header")
    void ins4Ipv6() throws Exception {
        bed.tool(t.b, "listening", "sink", B_V6, "7041");
        bed.tool(t.b, "listening", "udp-echo", B_V6, "7042", "B:", dir.resolve("v6-udp.log").toString());
        // Without the engine first: the reference of what B sees.
        List<String> without = ipv6Round(dir.resolve("without.pcap"));
        start(SamplePolicies.file("inspect-v6"));
        List<String> with = ipv6Round(dir.resolve("with.pcap"));
        assertThat(with).as("every packet A sends to B carries its transport header right after the IPv6 header")
                .isNotEmpty().allMatch(h -> h.equals("TCP (6)") || h.equals("UDP (17)") || h.equals("ICMPv6 (58)"));
        assertThat(without).allMatch(h -> h.equals("TCP (6)") || h.equals("UDP (17)") || h.equals("ICMPv6 (58)"));
        // The datagrams' bytes as B receives them: the same 20 payloads, each once per round.
        Map<String, Long> got = arrivals(dir.resolve("v6-udp.log"));
        assertThat(got).hasSize(20).allSatisfy((k, n) -> assertThat(n).isEqualTo(2));
        assertThat(bed.read(dir.resolve("with.pcap"))).doesNotContain("bad udp cksum").doesNotContain("bad cksum");
        JsonNode s = io.jwfp.daemon.mgmt.Protocol.JSON.readTree(
                jwfpd.jwfp("callout", "control", "inspect-connect-v6", "status").out());
        assertThat(s.path("heldPackets").asLong()).as("the packets went through the worker").isPositive();
        assertThat(s.path("dropped").asLong()).isZero();
    }
}

package io.jwfp.scenarios.portblocker.live;

import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V6;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.scenarios.live.Background;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveApps;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.scenarios.nat.Wire;
import io.jwfp.scenarios.support.JwfpCli;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import io.jwfp.shim.sim.CapturedFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WinKernelDev port blocker on live traffic (seed-samples §12 WKD-1…WKD-4, T2): jwfpd in A with the shipped
 * {@code examples/policies/samples/port-blocker.yaml}, rules added through {@code jwfp callout control port-blocker},
 * real programs in A and B. FLOW_ESTABLISHED classifications are counted through net events: jwfpd runs with
 * {@code --allow-events}, so every classification the sample's filter decides is logged, permits included.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PortBlockerLiveTest {
    static final String CALLOUT = "port-blocker";
    static final String FILTER = "port-blocker-every-ipv4-flow";
    static final String FE_V4 = "FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4";
    /** IOCTL_WFP_SAMPLE_ADD_RULE. */
    static final String IOCTL = "0x0022E004";

    private static TwoNamespaces net;

    @TempDir
    Path dir;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        LiveApps.assumeTools("curl", "python3", "ping", "tcpdump");
        net = TwoNamespaces.create("wkd-live");
    }

    @AfterAll
    static void tearDown() {
        if (net != null) net.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
        net.flushRules(); // whatever a failed test left, the next one starts clean
    }

    private <T extends AutoCloseable> T closing(T t) {
        cleanup.add(t);
        return t;
    }

    private LiveJwfpd jwfpd(Path where, Path policy) throws Exception {
        return closing(LiveJwfpd.start(net.a, where, policy, "--allow-events"));
    }

    /** The sample's 18-byte record for IOCTL_WFP_SAMPLE_ADD_RULE (little-endian), remote port {@code port}. */
    static String record(int port) {
        return "0000" + String.format("%02x%02x", port & 0xFF, port >>> 8) + "00".repeat(14);
    }

    static Predicate<JsonNode> fe(int protocol, String type) {
        return e -> e.path("layer").asText().equals(FE_V4) && e.path("ipProtocol").asInt() == protocol
                && e.path("type").asText().endsWith(type);
    }

    static Predicate<JsonNode> remotePort(int port) {
        return e -> e.path("remotePort").asInt() == port;
    }

    /** The events matching {@code which}, once things settled: none may still be on their way. */
    static List<JsonNode> settled(LiveJwfpd j, Predicate<JsonNode> which, int expected) throws Exception {
        j.events(which, expected);
        Thread.sleep(300);
        return j.events().stream().filter(which).toList();
    }

    @Test
    @DisplayName("WKD-1 live: rule 80 added at run time; curl to B:80 fails within 5 s, 8080 works; one FLOW_ESTABLISHED classify per connection, one drop event")
    void wkd1() throws Exception {
        Background s80 = closing(LiveApps.http(net.b, dir, B_V4, 80, "B:80"));
        Background s8080 = closing(LiveApps.http(net.b, dir, B_V4, 8080, "B:8080"));
        LiveJwfpd j = jwfpd(dir.resolve("jwfpd"), SamplePolicies.file("port-blocker"));
        long filterId = j.filterId(FILTER);
        assertThat(j.control(CALLOUT, "add-rule", "port=80").path("rules").asInt()).isEqualTo(1);
        assertThat(j.control(CALLOUT, "list-rules").findValuesAsText("remotePort")).containsExactly("80");
        Capture atB = Capture.start(net.b, "vb", dir, "tcp");

        long start = System.nanoTime();
        TwoNamespaces.Result blocked = LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V4, 80, "/"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        TwoNamespaces.Result allowed = LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V4, 8080, "/"));
        List<CapturedFrame> wire = atB.stop();

        assertThat(blocked.exitCode()).as(blocked.output()).isNotZero();
        assertThat(millis).as("the connection is aborted right after the handshake, not timed out").isLessThan(5000);
        assertThat(allowed.output()).isEqualTo("B:8080");
        assertThat(LiveApps.requests(s80)).as("B's port-80 server never gets a request").isEmpty();
        assertThat(LiveApps.requests(s8080)).hasSize(1);

        // One FLOW_ESTABLISHED_V4 classification per connection (drop for 80, allow for 8080), by the sample's filter.
        List<JsonNode> drops = settled(j, fe(6, "CLASSIFY_DROP"), 1);
        assertThat(drops).singleElement().satisfies(e -> {
            assertThat(e.path("filterId").asLong()).isEqualTo(filterId);
            assertThat(e.path("remotePort").asInt()).isEqualTo(80);
            assertThat(e.path("direction").asText()).isEqualTo("FWP_DIRECTION_OUTBOUND");
            assertThat(e.path("appId").asText()).endsWith("/curl");
        });
        assertThat(settled(j, fe(6, "CLASSIFY_ALLOW"), 1)).singleElement().satisfies(e -> {
            assertThat(e.path("filterId").asLong()).isEqualTo(filterId);
            assertThat(e.path("remotePort").asInt()).isEqualTo(8080);
            assertThat(e.path("direction").asText()).isEqualTo("FWP_DIRECTION_OUTBOUND");
        });

        // On B's wire: the handshake to 80 (the verdict comes after the SYN-ACK), A's RST, and no data segment.
        boolean synAck = false;
        boolean reset = false;
        for (CapturedFrame f : wire) {
            ParsedPacket p = Wire.parse(f);
            if (p.dstPort() == 80) {
                assertThat(p.payloadLength()).as("data to port 80").isZero();
                reset |= (p.tcpFlags() & TcpView.FLAG_RST) != 0;
            }
            synAck |= p.srcPort() == 80 && (p.tcpFlags() & (TcpView.FLAG_SYN | TcpView.FLAG_ACK)) == (TcpView.FLAG_SYN | TcpView.FLAG_ACK);
        }
        assertThat(synAck).as("B's SYN-ACK from 80 on the wire").isTrue();
        assertThat(reset).as("A resets B's half-open connection").isTrue();
        assertThat(j.pipeline("flowsAborted")).isEqualTo(1);
    }

    @Test
    @DisplayName("WKD-2 live: rule 53 (the 18-byte ioctl record) blocks UDP to B:53, B from source port 53, loopback 127.0.0.1:53, not B to A:53; rule 0 blocks ping until restart")
    void wkd2() throws Exception {
        Background bDns = closing(LiveApps.udpEcho(net.b, dir, B_V4, 53, "B:"));
        Background a9000 = closing(LiveApps.http(net.a, dir, A_V4, 9000, "A:9000"));
        Background aLoop = closing(LiveApps.http(net.a, dir, "127.0.0.1", 53, "A:lo53"));
        Background a53 = closing(LiveApps.http(net.a, dir, A_V4, 53, "A:53"));
        Path policy = SamplePolicies.file("port-blocker");
        LiveJwfpd j = jwfpd(dir.resolve("jwfpd"), policy);
        j.ok("callout", "control", CALLOUT, "ioctl", "code=" + IOCTL, "input=" + record(53));
        assertThat(j.control(CALLOUT, "list-rules").findValuesAsText("remotePort")).containsExactly("53");

        // (a) UDP from A to B:53: three tries of 2 s, nothing arrives; each try is a new flow, refused at once.
        for (int i = 0; i < 3; i++) assertThat(LiveApps.udpClient(net::run, net.a, B_V4, 53, 8)).isEqualTo("no reply");
        assertThat(bDns.lines("udp ")).isEmpty();
        assertThat(settled(j, fe(17, "CLASSIFY_DROP").and(remotePort(53)), 3)).hasSize(3);

        // (b) B connects from source port 53 to A's server on 9000: refused (the remote port is 53).
        TwoNamespaces.Result fromPort53 = LiveApps.curl(net::run, net.b, 5, LiveApps.url(A_V4, 9000, "/"), "--local-port", "53");
        assertThat(fromPort53.exitCode()).as(fromPort53.output()).isNotZero();
        assertThat(LiveApps.requests(a9000)).as("A's application never gets the connection").isEmpty();
        assertThat(settled(j, fe(6, "CLASSIFY_DROP").and(remotePort(53)).and(e -> e.path("localPort").asInt() == 9000), 1))
                .singleElement().satisfies(e -> assertThat(e.path("direction").asText()).isEqualTo("FWP_DIRECTION_INBOUND"));

        // (c) Loopback: a client in A to 127.0.0.1:53 is refused.
        assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url("127.0.0.1", 53, "/")).exitCode()).isNotZero();
        assertThat(LiveApps.requests(aLoop)).isEmpty();
        assertThat(j.events(fe(6, "CLASSIFY_DROP").and(e -> e.path("remoteAddr").asText().equals("127.0.0.1")), 1)).isNotEmpty();

        // (d) B to A:53 from an ephemeral port: the local port is never checked.
        assertThat(LiveApps.curl(net::run, net.b, 5, LiveApps.url(A_V4, 53, "/")).output()).isEqualTo("A:53");
        assertThat(LiveApps.requests(a53)).hasSize(1);

        // (e) The raw rule 0 (what the dialog cannot send): ping's echo request has ICMP code 0 in the remote-port slot.
        assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", B_V4).exitCode()).isZero();
        j.ok("callout", "control", CALLOUT, "ioctl", "code=" + IOCTL, "input=" + record(0));
        assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", B_V4).exitCode()).isNotZero();
        assertThat(j.events(fe(1, "CLASSIFY_DROP").and(remotePort(0)), 1)).isNotEmpty();
        // Rules live as long as the callout: a restarted jwfpd starts without them, and ping works.
        assertThat(j.terminate()).isEqualTo(143);
        LiveJwfpd again = jwfpd(dir.resolve("again"), policy);
        assertThat(again.control(CALLOUT, "list-rules")).isEmpty();
        assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", B_V4).exitCode()).isZero();
    }

    @Test
    @DisplayName("WKD-3 live: without rules all IPv4 traffic works and ten curls are ten FLOW_ESTABLISHED classifies; IPv6 is never classified; 17-byte record rejected, duplicates accepted, no delete")
    void wkd3() throws Exception {
        closing(LiveApps.http(net.b, dir, B_V4, 8082, "B:8082"));
        closing(LiveApps.udpEcho(net.b, dir, B_V4, 53, "B:"));
        closing(LiveApps.http(net.b, dir, B_V6, 80, "B6:80"));
        LiveJwfpd j = jwfpd(dir.resolve("jwfpd"), SamplePolicies.file("port-blocker"));
        long filterId = j.filterId(FILTER);

        assertThat(LiveApps.udpClient(net::run, net.a, B_V4, 53, 8)).startsWith("reply " + B_V4 + " 53 B:");
        assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", B_V4).exitCode()).isZero();
        for (int i = 0; i < 10; i++) assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V4, 8082, "/")).output()).isEqualTo("B:8082");
        List<JsonNode> classifies = settled(j, e -> e.path("layer").asText().equals(FE_V4) && e.path("remotePort").asInt() == 8082, 10);
        assertThat(classifies).as("per flow, not per packet").hasSize(10)
                .allSatisfy(e -> {
                    assertThat(e.path("type").asText()).endsWith("CLASSIFY_ALLOW");
                    assertThat(e.path("filterId").asLong()).isEqualTo(filterId);
                });
        assertThat(classifies.stream().map(e -> e.path("localPort").asInt()).distinct()).hasSize(10);

        // IPv4-only: with rule 80, IPv6 to port 80 works and jwfpd classifies nothing for it.
        j.control(CALLOUT, "add-rule", "port=80");
        long before = j.pipeline("classifications");
        assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V6, 80, "/")).output()).isEqualTo("B6:80");
        assertThat(j.pipeline("classifications")).isEqualTo(before);
        assertThat(j.events()).noneMatch(e -> e.path("ipVersion").asInt() == 6);

        // The control API: a 17-byte record is refused, a duplicate accepted, there is no delete.
        JwfpCli.Run short17 = j.jwfp("callout", "control", CALLOUT, "ioctl", "code=" + IOCTL, "input=" + record(80).substring(2));
        assertThat(short17.rc()).isNotZero();
        assertThat(short17.err()).contains("18");
        j.control(CALLOUT, "add-rule", "port=80");
        assertThat(j.control(CALLOUT, "list-rules").findValuesAsText("remotePort")).containsExactly("80", "80");
        JwfpCli.Run delete = j.jwfp("callout", "control", CALLOUT, "delete-rule", "port=80");
        assertThat(delete.rc()).isNotZero();
        assertThat(delete.err()).contains("delete-rule");
    }

    @Test
    @DisplayName("WKD-4 live: a clean stop removes everything; objects restored without the callout (persistent, jwfpd restarted) block every new IPv4 flow until the stale filter is deleted")
    void wkd4() throws Exception {
        closing(LiveApps.http(net.b, dir, B_V4, 80, "B:80"));
        closing(LiveApps.http(net.b, dir, B_V4, 8080, "B:8080"));
        closing(LiveApps.http(net.b, dir, B_V6, 8080, "B6:8080"));
        String b80 = LiveApps.url(B_V4, 80, "/");

        // Clean stop (the sample unloads: its callout lives in jwfpd, so jwfpd stops): rules and objects are gone.
        LiveJwfpd first = jwfpd(dir.resolve("first"), SamplePolicies.file("port-blocker"));
        first.control(CALLOUT, "add-rule", "port=80");
        assertThat(LiveApps.curl(net::run, net.a, 5, b80).exitCode()).isNotZero();
        assertThat(first.terminate()).isEqualTo(143);
        assertThat(net.exec(net.a, "iptables", "-w", "-t", "security", "-S")).doesNotContain("JWFP");
        assertThat(LiveApps.curl(net::run, net.a, 5, b80).output()).isEqualTo("B:80");
        LiveJwfpd second = jwfpd(dir.resolve("second"), SamplePolicies.file("port-blocker"));
        assertThat(second.control(CALLOUT, "list-rules")).as("rules are gone after a restart").isEmpty();
        assertThat(LiveApps.curl(net::run, net.a, 5, b80).output()).isEqualTo("B:80");
        assertThat(second.terminate()).isEqualTo(143);

        // The stale filter. On Windows the BFE outlives the driver; in jwfp both live in jwfpd, so the state arises when
        // the objects are persistent and a jwfpd restores them without the sample's callout registered.
        Path persistent = Files.writeString(dir.resolve("port-blocker-persistent.yaml"), persistentVariant());
        Path state = dir.resolve("crashed");
        LiveJwfpd crashed = jwfpd(state, persistent);
        crashed.control(CALLOUT, "add-rule", "port=80");
        crashed.kill();
        LiveJwfpd restored = jwfpd(state, null);
        assertThat(restored.ok("callout", "list")).contains("NOT REGISTERED");
        long stale = restored.filterId(FILTER);
        assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V4, 8080, "/")).exitCode())
                .as("every new IPv4 flow, not only port 80").isNotZero();
        assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", B_V4).exitCode()).isNotZero();
        assertThat(restored.events(e -> e.path("filterId").asLong() == stale && e.path("layer").asText().equals(FE_V4)
                && e.path("type").asText().endsWith("CLASSIFY_DROP"), 2)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V6, 8080, "/")).output()).as("IPv6 is not affected")
                .isEqualTo("B6:8080");
        // Loading the sample the driver's way fails; deleting the stale filter restores traffic.
        JwfpCli.Run add = restored.jwfp("apply", persistent.toString(), "--add");
        assertThat(add.rc()).isNotZero();
        assertThat(add.err()).containsIgnoringCase("already exists");
        restored.ok("filter", "delete", String.valueOf(stale));
        assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V4, 8080, "/")).output()).isEqualTo("B:8080");
        assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", B_V4).exitCode()).isZero();
        // jwfp's own way to load it replaces the objects and registers the callout again (with no rules).
        restored.ok("apply", persistent.toString());
        assertThat(restored.ok("callout", "list")).doesNotContain("NOT REGISTERED");
        assertThat(LiveApps.curl(net::run, net.a, 5, b80).output()).isEqualTo("B:80");
        restored.control(CALLOUT, "add-rule", "port=80");
        assertThat(LiveApps.curl(net::run, net.a, 5, b80).exitCode()).isNotZero();
    }

    /** The shipped policy with its sublayer, callout and filter made persistent. */
    static String persistentVariant() throws Exception {
        String text = Files.readString(SamplePolicies.file("port-blocker"));
        String out = text.replace("    weight: 0xFFFF\n", "    weight: 0xFFFF\n    persistent: true\n")
                .replace("    implementation: port-blocker\n", "    implementation: port-blocker\n    persistent: true\n")
                .replace("    callout: port-blocker\n", "    callout: port-blocker\n    flags: [FWPM_FILTER_FLAG_PERSISTENT]\n");
        assertThat(out.split("persistent: true", -1)).as("the policy file changed shape").hasSize(3);
        assertThat(out).contains("FWPM_FILTER_FLAG_PERSISTENT");
        return out;
    }
}

package io.jwfp.daemon.live;

import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.daemon.metrics.Scraped;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jwfpd on live traffic (issue part 5). Two network namespaces made and removed by this class ({@code jwfpd-t-<pid>-a} with
 * 10.200.0.1 / fd00:200::1 and {@code jwfpd-t-<pid>-b} with .2 / ::2, joined by a veth pair); jwfpd runs as a child process
 * inside A, so its queues, its iptables rules and the test traffic never touch the root namespace. Clients are real
 * programs in A ({@code curl}) or sockets created in A; servers are sockets in B. Runs as root; skips with the reason
 * where the kernel or tools lack something.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JwfpdLiveTest {
    private static TwoNamespaces net;

    @TempDir
    Path dir;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        TwoNamespaces.assumeLiveEnvironment();
        assumeTrue(TwoNamespaces.onPath("curl"), "curl is not installed (apt-get install curl)");
        net = TwoNamespaces.create("jwfpd-t");
    }

    @AfterAll
    static void tearDown() {
        if (net != null) net.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // next
            }
        }
        if (net != null) net.flushRules(); // whatever a failed test left, the next one starts clean
    }

    private JwfpdProcess jwfpd(String policy, String... extra) throws Exception {
        return jwfpd(dir.resolve("jwfpd"), policy, extra);
    }

    private JwfpdProcess jwfpd(Path where, String policy, String... extra) throws Exception {
        JwfpdProcess j = JwfpdProcess.startWithPolicy(net.a, where, policy, extra);
        cleanup.add(j);
        return j;
    }

    private <T extends AutoCloseable> T closing(T t) {
        cleanup.add(t);
        return t;
    }

    /** {@code curl -m 3 URL} from namespace A. */
    private static TwoNamespaces.Result curl(String url) throws Exception {
        return net.run(net.a, 15, "curl", "-sS", "-g", "-m", "3", url);
    }

    private static String url(String host, int port) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
    }

    /** jwfp's rules as {@code iptables -S} lists them in namespace A (IPv4, the security table). */
    private static String rules() throws Exception {
        return net.exec(net.a, "iptables", "-w", "-t", "security", "-S");
    }

    private static JsonNode event(JwfpdProcess j, Predicate<JsonNode> which) throws Exception {
        for (int i = 0; i < 40; i++) { // events are recorded on the queue thread; give it a moment
            for (JsonNode e : j.events()) if (which.test(e)) return e;
            Thread.sleep(50);
        }
        throw new AssertionError("no such net event among " + j.events());
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void blockingAllOutboundStopsARealClientAndTheNetEventNamesFilterAndLayer() throws Exception {
        TinyServers.Server server = closing(TinyServers.http(net.nsB(), B_V4, 7101));
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: block-all-outbound
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    action: FWP_ACTION_BLOCK
                """);
        TwoNamespaces.Result r = curl(url(B_V4, 7101));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(server.accepted.get()).as("the server never sees the connection").isZero();

        JsonNode e = event(j, n -> n.path("remotePort").asInt() == 7101);
        assertThat(e.path("type").asText()).isEqualTo("FWPM_NET_EVENT_TYPE_CLASSIFY_DROP");
        assertThat(e.path("layer").asText()).isEqualTo("FWPM_LAYER_ALE_AUTH_CONNECT_V4");
        assertThat(e.path("filterName").asText()).isEqualTo("block-all-outbound");
        assertThat(e.path("filterId").asLong()).isEqualTo(j.filterId("block-all-outbound"));
        assertThat(e.path("direction").asText()).isEqualTo("FWP_DIRECTION_OUTBOUND");
        assertThat(e.path("ipProtocol").asInt()).isEqualTo(6);
        assertThat(e.path("localAddr").asText()).isEqualTo(A_V4);
        assertThat(e.path("remoteAddr").asText()).isEqualTo(B_V4);
        assertThat(e.path("appId").asText()).as("ALE_APP_ID from sock_diag and /proc").endsWith("/curl");
        assertThat(e.path("userId").asLong()).isZero();
        assertThat(e.path("reauthorize").asBoolean()).isFalse();

        // Only new flows are queued: an ALE-only policy never sends established traffic to user space.
        assertThat(rules()).contains("--ctstate NEW,RELATED -j JWFP-QUEUE").doesNotContain("-A JWFP-OUTPUT -j JWFP-QUEUE");
        JsonNode live = j.liveStatus();
        assertThat(live.path("wiring").path("hooks").path("v4 OUTPUT").asText()).isEqualTo("new flows, reauthorization");
        assertThat(live.path("wiring").path("hooks").path("v4 FORWARD").asText()).isEqualTo("nothing");
    }

    @Test
    void appAndUserConditionsMatchTheProcessBehindTheFlow() throws Exception {
        assumeTrue(TwoNamespaces.onPath("setpriv"), "setpriv (util-linux) is needed to run a client as another user");
        closing(TinyServers.http(net.nsB(), B_V4, 7114));
        // The app id is the executable as /proc/PID/exe names it: the real path.
        String curl = Path.of(net.exec(net.a, "sh", "-c", "command -v curl").trim()).toRealPath().toString();
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: no-curl
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    conditions:
                      - {field: ALE_APP_ID, value: %s}
                    action: FWP_ACTION_BLOCK
                  - name: no-nobody
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    conditions:
                      - {field: ALE_USER_ID, value: "uid:65534"}
                    action: FWP_ACTION_BLOCK
                """.formatted(curl));
        assertThat(curl(url(B_V4, 7114)).exitCode()).as("curl is blocked by its app id").isNotZero();
        assertThat(event(j, n -> n.path("filterName").asText().equals("no-curl")).path("appId").asText()).endsWith("curl");
        // The same connection from another program (this JVM) is permitted...
        try (Socket s = TinyServers.connect(net.nsA(), B_V4, 7114, 3000)) {
            assertThat(s.isConnected()).isTrue();
        }
        // ...unless it runs as nobody: nc as uid 65534 is stopped by the user condition.
        TwoNamespaces.Result nobody = net.run(net.a, 15, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "nc", "-z", "-w", "2", B_V4, "7114");
        assertThat(nobody.exitCode()).as(nobody.output()).isNotZero();
        JsonNode e = event(j, n -> n.path("filterName").asText().equals("no-nobody"));
        assertThat(e.path("userId").asLong()).isEqualTo(65534);
        assertThat(e.path("appId").asText()).contains("nc");
    }

    @Test
    void aBlockAtThePacketLayerQueuesEveryPacketAndItsEventCarriesProtocolAndPorts() throws Exception {
        closing(TinyServers.http(net.nsB(), B_V4, 7102));
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: block-to-b
                    layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_ADDRESS, value: 10.200.0.2}
                    action: FWP_ACTION_BLOCK
                """);
        assertThat(curl(url(B_V4, 7102)).exitCode()).isNotZero();
        JsonNode e = event(j, n -> n.path("layer").asText().equals("FWPM_LAYER_OUTBOUND_IPPACKET_V4"));
        assertThat(e.path("filterName").asText()).isEqualTo("block-to-b");
        assertThat(e.path("ipProtocol").asInt()).as("read from the packet: the layer has no protocol field").isEqualTo(6);
        assertThat(e.path("remotePort").asInt()).isEqualTo(7102);
        assertThat(rules()).contains("-A JWFP-OUTPUT -j JWFP-QUEUE");
        assertThat(j.liveStatus().path("wiring").path("hooks").path("v4 OUTPUT").asText()).isEqualTo("every packet");
    }

    @Test
    void inboundConnectionsAreAuthorizedAtRecvAcceptWithTheListeningProcess() throws Exception {
        // Servers in A (where jwfpd runs), clients in B.
        TinyServers.Server refused = closing(TinyServers.http(net.nsA(), A_V4, 7116));
        closing(TinyServers.http(net.nsA(), A_V4, 7117));
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: no-inbound-7116
                    layer: FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4
                    conditions:
                      - {field: IP_LOCAL_PORT, value: 7116}
                    action: FWP_ACTION_BLOCK
                """);
        assertThat(net.run(net.b, 15, "curl", "-sS", "-m", "3", url(A_V4, 7116)).exitCode()).isNotZero();
        assertThat(refused.accepted.get()).isZero();
        assertThat(net.run(net.b, 15, "curl", "-sS", "-m", "3", url(A_V4, 7117)).output()).isEqualTo("ok");
        JsonNode e = event(j, n -> n.path("filterName").asText().equals("no-inbound-7116"));
        assertThat(e.path("layer").asText()).isEqualTo("FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4");
        assertThat(e.path("direction").asText()).isEqualTo("FWP_DIRECTION_INBOUND");
        assertThat(e.path("localPort").asInt()).isEqualTo(7116);
        assertThat(e.path("remoteAddr").asText()).isEqualTo(B_V4);
        // sock_diag answers a SYN with the listening socket: the app is this test JVM, which listens.
        String self = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/exe")).toString();
        assertThat(e.path("appId").asText()).isEqualTo(self);
        assertThat(j.liveStatus().path("wiring").path("hooks").path("v4 INPUT").asText()).isEqualTo("new flows, reauthorization");
    }

    @Test
    void permitFiltersLetTrafficThrough() throws Exception {
        TinyServers.Server allowed = closing(TinyServers.http(net.nsB(), B_V4, 7103));
        closing(TinyServers.http(net.nsB(), B_V4, 7104));
        jwfpd("""
                filters:
                  - name: block-all-outbound
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    action: FWP_ACTION_BLOCK
                  - name: permit-7103
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    weight: {uint8: 15}
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: 7103}
                    action: FWP_ACTION_PERMIT
                """);
        TwoNamespaces.Result ok = curl(url(B_V4, 7103));
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).isEqualTo("ok");
        assertThat(allowed.requests.get()).isEqualTo(1);
        assertThat(curl(url(B_V4, 7104)).exitCode()).isNotZero();
    }

    @Test
    void aFilterAddedWhileTrafficFlowsBlocksNewFlowsAndReauthorizesExistingOnes() throws Exception {
        closing(TinyServers.echo(net.nsB(), B_V4, 7105));
        closing(TinyServers.echo(net.nsB(), B_V4, 7106));
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: permit-connects
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    action: FWP_ACTION_PERMIT
                """);
        Socket doomed = closing(TinyServers.connect(net.nsA(), B_V4, 7105, 3000));
        Socket spared = closing(TinyServers.connect(net.nsA(), B_V4, 7106, 3000));
        assertThat(TinyServers.echoes(doomed, 1)).isTrue();
        assertThat(TinyServers.echoes(spared, 1)).isTrue();

        long id = j.addFilter("""
                {"name": "block-7105", "layer": "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "weight": {"uint8": 15},
                 "conditions": [{"field": "FWPM_CONDITION_IP_REMOTE_PORT", "value": 7105}], "action": "BLOCK"}
                """);
        // The established flow's next packet goes back to ALE_AUTH_CONNECT as a reauthorization and is dropped.
        assertThat(TinyServers.echoes(doomed, 2)).as("the existing 7105 connection is cut").isFalse();
        assertThat(TinyServers.echoes(spared, 2)).as("the 7106 connection is reauthorized and permitted").isTrue();
        JsonNode e = event(j, n -> n.path("filterId").asLong() == id);
        assertThat(e.path("reauthorize").asBoolean()).isTrue();
        assertThat(e.path("layer").asText()).isEqualTo("FWPM_LAYER_ALE_AUTH_CONNECT_V4");
        assertThat(e.path("remotePort").asInt()).isEqualTo(7105);
        assertThat(j.liveStatus().path("pipeline").path("aleReauthorizations").asLong()).isGreaterThanOrEqualTo(2);
        // New flows are blocked as such.
        assertThatThrownBy(() -> TinyServers.connect(net.nsA(), B_V4, 7105, 1500)).isInstanceOf(Exception.class);
        assertThat(event(j, n -> n.path("filterId").asLong() == id && !n.path("reauthorize").asBoolean())).isNotNull();
        Socket fresh = closing(TinyServers.connect(net.nsA(), B_V4, 7106, 3000));
        assertThat(TinyServers.echoes(fresh, 3)).isTrue();
    }

    @Test
    void ipv6FlowsAreClassifiedAtTheV6Layers() throws Exception {
        closing(TinyServers.http(net.nsB(), B_V6, 7107));
        closing(TinyServers.http(net.nsB(), B_V4, 7107));
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: block-7107-v6
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V6
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: 7107}
                    action: FWP_ACTION_BLOCK
                """);
        assertThat(j.liveStatus().path("wiring").path("ipv6").asText()).isEqualTo("wired");
        assertThat(curl(url(B_V6, 7107)).exitCode()).isNotZero();
        TwoNamespaces.Result v4 = curl(url(B_V4, 7107));
        assertThat(v4.exitCode()).as("the V4 layer has no filter " + v4.output()).isZero();
        JsonNode e = event(j, n -> n.path("filterName").asText().equals("block-7107-v6"));
        assertThat(e.path("layer").asText()).isEqualTo("FWPM_LAYER_ALE_AUTH_CONNECT_V6");
        assertThat(e.path("ipVersion").asInt()).isEqualTo(6);
        assertThat(e.path("remoteAddr").asText()).isEqualTo(B_V6);
        assertThat(net.exec(net.a, "ip6tables", "-w", "-t", "security", "-S")).contains("-j JWFP-OUTPUT");
    }

    @Test
    void aBlockAtFlowEstablishedStopsTheConnectionAndPermittedFlowsAreClassifiedOnce() throws Exception {
        // The WinKernelDev port blocker (seed-samples WKD-1): a block at ALE_FLOW_ESTABLISHED for remote port 7108.
        TinyServers.Server blocked = closing(TinyServers.http(net.nsB(), B_V4, 7108));
        closing(TinyServers.http(net.nsB(), B_V4, 7109));
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: block-7108
                    layer: FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: 7108}
                    action: FWP_ACTION_BLOCK
                  - name: permit-7109
                    layer: FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: 7109}
                    action: FWP_ACTION_PERMIT
                """, "--allow-events");
        assertThat(curl(url(B_V4, 7108)).exitCode()).isNotZero();
        assertThat(blocked.requests.get()).as("no data reaches the server").isZero();
        JsonNode e = event(j, n -> n.path("filterName").asText().equals("block-7108"));
        assertThat(e.path("type").asText()).isEqualTo("FWPM_NET_EVENT_TYPE_CLASSIFY_DROP");
        assertThat(e.path("layer").asText()).isEqualTo("FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4");
        assertThat(e.path("direction").asText()).isEqualTo("FWP_DIRECTION_OUTBOUND");

        for (int i = 0; i < 3; i++) assertThat(curl(url(B_V4, 7109)).output()).isEqualTo("ok");
        // Once per flow, not per packet: three connections, three classifications (each logged as an allow).
        Thread.sleep(300);
        long allows = j.events().stream().filter(n -> n.path("filterName").asText().equals("permit-7109")).count();
        assertThat(allows).isEqualTo(3);
        assertThat(rules()).contains("-p tcp -m conntrack --ctstate ESTABLISHED -m connmark ! --mark 0x4000000/0x4000000");
    }

    @Test
    void aCalloutWrittenForTheSimulatorRewritesLivePackets() throws Exception {
        // examples' PayloadRewriter (clone, modify, inject at the transport layer, absorb), unchanged, on real packets:
        // the injected copy replaces the original in the verdict.
        closing(TinyServers.echo(net.nsB(), B_V4, 7113));
        JwfpdProcess j = jwfpd("""
                sublayers:
                  - {name: rewriter, weight: 0x4000}
                callouts:
                  - name: hello-rewriter
                    layer: FWPM_LAYER_INBOUND_TRANSPORT_V4
                    implementation: payload-rewriter
                    config: {pattern: hello, replacement: HELLO}
                filters:
                  - name: tcp-to-rewriter
                    layer: FWPM_LAYER_INBOUND_TRANSPORT_V4
                    sublayer: rewriter
                    conditions:
                      - {field: IP_PROTOCOL, value: tcp}
                    action: FWP_ACTION_CALLOUT_TERMINATING
                    callout: hello-rewriter
                """);
        Socket s = closing(TinyServers.connect(net.nsA(), B_V4, 7113, 3000));
        s.getOutputStream().write("hello world\n".getBytes(StandardCharsets.US_ASCII));
        byte[] back = new byte[12];
        int n = 0;
        while (n < back.length) {
            int r = s.getInputStream().read(back, n, back.length - n);
            if (r < 0) break;
            n += r;
        }
        assertThat(new String(back, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HELLO world\n");
        JsonNode pipeline = j.liveStatus().path("pipeline");
        assertThat(pipeline.path("modified").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(pipeline.path("injectionsRefused").asLong()).isZero();
        // The connection goes on normally afterwards (sequence numbers and checksums intact).
        s.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
        byte[] bye = s.getInputStream().readNBytes(4);
        assertThat(new String(bye, StandardCharsets.US_ASCII)).isEqualTo("bye\n");
    }

    @Test
    void aDeferredInjectionOfTheAbsorbedPacketsCopyGoesOnInItsPlaceAndIsNotQueuedAgain() throws Exception {
        JwfpdProcess j = jwfpd("""
                callouts:
                  - name: delay
                    layer: FWPM_LAYER_OUTBOUND_TRANSPORT_V4
                    implementation: test-delay
                    config: {delayMillis: 400}
                filters:
                  - name: udp-to-delay
                    layer: FWPM_LAYER_OUTBOUND_TRANSPORT_V4
                    conditions:
                      - {field: IP_PROTOCOL, value: udp}
                      - {field: IP_REMOTE_PORT, value: 7115}
                    action: FWP_ACTION_CALLOUT_TERMINATING
                    callout: delay
                """);
        try (java.net.DatagramSocket rx = io.jwfp.shim.nfqueue.NetworkNamespace.call(net.nsB(),
                () -> new java.net.DatagramSocket(new java.net.InetSocketAddress(B_V4, 7115)))) {
            rx.setSoTimeout(5000);
            long sent = System.nanoTime();
            io.jwfp.shim.nfqueue.NetworkNamespace.run(net.nsA(), () -> {
                try (java.net.DatagramSocket tx = new java.net.DatagramSocket()) {
                    tx.send(new java.net.DatagramPacket("later".getBytes(StandardCharsets.US_ASCII), 5,
                            java.net.InetAddress.getByName(B_V4), 7115));
                }
            });
            java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[64], 64);
            rx.receive(p);
            long tookMillis = (System.nanoTime() - sent) / 1_000_000;
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo("later");
            assertThat(tookMillis).as("held back by the callout").isGreaterThanOrEqualTo(350);
        }
        JsonNode live = j.liveStatus();
        // The original was held (its verdict deferred) and completed with the copy's bytes: not a raw-socket packet.
        assertThat(live.path("pipeline").path("injectedOwn").asLong()).isZero();
        assertThat(live.path("pipeline").path("absorbed").asLong()).isEqualTo(1);
        assertThat(live.path("pipeline").path("held").asLong()).isEqualTo(1);
        assertThat(live.path("pipeline").path("heldReleased").asLong()).isEqualTo(1);
        assertThat(live.path("queues").path("2100").path("packets").asLong())
                .as("the copy goes on in the original's place and is not queued again").isEqualTo(1);
    }

    @Test
    void sigkillLeavesTrafficFlowingAndTheNextStartReplacesTheLeftoverRules() throws Exception {
        closing(TinyServers.http(net.nsB(), B_V4, 7110));
        String policy = """
                filters:
                  - name: block-7110
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: 7110}
                    action: FWP_ACTION_BLOCK
                """;
        JwfpdProcess first = jwfpd(dir.resolve("first"), policy);
        assertThat(curl(url(B_V4, 7110)).exitCode()).isNotZero();
        first.kill();
        // The rules are still there, with --queue-bypass: nobody listens, the kernel lets the packets pass.
        assertThat(rules()).contains("-A OUTPUT -m comment --comment jwfp -j JWFP-OUTPUT").contains("--queue-bypass");
        TwoNamespaces.Result r = curl(url(B_V4, 7110));
        assertThat(r.exitCode()).as("fail-open: " + r.output()).isZero();

        // The next jwfpd (here with nothing at the ALE layers) replaces what the crash left behind...
        JwfpdProcess second = jwfpd(dir.resolve("second"), "filters: []\n");
        assertThat(second.log()).contains("left by a jwfpd that did not stop cleanly");
        assertThat(rules()).doesNotContain("--comment jwfp");
        // ...and a clean stop leaves nothing at all.
        assertThat(second.terminate()).as("SIGTERM: the JVM exits 128+15 after the shutdown hook").isEqualTo(143);
        assertThat(rules()).doesNotContain("JWFP");
        assertThat(net.exec(net.a, "ip6tables", "-w", "-t", "security", "-S")).doesNotContain("JWFP");
    }

    @Test
    void failClosedDropsWhileJwfpdIsDownAndACleanStopReopens() throws Exception {
        closing(TinyServers.http(net.nsB(), B_V4, 7111));
        String policy = """
                filters:
                  - name: permit-connects
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    action: FWP_ACTION_PERMIT
                """;
        JwfpdProcess first = jwfpd(dir.resolve("first"), policy, "--fail-closed");
        assertThat(curl(url(B_V4, 7111)).output()).isEqualTo("ok");
        assertThat(rules()).contains("NFQUEUE").doesNotContain("--queue-bypass");
        first.kill();
        assertThat(curl(url(B_V4, 7111)).exitCode()).as("new flows are dropped while jwfpd is down").isNotZero();

        JwfpdProcess second = jwfpd(dir.resolve("second"), policy, "--fail-closed");
        assertThat(curl(url(B_V4, 7111)).output()).isEqualTo("ok");
        assertThat(second.terminate()).as("SIGTERM: the JVM exits 128+15 after the shutdown hook").isEqualTo(143);
        assertThat(rules()).doesNotContain("JWFP");
        assertThat(curl(url(B_V4, 7111)).output()).as("a clean stop removes the rules").isEqualTo("ok");

        // After a crash in fail-closed mode, `jwfpd --remove-rules` reopens the host without starting a daemon.
        JwfpdProcess third = jwfpd(dir.resolve("third"), policy, "--fail-closed");
        third.kill();
        assertThat(curl(url(B_V4, 7111)).exitCode()).isNotZero();
        TwoNamespaces.Result removed = net.run(net.a, 30, JwfpdProcess.java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "io.jwfp.daemon.Jwfpd", "--remove-rules", "--socket",
                third.socket().toString());
        assertThat(removed.exitCode()).as(removed.output()).isZero();
        assertThat(removed.output()).contains("removed jwfp's leftover rules");
        assertThat(rules()).doesNotContain("JWFP");
        assertThat(curl(url(B_V4, 7111)).output()).isEqualTo("ok");
    }

    @Test
    void aDynamicSessionsFilterDisappearsWhenItsClientExits() throws Exception {
        closing(TinyServers.http(net.nsB(), B_V4, 7112));
        JwfpdProcess j = jwfpd(null);
        assertThat(rules()).doesNotContain("--comment jwfp"); // no filters: no rule at all
        Process client = new ProcessBuilder(JwfpdProcess.java(), "-cp", System.getProperty("java.class.path"),
                DynamicSessionClient.class.getName(), j.socket().toString(), """
                {"name": "dynamic-block-7112", "layer": "FWPM_LAYER_ALE_AUTH_CONNECT_V4",
                 "conditions": [{"field": "FWPM_CONDITION_IP_REMOTE_PORT", "value": 7112}], "action": "BLOCK"}
                """).redirectErrorStream(true).start();
        cleanup.add(client::destroyForcibly);
        BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the client added its filter").startsWith("added ");
        assertThat(curl(url(B_V4, 7112)).exitCode()).isNotZero();
        assertThat(j.call("filter.list", r -> { }).path("filters")).hasSize(1);

        client.destroyForcibly(); // SIGKILL: the connection closes without a goodbye
        assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();
        JsonNode filters = null;
        for (int i = 0; i < 100; i++) {
            filters = j.call("filter.list", r -> { }).path("filters");
            if (filters.isEmpty()) break;
            Thread.sleep(50);
        }
        assertThat(filters).as("the dynamic session's filter is gone").isEmpty();
        assertThat(curl(url(B_V4, 7112)).output()).isEqualTo("ok");
        assertThat(rules()).doesNotContain("--comment jwfp");
    }

    private static Scraped scrape(String url) throws Exception {
        TwoNamespaces.Result r = net.run(net.a, 30, JwfpdProcess.java(), "-cp", System.getProperty("java.class.path"),
                MetricsScrape.class.getName(), url);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String first = r.output().lines().findFirst().orElse("");
        assertThat(first).as("status and Content-Type").startsWith("200 text/plain; version=0.0.4");
        return Scraped.parse(r.output().substring(r.output().indexOf('\n') + 1));
    }

    /**
     * {@code --metrics}: a policy blocks one port at ALE_AUTH_CONNECT and counts another at OUTBOUND_TRANSPORT; curl
     * makes the traffic; the JDK's HttpClient scrapes {@code http://127.0.0.1:9464/metrics} from inside A ({@link
     * MetricsScrape}: jwfpd's loopback is A's) before and after, and the counters must have moved by what the traffic
     * did.
     */
    @Test
    void prometheusMetricsFollowTheTraffic() throws Exception {
        TinyServers.Server open = closing(TinyServers.http(net.nsB(), B_V4, 7121));
        TinyServers.Server blocked = closing(TinyServers.http(net.nsB(), B_V4, 7120));
        JwfpdProcess j = jwfpd("""
                filters:
                  - name: block-7120
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: 7120}
                    action: FWP_ACTION_BLOCK
                  - name: count-7121
                    layer: FWPM_LAYER_OUTBOUND_TRANSPORT_V4
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: 7121}
                    action: FWP_ACTION_PERMIT
                """, "--metrics", "9464");
        assertThat(j.log()).contains("metrics on http://127.0.0.1:9464/metrics");
        String url = "http://127.0.0.1:9464/metrics";
        long block = j.filterId("block-7120");
        long count = j.filterId("count-7121");
        String blockHits = "jwfp_filter_hits_total{filter_id=\"" + block + "\",kind=\"decided\",name=\"block-7120\"}";
        String countHits = "jwfp_filter_hits_total{filter_id=\"" + count + "\",kind=\"decided\",name=\"count-7121\"}";
        String aleBlocks = "jwfp_classifications_total{action=\"block\",layer=\"FWPM_LAYER_ALE_AUTH_CONNECT_V4\"}";
        String transportPermits = "jwfp_classifications_total{action=\"permit\",layer=\"FWPM_LAYER_OUTBOUND_TRANSPORT_V4\"}";
        String filterDrops = "jwfp_packets_dropped_total{reason=\"filter_block\"}";
        String queued = "jwfp_nfqueue_packets_total{queue=\"2100\"}";
        String verdicts = "jwfp_nfqueue_verdicts_total{queue=\"2100\"}";
        String kernelQueued = "jwfp_nfqueue_kernel_queued_total{queue=\"2100\"}";
        String latencyCount = "jwfp_classify_duration_seconds_count";

        Scraped before = scrape(url);
        assertThat(before.get(blockHits)).isZero();
        assertThat(before.get(aleBlocks)).isZero();
        assertThat(before.get(filterDrops)).isZero();
        assertThat(before.get("jwfp_filters{layer=\"FWPM_LAYER_ALE_AUTH_CONNECT_V4\"}")).isEqualTo(1);

        for (int i = 0; i < 2; i++) assertThat(curl(url(B_V4, 7120)).exitCode()).isNotZero();
        for (int i = 0; i < 3; i++) assertThat(curl(url(B_V4, 7121)).output()).isEqualTo("ok");
        assertThat(blocked.accepted.get()).isZero();
        assertThat(open.requests.get()).isEqualTo(3);

        Scraped after = scrape(url);
        // Two connects blocked at ALE (a retransmitted SYN is classified again: at least two).
        assertThat(after.get(blockHits)).isGreaterThanOrEqualTo(2);
        assertThat(after.get(aleBlocks)).isGreaterThanOrEqualTo(2);
        assertThat(after.get(filterDrops)).isGreaterThanOrEqualTo(2);
        // Three connections' outbound segments (SYN, ACK, request, FIN...) decided by the counting filter.
        assertThat(after.get(countHits)).isGreaterThanOrEqualTo(3 * 3);
        assertThat(after.get(countHits.replace("kind=\"decided\"", "kind=\"matched\""))).as("matched includes decided")
                .isGreaterThanOrEqualTo(after.get(countHits));
        assertThat(after.get(transportPermits)).isGreaterThanOrEqualTo(after.get(countHits));
        // The queue saw the packets, the kernel's own count agrees, and every one got a verdict.
        double packets = after.get(queued) - before.get(queued);
        assertThat(packets).isGreaterThanOrEqualTo(3 * 3 + 2);
        // (The scrape's own loopback packets pass through the queue too: one may be between the two reads.)
        assertThat(after.get(verdicts) - before.get(verdicts)).isGreaterThanOrEqualTo(packets - 2);
        assertThat(after.get(kernelQueued) - before.get(kernelQueued)).isGreaterThanOrEqualTo(packets);
        assertThat(after.get("jwfp_nfqueue_kernel_dropped_total{queue=\"2100\",reason=\"queue_full\"}")).isZero();
        // Every classification is in the latency histogram, whose buckets are cumulative up to +Inf (read a moment
        // apart from the classification counters, while the scrape's own packets are classified: nearly equal).
        double classified = after.samples().entrySet().stream()
                .filter(e -> e.getKey().startsWith("jwfp_classifications_total")).mapToDouble(e -> e.getValue()).sum();
        assertThat(after.get(latencyCount)).isCloseTo(classified, org.assertj.core.data.Offset.offset(5.0));
        assertThat(after.get(latencyCount) - before.get(latencyCount)).isGreaterThanOrEqualTo(3 * 3 + 2);
        assertThat(after.get("jwfp_classify_duration_seconds_bucket{le=\"+Inf\"}")).isEqualTo(after.get(latencyCount));
        assertThat(after.get("jwfp_classify_duration_seconds_sum")).isPositive();
        assertThat(after.get("jwfp_flows_created_total")).isGreaterThanOrEqualTo(3);

        // Loopback only by default: B cannot reach A's metrics port.
        assertThat(net.run(net.b, 15, "curl", "-sS", "-m", "3", "http://" + A_V4 + ":9464/metrics").exitCode())
                .isNotZero();
    }
}

package io.jwfp.scenarios.layerorder.live;

import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V6;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V6;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.packet.TcpView;
import io.jwfp.scenarios.live.Background;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveApps;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.scenarios.nat.Wire;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import io.jwfp.shim.sim.scenario.LayerOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layer-order conformance (seed-samples §12 LO-1…LO-3) on live traffic, T2, as far as Linux allows
 * (docs/samples/layer-order.md). What jwfpd classified, packet by packet, is read from its net events: it runs with
 * {@code --allow-events} and a policy with a PERMIT filter for the peer at every layer of the seed's lists, so each
 * classification is logged as an allow event, in order. The expected orders are {@link LayerOrder}'s, the lists the
 * simulator is held to.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LayerOrderLiveTest {
    /** Layers of socket calls (bind, listen, connect): no packet on Linux, never classified live. */
    static final Set<String> SOCKET_CALL_LAYERS = Set.of("ALE_BIND_REDIRECT", "ALE_RESOURCE_ASSIGNMENT", "ALE_AUTH_LISTEN",
            "ALE_CONNECT_REDIRECT");
    /** The packet and ALE layers with a peer address, where the recording policy filters on it. */
    static final List<String> PACKET_LAYERS = List.of("ALE_AUTH_CONNECT", "ALE_AUTH_RECV_ACCEPT", "ALE_FLOW_ESTABLISHED",
            "OUTBOUND_TRANSPORT", "INBOUND_TRANSPORT", "INBOUND_TRANSPORT_DISCARD", "OUTBOUND_IPPACKET", "INBOUND_IPPACKET");

    private static TwoNamespaces net;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        LiveApps.assumeTools("curl", "python3", "tcpdump", "ss");
        net = TwoNamespaces.create("lo-live");
    }

    @AfterAll
    static void tearDown() {
        if (net != null) net.close();
    }

    /** A PERMIT filter for {@code peer} at every layer of the seed's lists (socket-call layers without conditions). */
    static String recordingPolicy(int version, String peer) {
        StringBuilder y = new StringBuilder("filters:\n");
        List<String> layers = new ArrayList<>(PACKET_LAYERS);
        layers.addAll(List.of("ALE_RESOURCE_ASSIGNMENT", "ALE_AUTH_LISTEN"));
        for (String l : layers) {
            y.append("  - name: seen-").append(l.toLowerCase()).append('\n')
                    .append("    layer: ").append(layerName(l, version)).append('\n')
                    .append("    action: FWP_ACTION_PERMIT\n");
            if (PACKET_LAYERS.contains(l)) {
                y.append("    conditions:\n      - {field: FWPM_CONDITION_IP_REMOTE_ADDRESS, value: \"").append(peer).append("\"}\n");
            }
        }
        return y.toString();
    }

    /** FWPM_LAYER_X_V4, or FWPM_LAYER_X_V4_DISCARD for X_DISCARD. */
    static String layerName(String shortName, int version) {
        String v = "_V" + version;
        return "FWPM_LAYER_" + (shortName.endsWith("_DISCARD")
                ? shortName.substring(0, shortName.length() - "_DISCARD".length()) + v + "_DISCARD" : shortName + v);
    }

    LiveJwfpd recorder(String ns, String name, int version, String peer) throws Exception {
        Path policy = Files.writeString(dir.resolve(name + ".yaml"), recordingPolicy(version, peer));
        return LiveJwfpd.start(ns, dir.resolve(name), policy, "--allow-events");
    }

    /** The layers of the TCP classifications on {@code port} (either end), in order, as LayerOrder names them. */
    static List<String> layers(LiveJwfpd j, int port, int atLeast) throws Exception {
        Predicate<JsonNode> tcp = e -> e.path("ipProtocol").asInt() == 6
                && (e.path("remotePort").asInt() == port || e.path("localPort").asInt() == port);
        j.events(tcp, atLeast);
        Thread.sleep(300); // nothing else may follow
        return j.events().stream().filter(tcp).map(e -> e.path("layer").asText().replace("FWPM_LAYER_", "")
                .replace("_V4", "").replace("_V6", "")).toList();
    }

    /** A seed list's layers without the socket-call layers Linux has no packet for. */
    static List<String> live(List<String> seed) {
        return seed.stream().map(l -> l.substring(l.indexOf(' ') + 1)).filter(l -> !SOCKET_CALL_LAYERS.contains(l)).toList();
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    @DisplayName("LO-1 live: the TCP handshake A->B is classified in §10's order on both ends, minus the socket-call layers; FLOW_ESTABLISHED between SYN-ACK and ACK on the client, after the ACK on the server")
    void lo1(int version) throws Exception {
        boolean v6 = version == 6;
        String a = v6 ? A_V6 : A_V4;
        String b = v6 ? B_V6 : B_V4;
        int port = 7300 + version;
        try (LiveJwfpd atA = recorder(net.a, "a" + version, version, b);
             LiveJwfpd atB = recorder(net.b, "b" + version, version, a);
             Background server = LiveApps.http(net.b, dir, b, port, "B");
             Background client = Background.start(net.a, dir, "holder", "python3", "-c",
                     "import socket, time; s = socket.create_connection(('" + b + "', " + port + ")); "
                             + "print('connected', flush=True); time.sleep(20)")) {
            client.await("connected");
            List<String> expectedClient = live(LayerOrder.SEED_CLIENT);
            List<String> expectedServer = live(LayerOrder.SEED_SERVER);
            assertThat(expectedClient).hasSize(8).contains("ALE_FLOW_ESTABLISHED");
            assertThat(layers(atA, port, expectedClient.size())).containsExactlyElementsOf(expectedClient);
            assertThat(layers(atB, port, expectedServer.size())).containsExactlyElementsOf(expectedServer);
            assertThat(atA.events()).noneMatch(e -> SOCKET_CALL_LAYERS.stream().anyMatch(e.path("layer").asText()::contains));
        }
    }

    @Test
    @DisplayName("LO-2 live: a SYN to a closed port is classified at INBOUND_TRANSPORT and ALE_AUTH_RECV_ACCEPT (no transport discard layer on Linux), then the RST; the stealth equivalent is a block at INBOUND_TRANSPORT")
    void lo2() throws Exception {
        int closed = 7302;
        String url = LiveApps.url(A_V4, closed, "/");
        try (LiveJwfpd atA = recorder(net.a, "closed", 4, B_V4)) {
            TwoNamespaces.Result refused = LiveApps.curl(net::run, net.b, 5, url);
            assertThat(refused.exitCode()).as("connection refused: " + refused.output()).isEqualTo(7);
            // §10: INBOUND_IPPACKET, INBOUND_TRANSPORT_DISCARD, RST out. Linux demultiplexes sockets after the INPUT
            // hook, so the SYN goes through INBOUND_TRANSPORT and is authorized as a new flow like any other.
            List<String> expected = new ArrayList<>();
            for (String l : live(LayerOrder.CLOSED_PORT_SERVER)) {
                if (l.equals("INBOUND_TRANSPORT_DISCARD")) expected.addAll(List.of("INBOUND_TRANSPORT", "ALE_AUTH_RECV_ACCEPT"));
                else expected.add(l);
            }
            assertThat(layers(atA, closed, expected.size())).containsExactlyElementsOf(expected);

            // A BLOCK at the transport discard layer is accepted but never classified: the RST still goes out.
            atA.ok("filter", "add", "--name", "stealth-discard", "--layer", "FWPM_LAYER_INBOUND_TRANSPORT_V4_DISCARD",
                    "--action", "BLOCK");
            assertThat(LiveApps.curl(net::run, net.b, 5, url).exitCode()).isEqualTo(7);
            // The equivalent on Linux: drop the port's SYNs before the stack answers them.
            atA.ok("filter", "add", "--name", "stealth", "--layer", "FWPM_LAYER_INBOUND_TRANSPORT_V4", "--action", "BLOCK",
                    "--weight", "uint8:15", "--condition", "IP_LOCAL_PORT=" + closed);
            Capture atB = Capture.start(net.b, "vb", dir, "tcp");
            TwoNamespaces.Result stealthy = LiveApps.curl(net::run, net.b, 3, url);
            assertThat(stealthy.exitCode()).as("B's connect times out: " + stealthy.output()).isEqualTo(28);
            assertThat(atB.stop()).as("no RST leaves A").noneMatch(f -> (Wire.parse(f).tcpFlags() & TcpView.FLAG_RST) != 0)
                    .anyMatch(f -> Wire.parse(f).dstPort() == closed);
            List<JsonNode> stealthDrops = atA.events(e -> e.path("filterName").asText().equals("stealth"), 1);
            assertThat(stealthDrops).isNotEmpty();
            // The discard layer is indicated live only for packets jwfp itself blocked (then once per block).
            assertThat(atA.events().stream().filter(e -> e.path("layer").asText().endsWith("_DISCARD")))
                    .hasSize(stealthDrops.size());
        }
    }

    @Test
    @DisplayName("LO-3 live: deferred send injection at OUTBOUND_IPPACKET delivers the final ACK of an active close (raw socket); at OUTBOUND_TRANSPORT the held-packet injection delivers it too (Windows loses it: no endpoint check live)")
    void lo3() throws Exception {
        int port = 7303;
        try (Background server = Background.start(net.b, dir, "closer", "python3", "-c",
                "import socket\n"
                        + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                        + "s.bind(('" + B_V4 + "', " + port + ")); s.listen(8); print('listening', flush=True)\n"
                        + "while True:\n"
                        + "    c, _ = s.accept(); data = b''\n"
                        + "    while True:\n"
                        + "        d = c.recv(100)\n"
                        + "        if not d: break\n"
                        + "        data += d\n"
                        + "    print('got', data.decode(), flush=True); c.close()\n")) {
            server.await("listening");
            String byeAndClose = "import socket; s = socket.create_connection(('" + B_V4 + "', " + port + "), timeout=5); "
                    + "s.sendall(b'bye'); s.close(); print('sent', flush=True)";

            // At OUTBOUND_IPPACKET: every packet of A's connection leaves later through jwfpd's raw socket, the final
            // ACK of A's active close included (no endpoint needed): B's socket closes cleanly, nothing in LAST-ACK.
            try (LiveJwfpd j = LiveJwfpd.start(net.a, dir.resolve("network"), deferrerPolicy("OUTBOUND_IPPACKET_V4"))) {
                assertThat(net.run(net.a, 15, "python3", "-c", byeAndClose).output()).contains("sent");
                server.await("got bye");
                Thread.sleep(1000);
                assertThat(net.exec(net.b, "ss", "-tanH", "state", "last-ack")).as("B got the last ACK").isBlank();
                JsonNode results = j.control("deferrer", "results");
                assertThat(results.size()).isGreaterThanOrEqualTo(5);
                assertThat(results.findValuesAsText("")).isEmpty();
                assertThat(results).allSatisfy(r -> assertThat(r.asText()).isEqualTo("STATUS_SUCCESS"));
            }
            // At OUTBOUND_TRANSPORT: a deferred transport send goes on in place of the queued packet jwfp holds for it
            // (docs/live-layers.md, held packets), so it needs no endpoint either: the final ACK arrives too. Windows
            // loses it (§9.1 experiment 2); live jwfp does not check that the socket still exists.
            try (LiveJwfpd j = LiveJwfpd.start(net.a, dir.resolve("transport"), deferrerPolicy("OUTBOUND_TRANSPORT_V4"))) {
                assertThat(net.run(net.a, 15, "python3", "-c", byeAndClose).output()).contains("sent");
                server.await("got bye");
                Thread.sleep(1000);
                assertThat(net.exec(net.b, "ss", "-tanH", "state", "last-ack")).as("B got the last ACK").isBlank();
                JsonNode results = j.control("deferrer", "results");
                assertThat(results.size()).isGreaterThanOrEqualTo(5);
                assertThat(results).allSatisfy(r -> assertThat(r.asText()).isEqualTo("STATUS_SUCCESS"));
            }
        }
    }

    Path deferrerPolicy(String layer) throws Exception {
        return Files.writeString(dir.resolve("deferrer-" + layer + ".yaml"), """
                sublayers:
                  - {name: deferrer, weight: 0x4000}
                callouts:
                  - name: deferrer
                    layer: FWPM_LAYER_%1$s
                    implementation: lo3-deferrer
                filters:
                  - name: defer-to-b
                    layer: FWPM_LAYER_%1$s
                    sublayer: deferrer
                    conditions:
                      - {field: FWPM_CONDITION_IP_REMOTE_ADDRESS, value: %2$s}
                    action: FWP_ACTION_CALLOUT_TERMINATING
                    callout: deferrer
                """.formatted(layer, B_V4));
    }
}

package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.daemon.mgmt.ManagementServer;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.engine.layer.Layer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jwfp events --json} is a contract (docs/events.md): these are its field names, in this order. Renaming,
 * removing or reordering a field fails here; a new field must be added to the list and to the docs.
 */
class EventsJsonContractTest {
    /** Every field, as docs/events.md lists them. */
    static final List<String> ALL_FIELDS = List.of("sequence", "type", "timeStamp", "layer", "layerId", "filterId",
            "filterName", "direction", "ipVersion", "ipProtocol", "localAddr", "localPort", "remoteAddr", "remotePort",
            "appId", "userId", "userName", "loopback", "reauthorize", "veto");
    /** The fields docs/events.md calls optional: left out when unknown. */
    static final List<String> OPTIONAL = List.of("filterName", "localAddr", "remoteAddr", "appId", "userName");

    @TempDir
    Path dir;
    BaseFilteringEngine bfe;
    ManagementServer server;
    Path socket;

    @BeforeEach
    void start() throws Exception {
        bfe = BaseFilteringEngine.open(dir.resolve("state"));
        socket = dir.resolve("jwfpd.sock");
        server = new ManagementServer(bfe, socket, null, true, () -> Protocol.JSON.createObjectNode());
    }

    @AfterEach
    void stop() {
        server.close();
        bfe.close();
    }

    private static NetEvent full(int remotePort) {
        return new NetEvent(0, NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP, Instant.parse("2026-03-02T09:14:07.532118Z"),
                Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, 7, "no-outbound-smtp", "FWP_DIRECTION_OUTBOUND", 4, 6, "10.0.0.5",
                51234, "203.0.113.25", remotePort, "/usr/bin/curl", 1000, "alice", false, false, false);
    }

    /** An event that knows nothing optional: the layer default deciding a packet without addresses or process. */
    private static NetEvent bare() {
        return new NetEvent(0, NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_ALLOW, Instant.EPOCH,
                Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V6, 0, null, "FWP_DIRECTION_INBOUND", -1, -1, null, -1, null, -1,
                null, -1, null, true, true, true);
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) k.add(it.next());
        return k;
    }

    private String jwfp(String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--socket";
        full[args.length + 1] = socket.toString();
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Jwfp.run(full, new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void everyFieldHasItsDocumentedNameTypeAndOrder() throws Exception {
        bfe.netEvents().record(full(25));
        bfe.netEvents().record(bare());
        List<String> lines = jwfp("events", "--json").lines().toList();
        assertThat(lines).hasSize(2);

        JsonNode e = Protocol.JSON.readTree(lines.get(0));
        assertThat(keys(e)).containsExactlyElementsOf(ALL_FIELDS);
        assertThat(e.get("sequence").isIntegralNumber()).isTrue();
        assertThat(e.get("type").asText()).isEqualTo("FWPM_NET_EVENT_TYPE_CLASSIFY_DROP");
        assertThat(e.get("timeStamp").asText()).isEqualTo("2026-03-02T09:14:07.532118Z");
        assertThat(e.get("layer").asText()).isEqualTo("FWPM_LAYER_ALE_AUTH_CONNECT_V4");
        assertThat(e.get("layerId").asInt()).isEqualTo(48);
        assertThat(e.get("filterId").asLong()).isEqualTo(7);
        assertThat(e.get("filterName").asText()).isEqualTo("no-outbound-smtp");
        assertThat(e.get("direction").asText()).isEqualTo("FWP_DIRECTION_OUTBOUND");
        assertThat(e.get("ipVersion").asInt()).isEqualTo(4);
        assertThat(e.get("ipProtocol").asInt()).isEqualTo(6);
        assertThat(e.get("localAddr").asText()).isEqualTo("10.0.0.5");
        assertThat(e.get("localPort").asInt()).isEqualTo(51234);
        assertThat(e.get("remoteAddr").asText()).isEqualTo("203.0.113.25");
        assertThat(e.get("remotePort").asInt()).isEqualTo(25);
        assertThat(e.get("appId").asText()).isEqualTo("/usr/bin/curl");
        assertThat(e.get("userId").asLong()).isEqualTo(1000);
        assertThat(e.get("userName").asText()).isEqualTo("alice");
        for (String b : List.of("loopback", "reauthorize", "veto")) assertThat(e.get(b).isBoolean()).as(b).isTrue();
        for (String s : List.of("type", "timeStamp", "layer", "filterName", "direction", "localAddr", "remoteAddr", "appId",
                "userName")) {
            assertThat(e.get(s).isTextual()).as(s).isTrue();
        }
        for (String n : List.of("sequence", "layerId", "filterId", "ipVersion", "ipProtocol", "localPort", "remotePort",
                "userId")) {
            assertThat(e.get(n).isIntegralNumber()).as(n).isTrue();
        }

        // Unknown values: optional fields are left out, numbers are -1; the rest stays in its place.
        JsonNode b = Protocol.JSON.readTree(lines.get(1));
        assertThat(keys(b)).containsExactlyElementsOf(ALL_FIELDS.stream().filter(f -> !OPTIONAL.contains(f)).toList());
        assertThat(b.get("sequence").asLong()).isEqualTo(e.get("sequence").asLong() + 1);
        assertThat(b.get("filterId").asLong()).isZero();
        assertThat(b.get("remotePort").asInt()).isEqualTo(-1);
        assertThat(b.get("userId").asLong()).isEqualTo(-1);
        assertThat(b.get("veto").asBoolean()).isTrue();
    }

    /**
     * {@code jwfp events --follow --json} as a separate process writing into a pipe (not a terminal, where stdout is
     * block-buffered unless flushed): each event arrives as one complete JSON line while the command keeps running.
     */
    @Test
    void followWritesEachEventAsOneFlushedLine() throws Exception {
        bfe.netEvents().record(full(1)); // the backlog
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Jwfp.class.getName(),
                "events", "--follow", "--json", "--socket", socket.toString()).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            String first = lines.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("the backlog line").isNotNull().startsWith("{");
            assertThat(Protocol.JSON.readTree(first).get("remotePort").asInt()).isEqualTo(1);
            for (int port = 2; port <= 4; port++) {
                // One event at a time: the line must come out while the command still runs, i.e. it was flushed.
                Thread.sleep(port == 2 ? 300 : 0); // the subscription starts after the backlog went out
                bfe.netEvents().record(full(port));
                String line = lines.poll(10, TimeUnit.SECONDS);
                assertThat(line).as("event " + port + " arrives while --follow runs").isNotNull().startsWith("{");
                JsonNode e = Protocol.JSON.readTree(line);
                assertThat(keys(e)).containsExactlyElementsOf(ALL_FIELDS);
                assertThat(e.get("remotePort").asInt()).isEqualTo(port);
            }
            assertThat(p.isAlive()).as("--follow keeps running").isTrue();
            assertThat(lines).as("nothing but the event lines").isEmpty();
            server.close(); // jwfpd goes away: the command ends
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
        } finally {
            p.destroyForcibly();
        }
    }
}

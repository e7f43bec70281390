package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.daemon.mgmt.ManagementServer;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jwfp CLI against a management server in this JVM (no live traffic needed). */
class ManagementTest {
    @TempDir
    Path dir;
    BaseFilteringEngine bfe;
    ManagementServer server;
    Path socket;

    record Run(int rc, String out, String err) {}

    Run jwfp(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = args[0];
        // Options come after the subcommand path; find where the path ends (first arg starting with '-').
        int i = 0;
        while (i < args.length && !args[i].startsWith("-")) i++;
        String[] withSocket = new String[args.length + 2];
        System.arraycopy(args, 0, withSocket, 0, i);
        withSocket[i] = "--socket";
        withSocket[i + 1] = socket.toString();
        System.arraycopy(args, i, withSocket, i + 2, args.length - i);
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Jwfp.run(withSocket, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    @BeforeEach
    void start() throws Exception {
        bfe = BaseFilteringEngine.open(dir.resolve("state"));
        socket = dir.resolve("jwfpd.sock");
        server = new ManagementServer(bfe, socket, null, true, () -> Protocol.JSON.createObjectNode().put("filters",
                bfe.filterEngine().state().filterCount()));
    }

    @AfterEach
    void stop() {
        server.close();
        bfe.close();
    }

    ClassifyResult connect(int port) {
        Layer l = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
        FwpsIncomingValues in = new FwpsIncomingValues(l).setUint16(l.fieldIndex(Conditions.FWPM_CONDITION_IP_REMOTE_PORT), port);
        ClassifyResult r = new ClassifyResult();
        bfe.filterEngine().classify(in, new FwpsIncomingMetadataValues(), null, r);
        return r;
    }

    @Test
    void filtersAndSublayersCanBeManagedFromTheCommandLine() throws Exception {
        assertThat(jwfp("sublayer", "add", "acme", "--weight", "0x9000").rc()).isZero();
        Run add = jwfp("filter", "add", "--name", "no-80", "--layer", "ALE_AUTH_CONNECT_V4", "--sublayer", "acme",
                "--condition", "IP_REMOTE_PORT=80", "--action", "BLOCK");
        assertThat(add.rc()).as(add.err()).isZero();
        assertThat(add.out()).startsWith("added filter 1 ");
        assertThat(connect(80).isBlock()).isTrue();
        assertThat(connect(81).isBlock()).isFalse();

        Run list = jwfp("filter", "list", "--layer", "ALE_AUTH_CONNECT_V4", "--json");
        JsonNode fs = new ObjectMapper().readTree(list.out());
        assertThat(fs).hasSize(1);
        assertThat(fs.get(0).path("name").asText()).isEqualTo("no-80");
        assertThat(jwfp("filter", "list", "--sublayer", "acme").out()).contains("no-80").contains("REMOTE_PORT EQUAL 80");
        assertThat(jwfp("sublayer", "list").out()).contains("0x9000").contains("acme");

        // A bad request is one line, exit 2, and changes nothing.
        Run bad = jwfp("filter", "add", "--name", "x", "--layer", "ALE_AUTH_CONNECT_V4", "--condition", "IP_REMOTE_PORT=99999",
                "--action", "BLOCK");
        assertThat(bad.rc()).isEqualTo(2);
        assertThat(bad.err().strip().lines()).hasSize(1);
        assertThat(bad.err()).contains("IP_REMOTE_PORT").contains("out of range");
        Run inUse = jwfp("sublayer", "delete", "acme");
        assertThat(inUse.rc()).isEqualTo(2);
        assertThat(inUse.err()).contains("FWP_E_IN_USE");
        assertThat(bfe.filterEngine().state().filterCount()).isEqualTo(1);

        assertThat(jwfp("filter", "delete", "1").rc()).isZero();
        assertThat(connect(80).isBlock()).isFalse();
        assertThat(jwfp("filter", "delete", "1").err()).contains("FWP_E_FILTER_NOT_FOUND");
        assertThat(jwfp("sublayer", "delete", "acme").rc()).isZero();
    }

    @Test
    void applyIsOneTransactionAndStatusReportsIt() throws Exception {
        Path p = Files.writeString(dir.resolve("p.yaml"), """
                sublayers:
                  - {name: s, weight: 0x100}
                filters:
                  - {name: a, layer: ALE_AUTH_CONNECT_V4, sublayer: s, action: BLOCK, conditions: [{field: IP_REMOTE_PORT, value: 22}]}
                  - {name: b, layer: ALE_AUTH_CONNECT_V4, sublayer: s, action: BLOCK, conditions: [{field: IP_REMOTE_PORT, value: 23}]}
                """);
        Run r = jwfp("apply", p.toString());
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 filters");
        assertThat(jwfp("apply", p.toString()).rc()).isZero(); // replacing: converges
        assertThat(bfe.filterEngine().state().filterCount()).isEqualTo(2);
        Path broken = Files.writeString(dir.resolve("b.yaml"), """
                filters:
                  - {name: ok, layer: ALE_AUTH_CONNECT_V4, action: BLOCK}
                  - {name: bad, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, sublayer: 8e1c1b3c-0000-4000-8000-000000000000}
                """);
        Run b = jwfp("apply", broken.toString());
        assertThat(b.rc()).isEqualTo(2);
        assertThat(b.err()).contains("FWP_E_SUBLAYER_NOT_FOUND").contains(":3:");
        assertThat(bfe.filterEngine().state().filterCount()).isEqualTo(2); // the good filter was not applied either
        assertThat(jwfp("status", "--json").out()).contains("\"filters\" : 2");
    }

    @Test
    void aDynamicSessionsObjectsVanishWhenItsClientDisconnects() throws Exception {
        ManagementClient c = ManagementClient.connect(socket);
        var hello = c.request("hello");
        hello.put("dynamic", true);
        assertThat(c.call(hello).path("ok").asBoolean()).isTrue();
        var add = c.request("filter.add");
        add.putObject("filter").put("name", "temp").put("layer", "ALE_AUTH_CONNECT_V4").put("action", "BLOCK");
        assertThat(c.call(add).path("ok").asBoolean()).isTrue();
        assertThat(connect(1).isBlock()).isTrue();
        c.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (bfe.filterEngine().state().filterCount() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(bfe.filterEngine().state().filterCount()).isZero();
        assertThat(connect(1).isBlock()).isFalse();
    }

    @Test
    void eventsAreListedAndFollowed() throws Exception {
        jwfp("filter", "add", "--name", "no-80", "--layer", "ALE_AUTH_CONNECT_V4", "--condition", "IP_REMOTE_PORT=80",
                "--action", "BLOCK");
        connect(80);
        Run ev = jwfp("events", "--json");
        assertThat(ev.rc()).isZero();
        JsonNode e = new ObjectMapper().readTree(ev.out().lines().findFirst().orElseThrow());
        assertThat(e.path("type").asText()).isEqualTo(NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP.name());
        assertThat(e.path("filterId").asLong()).isEqualTo(1);
        assertThat(e.path("layer").asText()).isEqualTo("FWPM_LAYER_ALE_AUTH_CONNECT_V4");
        assertThat(jwfp("events").out()).contains("DROP").contains("filter 1 (no-80)");

        // --follow: a second drop arrives on the open stream.
        ManagementClient c = ManagementClient.connect(socket);
        var req = c.request("events");
        req.put("follow", true);
        req.put("since", bfe.netEvents().lastSequence());
        java.util.concurrent.BlockingQueue<JsonNode> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                c.stream(req, lines::add);
            } catch (java.io.IOException ignored) {
                // closed by the test
            }
        });
        assertThat(lines.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull(); // the (empty) backlog
        Thread.sleep(100); // let the subscription start
        connect(80);
        JsonNode next = lines.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        assertThat(next.path("event").path("remotePort").asInt()).isEqualTo(80);
        c.close();
        t.join(5000);
    }

    @Test
    void clientsThatAreNeitherRootNorInTheGroupAreRefused() throws Exception {
        server.close();
        server = new ManagementServer(bfe, socket, null, false, () -> Protocol.JSON.createObjectNode());
        Run r = jwfp("status");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("may not manage jwfpd");
    }

    @Test
    void calloutsCanBeControlledAtRunTime() {
        java.util.List<String> rules = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.UUID key = java.util.UUID.randomUUID();
        bfe.filterEngine().calloutRegister(new io.jwfp.engine.callout.FwpsCallout(key, 0, (in, m, d, ctx, f, flow, out) -> { },
                null, null, (command, args) -> switch (command) {
                    case "add-rule" -> {
                        rules.add(String.valueOf(args.get("port")));
                        yield "added";
                    }
                    case "list-rules" -> java.util.List.copyOf(rules);
                    default -> throw new IllegalArgumentException("unknown command '" + command + "' (add-rule, list-rules)");
                }));
        try (var e = bfe.openSession(io.jwfp.bfe.FwpmSession.named("setup"))) {
            e.calloutAdd(new io.jwfp.engine.model.FwpmCallout(key, "blocker", Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4));
            e.calloutAdd(new io.jwfp.engine.model.FwpmCallout(java.util.UUID.randomUUID(), "ghost", Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4));
        }
        assertThat(jwfp("callout", "control", "blocker", "add-rule", "port=80").out().strip()).isEqualTo("added");
        assertThat(rules).containsExactly("80");
        assertThat(jwfp("callout", "control", "blocker", "list-rules").out()).contains("\"80\"");
        Run bad = jwfp("callout", "control", "blocker", "frobnicate");
        assertThat(bad.rc()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown command 'frobnicate'");
        assertThat(jwfp("callout", "control", "ghost", "x").err()).contains("is not registered");
        assertThat(jwfp("callout", "list").out()).contains("blocker").contains("registered").contains("NOT REGISTERED");
    }

    @Test
    void noDaemonIsReportedClearly() {
        server.close();
        Run r = jwfp("status");
        assertThat(r.rc()).isEqualTo(1);
        assertThat(r.err()).contains("jwfpd is not running");
    }
}

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

    static final String FIREFOX = "\\device\\harddiskvolume3\\program files\\mozilla firefox\\firefox.exe";

    /** One classification on the live engine (counted, as jwfpd's shim would make it). */
    ClassifyResult classify(Layer l, int protocol, int localPort, int remotePort, String app) {
        FwpsIncomingValues in = new FwpsIncomingValues(l).fillUint8(Conditions.FWPM_CONDITION_IP_PROTOCOL, protocol);
        if (localPort >= 0) in.fillUint16(Conditions.FWPM_CONDITION_IP_LOCAL_PORT, localPort);
        if (remotePort >= 0) in.fillUint16(Conditions.FWPM_CONDITION_IP_REMOTE_PORT, remotePort);
        if (app != null) in.fillByteBlob(Conditions.FWPM_CONDITION_ALE_APP_ID, io.jwfp.engine.value.AppIds.encode(app));
        ClassifyResult r = new ClassifyResult();
        bfe.filterEngine().classify(in, new FwpsIncomingMetadataValues(), null, r);
        return r;
    }

    JsonNode hits(String name) throws Exception {
        for (JsonNode f : new ObjectMapper().readTree(jwfp("filter", "list", "--json").out())) {
            if (f.path("name").asText().equals(name)) return f.path("hits");
        }
        throw new AssertionError("no filter " + name);
    }

    @Test
    void explainRunsOnTheLivePolicyWithoutCountingAndFilterListShowsHits() throws Exception {
        Path policy = Path.of("..", "examples", "policies", "windows-like.yaml");
        assertThat(jwfp("apply", policy.toString()).rc()).isZero();
        String[] flow = {"--flow", "tcp 192.168.1.20:51000 -> 192.168.1.10:3389", "--direction", "in"};
        Run live = jwfp(concat(new String[] {"explain"}, flow));
        assertThat(live.rc()).as(live.err()).isZero();
        assertThat(live.out()).contains("against jwfpd's live policy (" + socket + ")")
                .contains("by filter 1 'Block Remote Desktop (TCP-In)'");
        // The same explanation as against the file, line for line after the 'against' line.
        StringWriter out = new StringWriter();
        Jwfp.run(concat(new String[] {"explain", "--policy", policy.toString()}, flow), new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(live.out().lines().skip(2).toList()).isEqualTo(out.toString().lines().skip(2).toList());
        JsonNode j = new ObjectMapper().readTree(jwfp(concat(new String[] {"explain", "--json"}, flow)).out());
        assertThat(j.path("blockingLayer").asInt()).isEqualTo(5);
        assertThat(j.path("layers").get(5).path("filterName").asText()).isEqualTo("Block Remote Desktop (TCP-In)");

        // explain counted nothing; classifications do.
        assertThat(hits("Block Remote Desktop (TCP-In)").toString()).isEqualTo("{\"decided\":0,\"matched\":0}");
        Layer accept = Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4;
        assertThat(classify(accept, 6, 3389, 51000, null).isBlock()).isTrue();
        assertThat(classify(accept, 6, 3389, 51001, null).isBlock()).isTrue();
        assertThat(classify(accept, 6, 8080, 51002, null).isBlock()).isTrue();
        assertThat(hits("Block Remote Desktop (TCP-In)").toString()).isEqualTo("{\"decided\":2,\"matched\":2}");
        assertThat(hits("Default inbound (block)").toString()).isEqualTo("{\"decided\":1,\"matched\":1}");
        // Outbound by Firefox: the soft block above matched, the Firefox permit decided.
        assertThat(classify(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, 6, 51000, 443, FIREFOX).isBlock()).isFalse();
        assertThat(hits("acme-av web scan (soft block)").toString()).isEqualTo("{\"decided\":0,\"matched\":1}");
        assertThat(hits("Firefox (TCP-Out)").toString()).isEqualTo("{\"decided\":1,\"matched\":1}");
        Run list = jwfp("filter", "list", "--layer", "ALE_AUTH_RECV_ACCEPT_V4");
        assertThat(list.out().lines().findFirst().orElseThrow()).contains("DECIDED").contains("MATCHED");
        assertThat(list.out()).containsPattern("Block Remote Desktop \\(TCP-In\\).* +2 +2 ");
        jwfp(concat(new String[] {"explain"}, flow));
        assertThat(hits("Block Remote Desktop (TCP-In)").toString()).isEqualTo("{\"decided\":2,\"matched\":2}");
    }

    @Test
    void explainDoesNotRunLiveCalloutsThatMayHaveSideEffects() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.UUID key = java.util.UUID.randomUUID();
        bfe.filterEngine().calloutRegister(new io.jwfp.engine.callout.FwpsCallout(key, 0, (in, m, d, ctx, f, fl, out) -> {
            calls.incrementAndGet();
            out.actionType = io.jwfp.engine.model.ActionType.FWP_ACTION_PERMIT;
        }, null, null, null));
        try (var e = bfe.openSession(io.jwfp.bfe.FwpmSession.named("setup"))) {
            e.calloutAdd(new io.jwfp.engine.model.FwpmCallout(key, "counting", Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4));
            e.filterAdd(io.jwfp.engine.model.FwpmFilter.builder().name("via counting").layer(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                    .calloutAction(io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_TERMINATING, key).build());
        }
        Run r = jwfp("explain", "--flow", "tcp 10.0.0.1:51000 -> 10.0.0.2:443");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(calls).hasValue(0);
        assertThat(r.out()).contains("callout not run by explain (not declared free of side effects), taken as unregistered: acts as BLOCK")
                .contains("by filter 1 'via counting'");
        // A bad request to the op is refused in one line.
        try (ManagementClient c = ManagementClient.connect(socket)) {
            var req = c.request("explain.flow");
            req.put("flow", "tcp nowhere").put("direction", "outbound");
            JsonNode a = c.call(req);
            assertThat(a.path("ok").asBoolean()).isFalse();
            assertThat(a.path("error").asText()).isEqualTo("BAD_REQUEST");
            assertThat(a.path("message").asText()).contains("expected PROTOCOL SOURCE -> DESTINATION");
            req = c.request("explain.flow");
            req.put("flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2").put("direction", "sideways");
            assertThat(c.call(req).path("message").asText()).contains("direction");
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void noDaemonIsReportedClearly() {
        server.close();
        Run r = jwfp("status");
        assertThat(r.rc()).isEqualTo(1);
        assertThat(r.err()).contains("jwfpd is not running");
    }
}

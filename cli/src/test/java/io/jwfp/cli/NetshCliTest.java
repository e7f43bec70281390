package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.daemon.mgmt.ManagementServer;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyParser;
import io.jwfp.policy.netsh.ImportReport;
import io.jwfp.policy.netsh.NetshImport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jwfp import} and {@code jwfp show} against the two real Windows dumps (engine/src/test/resources/netsh). */
class NetshCliTest {
    static final Path DIR = Path.of("../engine/src/test/resources/netsh");
    static final Path STATE = DIR.resolve("windows-wfpstate.xml");
    static final Path ZH = DIR.resolve("windows11-zh-filters.xml");

    @TempDir
    Path tmp;

    record Run(int rc, String out, String err) {}

    static Run jwfp(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Jwfp.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void importWritesAPolicyAndAReport() throws Exception {
        Path yaml = tmp.resolve("windows.yaml"), report = tmp.resolve("report.txt");
        Run r = jwfp("import", STATE.toString(), "-o", yaml.toString(), "--report", report.toString());
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).contains("1,254 filters; imported 1,234").contains("skipped").contains("boot-time filter");
        Policy p = PolicyParser.parse(yaml);
        assertThat(p.filters()).hasSize(1234);
        assertThat(Files.readString(report)).contains("FWPM_FILTER_FLAG_BOOTTIME").contains("filter ");

        Path yaml2 = tmp.resolve("zh.yaml");
        Run j = jwfp("import", ZH.toString(), "-o", yaml2.toString(), "--json");
        assertThat(j.rc()).as(j.err()).isZero();
        JsonNode rep = ObjectJson.MAPPER.readTree(j.out());
        assertThat(rep.path("filtersInDump").asInt()).isEqualTo(1246);
        assertThat(rep.path("neverMatching").asInt()).isEqualTo(143);
        assertThat(rep.path("reasons").path("UNEVALUABLE_CONDITION").path("filters").asInt()).isEqualTo(72);
        JsonNode first = null;
        for (JsonNode e : rep.path("entries")) if (e.path("reason").asText().equals("UNEVALUABLE_CONDITION")) { first = e; break; }
        assertThat(first).isNotNull();
        assertThat(first.path("detail").asText()).startsWith("FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME: not a field");
        assertThat(Files.readString(yaml2)).contains("# NEVER MATCHES: FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME");

        // The third-party sublayer of the show-filters dump has no weight there; the user can give it.
        Path yaml3 = tmp.resolve("zh3.yaml");
        Run w = jwfp("import", ZH.toString(), "-o", yaml3.toString(), "--sublayer-weight",
                "{745590a5-d0ba-4073-a921-75a4849ff259}=0x9000");
        assertThat(w.rc()).as(w.err()).isZero();
        assertThat(w.err()).contains("weight 36864 as given");
        Policy.Sublayer sl = PolicyParser.parse(yaml3).sublayers().stream()
                .filter(x -> x.key().toString().equals("745590a5-d0ba-4073-a921-75a4849ff259")).findFirst().orElseThrow();
        assertThat(sl.weight()).isEqualTo(0x9000);
    }

    @Test
    void userMistakesAreOneLineErrorsWithExitCode2() throws Exception {
        Path other = tmp.resolve("pom.xml");
        Files.writeString(other, "<project><modelVersion>4.0.0</modelVersion></project>\n");
        Path cut = tmp.resolve("cut.xml");
        byte[] full = Files.readAllBytes(STATE);
        Files.write(cut, java.util.Arrays.copyOf(full, 100_000));
        for (String[] args : List.of(
                new String[] {"import", tmp.resolve("nope.xml").toString()},
                new String[] {"import", other.toString()},
                new String[] {"import", cut.toString()},
                new String[] {"import", STATE.toString(), "--json"},
                new String[] {"show", "filters", "--policy", tmp.resolve("nope.yaml").toString()},
                new String[] {"show", "filters", "--policy", cut.toString()},
                new String[] {"show", "filters", "--xml", "--json", "--policy", STATE.toString()},
                new String[] {"import", ZH.toString(), "--sublayer-weight", "nonsense=5"},
                new String[] {"import", ZH.toString(), "--sublayer-weight", "FWPM_SUBLAYER_MPSSVC_WF=70000"},
                new String[] {"show", "nonsense"})) {
            Run r = jwfp(args);
            assertThat(r.rc()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("jwfp: ").doesNotContain("\tat ").doesNotContain("Exception");
        }
        assertThat(jwfp("import", cut.toString()).err()).contains("cut.xml").contains("not well-formed XML");
        assertThat(jwfp("import", other.toString()).err()).contains("not a netsh wfp dump");
    }

    @Test
    void helpHasExamples() {
        for (String cmd : List.of("import", "show")) {
            Run r = jwfp(cmd, "--help");
            assertThat(r.rc()).isZero();
            assertThat(r.out()).contains("Examples:").contains("jwfp " + cmd + " ");
        }
    }

    @Test
    void showFiltersTableIsInArbitrationOrder() {
        Run r = jwfp("show", "filters", "--policy", STATE.toString(), "--layer", "ALE_AUTH_RECV_ACCEPT_V4");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).contains("imported 1,234 of 1,254 filters");
        List<String> rows = r.out().lines().filter(l -> l.startsWith("  ") && !l.startsWith("  ID")).toList();
        assertThat(rows).isNotEmpty();
        assertThat(r.out()).contains("FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4").contains("Core Networking - Dynamic Host Configuration Protocol (DHCP-In)");
        // Arbitration order: sublayer weight, then effective weight, both never increasing.
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^  \\d+\\s+.*?\\((\\d+)\\)\\s+([0-9a-f]{16})\\s");
        long lastSub = Long.MAX_VALUE, lastWeight = -1;
        int checked = 0;
        for (String l : rows) {
            java.util.regex.Matcher m = row.matcher(l);
            assertThat(m.find()).as(l).isTrue();
            long sub = Long.parseLong(m.group(1)), w = Long.parseUnsignedLong(m.group(2), 16);
            assertThat(sub).as(l).isLessThanOrEqualTo(lastSub);
            if (sub == lastSub) assertThat(Long.compareUnsigned(w, lastWeight)).as(l).isLessThanOrEqualTo(0);
            lastSub = sub;
            lastWeight = w;
            checked++;
        }
        assertThat(checked).isGreaterThan(5);
    }

    /** import → show --xml → import again gives the same filters; show state keeps sublayers and callouts too. */
    @Test
    void xmlRoundTripKeepsTheFilters() throws Exception {
        for (Path dump : List.of(STATE, ZH)) {
            NetshImport.Result first = NetshImport.load(dump);
            for (String what : List.of("filters", "state")) {
                Run r = jwfp("show", what, "--xml", "--policy", dump.toString());
                assertThat(r.rc()).as(r.err()).isZero();
                assertThat(r.out()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<"
                        + (what.equals("filters") ? "wfpdiag" : "wfpstate") + ">");
                Path x = tmp.resolve(dump.getFileName() + "." + what + ".xml");
                Files.writeString(x, r.out(), StandardCharsets.UTF_8);
                NetshImport.Result again = NetshImport.load(x);
                assertThat(again.report().skipped()).isZero();
                // Nothing new becomes unevaluable; what never matched (callouts, quarantine) still never matches.
                assertThat(again.report().countByReason()).doesNotContainKey(ImportReport.Reason.UNEVALUABLE_CONDITION);
                assertThat(sorted(filters(again.policy()))).as(dump + " via show " + what).isEqualTo(sorted(filters(first.policy())));
                if (what.equals("state")) {
                    assertThat(sorted(objects(again.policy()))).isEqualTo(sorted(objects(first.policy())));
                }
            }
        }
    }

    @Test
    void showAgainstJwfpdIncludesHitsWhenReported() throws Exception {
        Path yaml = tmp.resolve("w.yaml");
        assertThat(jwfp("import", STATE.toString(), "-o", yaml.toString()).rc()).isZero();
        try (BaseFilteringEngine bfe = BaseFilteringEngine.open(tmp.resolve("state"))) {
            Path socket = tmp.resolve("jwfpd.sock");
            ManagementServer server = new ManagementServer(bfe, socket, null, true, () -> Protocol.JSON.createObjectNode());
            try {
                Run a = jwfp("apply", yaml.toString(), "--socket", socket.toString());
                assertThat(a.rc()).as(a.err()).isZero();
                Run s = jwfp("show", "filters", "--socket", socket.toString(), "--layer", "ALE_RESOURCE_ASSIGNMENT_V4");
                assertThat(s.rc()).as(s.err()).isZero();
                assertThat(s.out()).contains("Core Networking - Dynamic Host Configuration Protocol (DHCP-In)");
                Run x = jwfp("show", "state", "--xml", "--socket", socket.toString());
                assertThat(x.rc()).as(x.err()).isZero();
                // netsh lists the engine's sessions in a state dump; jwfpd's include this command's own.
                assertThat(x.out()).containsPattern("<sessions numItems=\"[1-9]")
                        .contains("<name>jwfp client</name>").contains("<sid>S-1-22-1-");
                Path f = tmp.resolve("live.xml");
                Files.writeString(f, x.out());
                assertThat(NetshImport.load(f).policy().filters()).hasSize(1234);
                Run j = jwfp("show", "filters", "--json", "--socket", socket.toString());
                assertThat(ObjectJson.MAPPER.readTree(j.out()).path("filters").size()).isEqualTo(1234);
            } finally {
                server.close();
            }
        }
    }

    /** jwfpd's per-filter counters ("hits": {"decided", "matched"}) become a column when present. */
    @Test
    void hitsColumnAppearsWhenCountersAreReported() {
        ShowCommand.Snapshot s = ShowCommand.fromPolicy(STATE, new PrintWriter(new StringWriter()));
        io.jwfp.engine.model.FwpmFilter dhcp = s.filters().stream()
                .filter(f -> f.displayData().name().equals("Core Networking - Dynamic Host Configuration Protocol (DHCP-In)"))
                .findFirst().orElseThrow();
        StringWriter plain = new StringWriter();
        ShowCommand.filterTable(new PrintWriter(plain), s);
        assertThat(plain.toString()).doesNotContain("HITS");
        JsonNode hits = ObjectJson.MAPPER.createObjectNode().put("decided", 7).put("matched", 12);
        ShowCommand.Snapshot withHits = new ShowCommand.Snapshot(s.providers(), s.sublayers(), s.callouts(), s.filters(),
                java.util.Map.of(dhcp.filterId(), hits), List.of());
        StringWriter out = new StringWriter();
        ShowCommand.filterTable(new PrintWriter(out), withHits);
        assertThat(out.toString()).contains("HITS DEC/MATCH");
        String row = out.toString().lines().filter(l -> l.contains("(DHCP-In)") && l.startsWith("  " + dhcp.filterId() + " "))
                .findFirst().orElseThrow();
        assertThat(row).contains(" 7/12 ");
    }

    static List<String> filters(Policy p) {
        List<String> out = new ArrayList<>();
        for (Policy.Filter f : p.filters()) {
            out.add(f.name() + "|" + f.key() + "|" + f.layer() + "|" + f.subLayerKey() + "|" + f.weight() + "|" + f.conditions()
                    + "|" + f.action() + "|" + f.calloutKey() + "|" + f.flags() + "|" + f.providerKey() + "|"
                    + (f.description() == null ? "" : f.description()) + "|" + f.rawContext());
        }
        return out;
    }

    static List<String> objects(Policy p) {
        List<String> out = new ArrayList<>();
        for (Policy.Provider o : p.providers()) out.add("P|" + o.name() + "|" + o.key());
        for (Policy.Sublayer o : p.sublayers()) out.add("S|" + o.name() + "|" + o.key() + "|" + o.weight() + "|" + o.providerKey());
        for (Policy.Callout o : p.callouts()) out.add("C|" + o.name() + "|" + o.key() + "|" + o.layer());
        return out;
    }

    static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        c.sort(null);
        return c;
    }
}

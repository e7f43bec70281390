package io.jwfp.policy.netsh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmFilterEnumTemplate;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.arbitration.RecordingTrace;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.netsh.NetshDump;
import io.jwfp.engine.netsh.NetshNames;
import io.jwfp.engine.netsh.NetshReader;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.PolicyParser;
import io.jwfp.policy.netsh.ImportReport.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NetshImport} against the two real Windows dumps (engine/src/test/resources/netsh). */
class NetshImportTest {
    static final Path DIR = Path.of("../engine/src/test/resources/netsh");
    static final Path STATE = DIR.resolve("windows-wfpstate.xml");
    static final Path ZH = DIR.resolve("windows11-zh-filters.xml");

    private static final Map<Path, NetshImport.Result> CACHE = new HashMap<>();

    static synchronized NetshImport.Result imported(Path p) {
        return CACHE.computeIfAbsent(p, NetshImport::load);
    }

    /** Filters per layer counted from the raw XML text, independently of NetshReader. */
    static Map<String, Integer> rawLayerCounts(Path p) throws IOException {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        Map<String, Integer> out = new HashMap<>();
        // A filter item has <layerKey> directly followed by <subLayerKey>; a layer item's layerKey is followed by displayData.
        Matcher m = Pattern.compile("<layerKey>([A-Z0-9_]+)</layerKey>\\s*<subLayerKey>").matcher(text);
        while (m.find()) out.merge(m.group(1), 1, Integer::sum);
        return out;
    }

    static void checkCountsPerLayer(Path p) throws IOException {
        NetshImport.Result r = imported(p);
        Map<String, Integer> raw = rawLayerCounts(p);
        Map<String, Integer> skipped = new HashMap<>();
        for (ImportReport.Entry e : r.report().entries()) {
            if (e.reason().outcome() == ImportReport.Outcome.SKIPPED) skipped.merge(e.layer(), 1, Integer::sum);
        }
        Map<String, Integer> got = new HashMap<>();
        for (Policy.Filter f : r.policy().filters()) got.merge(f.layer().name(), 1, Integer::sum);
        for (var e : raw.entrySet()) {
            int expected = e.getValue() - skipped.getOrDefault(e.getKey(), 0);
            assertThat(got.getOrDefault(e.getKey(), 0)).as("filters imported at " + e.getKey()).isEqualTo(expected);
        }
        assertThat(raw.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(r.report().filtersInDump());
    }

    /** FWPM_SUBLAYER_MPSSVC_QUARANTINE's key. */
    static final String QUARANTINE = NetshNames.resolve("FWPM_SUBLAYER_MPSSVC_QUARANTINE").key().toString();

    @Test
    void stateDumpCountsPerLayer() throws IOException {
        NetshImport.Result r = imported(STATE);
        assertThat(r.report().filtersInDump()).isEqualTo(1254);
        assertThat(r.report().imported()).isEqualTo(1234);
        assertThat(r.report().skipped()).isEqualTo(20);
        assertThat(r.report().countByReason()).containsEntry(Reason.BOOT_TIME, 16).containsEntry(Reason.LAYER_NOT_MODELLED, 4);
        // jwfp's layer schemas come from this very dump: every condition is evaluable; what never matches are the
        // filters calling a terminating Windows callout jwfp has no code for.
        assertThat(r.report().countByReason()).doesNotContainKey(Reason.UNEVALUABLE_CONDITION);
        assertThat(r.report().countByReason()).containsEntry(Reason.CALLOUT_WITHOUT_CODE, 42)
                .containsEntry(Reason.INTERFACE_QUARANTINE, 26);
        assertThat(r.report().neverMatching()).isEqualTo(42 + 26);
        checkCountsPerLayer(STATE);
    }

    @Test
    void windows11DumpCountsPerLayerAndUnevaluableConditions() throws IOException {
        NetshImport.Result r = imported(ZH);
        assertThat(r.report().filtersInDump()).isEqualTo(1246);
        assertThat(r.report().imported() + r.report().skipped()).isEqualTo(1246);
        checkCountsPerLayer(ZH);
        // Windows 11 added ALE_PACKAGE_FAMILY_NAME to the ALE layers; jwfp's layers (Windows 10 schema) lack it.
        assertThat(r.report().countByReason()).containsEntry(Reason.UNEVALUABLE_CONDITION, 72);
        // the 72, 45 calling a Windows callout, 26 in the quarantine sublayer
        assertThat(r.report().neverMatching()).isEqualTo(143);
        assertThat(r.report().countByDetail(Reason.UNEVALUABLE_CONDITION)).containsOnlyKeys(
                "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME: not a field of this layer in jwfp (a newer Windows build's field)");
        int disabled = 0;
        for (Policy.Filter f : r.policy().filters()) {
            NetshImport.Origin o = r.origin(f.key());
            boolean never = (f.flags() & FilterFlags.FWPM_FILTER_FLAG_DISABLED) != 0;
            assertThat(o.neverMatches()).as(f.name()).isEqualTo(never);
            boolean byCondition = never && f.description().startsWith(NetshImport.NEVER_MATCHES_PREFIX + "FWPM_CONDITION_");
            if (never && !byCondition) {
                assertThat(f.action().isCallout() || f.subLayerKey().toString().equals(QUARANTINE)).as(f.name()).isTrue();
                assertThat(o.unevaluable()).singleElement().asString().matches("(callout|sublayer FWPM_SUBLAYER_MPSSVC_QUARANTINE).*");
            }
            if (byCondition) {
                disabled++;
                assertThat(f.description()).startsWith(NetshImport.NEVER_MATCHES_PREFIX + "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME");
                assertThat(o.unevaluable()).allMatch(u -> u.startsWith("FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME FWP_MATCH_EQUAL FWP_SECURITY_DESCRIPTOR_TYPE")
                        || u.startsWith("callout ") || u.startsWith("sublayer FWPM_SUBLAYER_MPSSVC_QUARANTINE"));
                assertThat(f.conditions()).noneMatch(c -> c.fieldKey().name().equals("FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME"));
            }
        }
        assertThat(disabled).isEqualTo(72);
    }

    @Test
    void namedWindowsFirewallFiltersKeepWeightsConditionsAndKeys() {
        NetshImport.Result r = imported(STATE);
        Policy.Filter dhcp = byKey(r.policy(), "5c6ddb30-706e-430a-8f84-1382dbf1168b");
        assertThat(dhcp.name()).isEqualTo("Core Networking - Dynamic Host Configuration Protocol (DHCP-In)");
        assertThat(dhcp.layer()).isEqualTo(Layer.FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4);
        assertThat(dhcp.subLayerKey()).isEqualTo(NetshNames.key("FWPM_SUBLAYER_MPSSVC_WF"));
        assertThat(dhcp.weight()).isEqualTo(new FwpValue.UInt8(9)); // jwfp computes Windows' effectiveWeight itself
        assertThat(dhcp.action()).isEqualTo(ActionType.FWP_ACTION_PERMIT);
        assertThat(dhcp.conditions()).contains(
                new FwpmFilterCondition(Conditions.FWPM_CONDITION_ALE_APP_ID, io.jwfp.engine.value.MatchType.FWP_MATCH_EQUAL,
                        AppIds.of("\\device\\harddiskvolume3\\windows\\system32\\svchost.exe")),
                new FwpmFilterCondition(Conditions.FWPM_CONDITION_IP_LOCAL_PORT, io.jwfp.engine.value.MatchType.FWP_MATCH_EQUAL,
                        FwpValue.uint16(68)));
        assertThat(r.origin(dhcp.key()).windowsFilterId()).isEqualTo(116060);

        Policy.Filter scan = byKey(r.policy(), "2eacc2a4-1431-4ae8-9ec4-3d1edba70fcd");
        assertThat(scan.name()).isEqualTo("Port Scanning Prevention Filter");
        assertThat(scan.weight()).isEqualTo(FwpValue.uint64(-1L));

        // The sublayers keep the weights the dump gives (windefend is third-party: 0x1000 in <subLayers>).
        Map<String, Integer> weights = new HashMap<>();
        for (Policy.Sublayer s : r.policy().sublayers()) weights.put(s.name(), s.weight());
        assertThat(weights).containsEntry("FWPM_SUBLAYER_MPSSVC_WF", 2).containsEntry("FWPM_SUBLAYER_MPSSVC_WSH", 3)
                .containsEntry("windefend", 0x1000);
    }

    @Test
    void unregisteredCalloutsAreKeptAndReported() {
        NetshImport.Result r = imported(STATE);
        assertThat(r.policy().callouts()).isNotEmpty().allMatch(c -> c.implementation() == null);
        long calloutFilters = r.policy().filters().stream().filter(f -> f.action().isCallout()).count();
        Map<Reason, Integer> by = r.report().countByReason();
        assertThat(by.getOrDefault(Reason.UNREGISTERED_CALLOUT, 0) + by.getOrDefault(Reason.CALLOUT_WITHOUT_CODE, 0))
                .isEqualTo((int) calloutFilters);
        assertThat(calloutFilters).isGreaterThan(10);
        // A terminating callout Windows ran cannot be evaluated: never matches, and explain can say why.
        assertThat(r.policy().filters()).filteredOn(f -> f.action().isCallout()
                        && f.action() != ActionType.FWP_ACTION_CALLOUT_INSPECTION)
                .isNotEmpty()
                .allMatch(f -> NetshImport.neverMatchReason(f.description()).contains("has no code in jwfp"));
    }

    /** The decisive check for arbitration order: applied to a BFE, every filter gets Windows' effectiveWeight. */
    @Test
    void appliedFiltersHaveWindowsEffectiveWeights() {
        for (Path p : List.of(STATE, ZH)) {
            NetshImport.Result r = imported(p);
            Map<UUID, Long> windows = new HashMap<>();
            NetshDump d = NetshReader.read(p);
            for (NetshDump.Filter f : d.filters()) windows.put(NetshNames.resolve(f.filterKey()).key(), f.effectiveWeight());
            try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
                 FwpmEngine engine = bfe.openSession(FwpmSession.named("test"))) {
                PolicyApplier.apply(r.policy(), engine, PolicyApplier.Mode.ADD);
                List<FwpmFilter> all = engine.filterEnum(FwpmFilterEnumTemplate.ALL);
                assertThat(all).hasSize(r.report().imported());
                for (FwpmFilter f : all) {
                    assertThat(f.effectiveWeight()).as(p.getFileName() + " " + f.displayData().name())
                            .isEqualTo(windows.get(f.filterKey()));
                }
            }
        }
    }

    /** The questions of issue 6 against the real filter set: who blocks an inbound connection, who lets an app out. */
    @Test
    void windowsFirewallFiltersDecideFlowsByNtDeviceAppIds() {
        NetshImport.Result r = imported(STATE);
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
             FwpmEngine engine = bfe.openSession(FwpmSession.named("test"))) {
            PolicyApplier.apply(r.policy(), engine, PolicyApplier.Mode.ADD);
            String sys32 = "\\device\\harddiskvolume3\\windows\\system32\\";
            // inbound TCP to an app that Windows Service Hardening blocks
            ClassifyResult in = classify(bfe, Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, sys32 + "omadmclient.exe", 5000, true);
            assertThat(in.action()).isEqualTo(ActionType.FWP_ACTION_BLOCK);
            assertThat(in.decidingFilter().definition().name()).isEqualTo("Block inbound traffic to omadmclient.exe");
            assertThat(r.origin(in.decidingFilter().definition().filterKey()).windowsFilterId()).isEqualTo(116931);
            // inbound TCP to an app without a rule: Windows Firewall's "Query User" block
            ClassifyResult other = classify(bfe, Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, "\\device\\harddiskvolume3\\app.exe", 8080, true);
            assertThat(other.action()).isEqualTo(ActionType.FWP_ACTION_BLOCK);
            assertThat(other.decidingFilter().definition().name()).startsWith("Query User");
            // outbound TCP by an app with an allow rule: permitted, and its allow rule matched in WSH's sublayer
            RecordingTrace trace = new RecordingTrace();
            ClassifyResult out = classify(bfe, Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, sys32 + "omadmclient.exe", 443, false, trace);
            assertThat(out.action()).isEqualTo(ActionType.FWP_ACTION_PERMIT);
            List<String> matched = trace.sublayers().stream().flatMap(st -> st.filters().stream())
                    .map(st -> st.filter().definition().name()).toList();
            assertThat(matched).contains("Allow outbound TCP traffic from omadmclient.exe");
        }
    }

    static ClassifyResult classify(BaseFilteringEngine bfe, Layer l, String app, int port, boolean inbound) {
        return classify(bfe, l, app, port, inbound, new RecordingTrace());
    }

    static ClassifyResult classify(BaseFilteringEngine bfe, Layer l, String app, int port, boolean inbound, RecordingTrace trace) {
        FwpsIncomingValues v = new FwpsIncomingValues(l)
                .set(Conditions.FWPM_CONDITION_ALE_APP_ID, AppIds.of(app))
                .set(Conditions.FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(6))
                .set(Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS, FwpValue.uint32(0xC0A8010AL))
                .set(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(0xC0A80132L))
                .set(inbound ? Conditions.FWPM_CONDITION_IP_LOCAL_PORT : Conditions.FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(port));
        ClassifyResult r = new ClassifyResult();
        bfe.filterEngine().classify(v, new FwpsIncomingMetadataValues(), null, r, trace);
        return r;
    }

    @Test
    void neverMatchingFiltersAreFoundByLayerAndByDescription() {
        NetshImport.Result r = imported(ZH);
        List<Policy.Filter> at = r.neverMatching(Layer.FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4).stream()
                .filter(f -> NetshImport.neverMatchReason(f.description()).contains("PACKAGE_FAMILY")).toList();
        assertThat(at).hasSize(6).allMatch(f -> f.layer() == Layer.FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4);
        assertThat(NetshImport.neverMatchReason(at.get(0).description()))
                .startsWith("FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME not evaluable");
        assertThat(NetshImport.neverMatchReason("Allows DHCP")).isNull();
        assertThat(NetshImport.neverMatchReason(null)).isNull();
    }

    @Test
    void yamlReadsBackIntoTheSamePolicy() {
        for (Path p : List.of(STATE, ZH)) {
            NetshImport.Result r = imported(p);
            Policy back = PolicyParser.parse("imported.yaml", r.yaml());
            assertThat(norm(back)).isEqualTo(norm(r.policy()));
        }
    }

    @Test
    void loadPolicyTakesEitherKind(@TempDir Path tmp) throws IOException {
        assertThat(NetshImport.isNetshDump(ZH)).isTrue();
        Path yaml = tmp.resolve("p.yaml");
        Files.writeString(yaml, imported(STATE).yaml());
        assertThat(NetshImport.isNetshDump(yaml)).isFalse();
        NetshImport.Result y = NetshImport.loadPolicy(yaml);
        assertThat(y.report()).isNull();
        assertThat(y.policy().filters()).hasSize(1234);
        assertThat(NetshImport.loadPolicy(STATE).report()).isNotNull();
    }

    @Test
    void badFilesAreOneLineErrors(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> NetshImport.load(tmp.resolve("missing.xml")))
                .isInstanceOf(NetshReader.NetshFormatException.class).hasMessageEndingWith("missing.xml: no such file");
        Path other = tmp.resolve("other.xml");
        Files.writeString(other, "<?xml version=\"1.0\"?>\n<project><a/></project>\n");
        assertThatThrownBy(() -> NetshImport.load(other)).hasMessageContaining("not a netsh wfp dump (root element <project>");
        Path cut = tmp.resolve("cut.xml");
        byte[] full = Files.readAllBytes(ZH);
        Files.write(cut, java.util.Arrays.copyOf(full, full.length / 2));
        assertThatThrownBy(() -> NetshImport.load(cut)).isInstanceOf(NetshReader.NetshFormatException.class)
                .hasMessageContaining("not well-formed XML").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** Each way a filter is skipped or made never-matching, on a small hand-written dump. */
    @Test
    void everyReasonOnASmallDump() {
        String item = """
                <item><filterKey>{%s}</filterKey><displayData><name>%s</name><description/></displayData>%s
                <providerKey>%s</providerKey><providerData/><layerKey>FWPM_LAYER_ALE_AUTH_CONNECT_V4</layerKey>
                <subLayerKey>FWPM_SUBLAYER_UNIVERSAL</subLayerKey><weight><type>FWP_EMPTY</type></weight>
                <filterCondition numItems="1"><item><fieldKey>%s</fieldKey><matchType>%s</matchType>
                <conditionValue>%s</conditionValue></item></filterCondition>
                <action><type>%s</type><filterType>%s</filterType></action><rawContext>0</rawContext><reserved/>
                <filterId>%d</filterId></item>
                """;
        String port = "<type>FWP_UINT16</type><uint16>80</uint16>";
        String noFlags = "<flags/>", persistent = "<flags numItems=\"1\"><item>FWPM_FILTER_FLAG_PERSISTENT</item></flags>";
        String p = "{11111111-2222-3333-4444-555555555555}";
        String xml = "<wfpdiag><filters>"
                + item.formatted("00000000-0000-0000-0000-000000000001", "ok", noFlags, "", "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_EQUAL", port, "FWP_ACTION_BLOCK", "", 1)
                + item.formatted("00000000-0000-0000-0000-000000000002", "disabled provider", persistent, p, "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_EQUAL", port, "FWP_ACTION_BLOCK", "", 2)
                + item.formatted("00000000-0000-0000-0000-000000000003", "no callout", noFlags, "", "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_EQUAL", port, "FWP_ACTION_CALLOUT_TERMINATING", "", 3)
                + item.formatted("00000000-0000-0000-0000-000000000004", "unknown field", noFlags, "", "FWPM_CONDITION_FROM_THE_FUTURE", "FWP_MATCH_EQUAL", port, "FWP_ACTION_BLOCK", "", 4)
                + item.formatted("00000000-0000-0000-0000-000000000005", "unreadable", noFlags, "", "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_EQUAL", "<type>FWP_TOKEN_ACCESS_INFORMATION_TYPE</type>", "FWP_ACTION_BLOCK", "", 5)
                + item.formatted("00000000-0000-0000-0000-000000000006", "type mismatch", noFlags, "", "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_EQUAL", "<type>FWP_UINT32</type><uint32>80</uint32>", "FWP_ACTION_PERMIT", "", 6)
                + item.formatted("00000000-0000-0000-0000-000000000007", "bad match", noFlags, "", "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_SOMEHOW", port, "FWP_ACTION_PERMIT", "", 7)
                + item.formatted("00000000-0000-0000-0000-000000000001", "duplicate key", noFlags, "", "FWPM_CONDITION_IP_REMOTE_PORT", "FWP_MATCH_EQUAL", port, "FWP_ACTION_BLOCK", "", 8)
                + "</filters><providers numItems=\"1\"><item><providerKey>" + p + "</providerKey><displayData><name>acme</name>"
                + "<description/></displayData><flags numItems=\"1\"><item>FWPM_PROVIDER_FLAG_DISABLED</item></flags>"
                + "<providerData/><serviceName>acme</serviceName></item></providers></wfpdiag>";
        NetshImport.Result r = NetshImport.convert(NetshReader.parse(xml, "small.xml"), null);
        ImportReport rep = r.report();
        assertThat(rep.filtersInDump()).isEqualTo(8);
        assertThat(r.policy().filters()).extracting(Policy.Filter::name)
                .containsExactly("ok", "unknown field", "unreadable", "type mismatch", "bad match");
        assertThat(rep.countByReason()).containsEntry(Reason.PROVIDER_DISABLED, 1).containsEntry(Reason.MALFORMED, 2)
                .containsEntry(Reason.UNEVALUABLE_CONDITION, 4);
        assertThat(rep.countByDetail(Reason.UNEVALUABLE_CONDITION).keySet()).anyMatch(d -> d.contains("field unknown to jwfp"))
                .anyMatch(d -> d.contains("value not readable")).anyMatch(d -> d.contains("jwfp cannot compile it"))
                .anyMatch(d -> d.contains("match type FWP_MATCH_SOMEHOW unknown"));
        assertThat(r.policy().providers()).isEmpty(); // the disabled provider's only filter was skipped
        for (Policy.Filter f : r.policy().filters()) {
            assertThat((f.flags() & FilterFlags.FWPM_FILTER_FLAG_DISABLED) != 0).as(f.name()).isEqualTo(!f.name().equals("ok"));
        }
        // what the YAML says about it reads back
        assertThat(norm(PolicyParser.parse("small.yaml", r.yaml()))).isEqualTo(norm(r.policy()));
    }

    static Policy.Filter byKey(Policy p, String key) {
        UUID k = UUID.fromString(key);
        return p.filters().stream().filter(f -> f.key().equals(k)).findFirst().orElseThrow();
    }

    /** The policy without source positions (which differ between an import and a parsed file). */
    static List<String> norm(Policy p) {
        List<String> out = new java.util.ArrayList<>();
        for (Policy.Provider o : p.providers()) out.add(o.name() + "|" + o.key() + "|" + nz(o.description()));
        for (Policy.Sublayer o : p.sublayers()) out.add(o.name() + "|" + o.key() + "|" + o.weight() + "|" + o.providerKey() + "|" + nz(o.description()));
        for (Policy.Callout o : p.callouts()) out.add(o.name() + "|" + o.key() + "|" + o.layer() + "|" + o.providerKey() + "|" + nz(o.description()));
        for (Policy.Filter f : p.filters()) {
            out.add(f.name() + "|" + f.key() + "|" + f.layer() + "|" + f.subLayerKey() + "|" + f.weight() + "|" + f.conditions()
                    + "|" + f.action() + "|" + f.calloutKey() + "|" + f.flags() + "|" + f.providerKey() + "|" + nz(f.description())
                    + "|" + f.rawContext());
        }
        return out;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}

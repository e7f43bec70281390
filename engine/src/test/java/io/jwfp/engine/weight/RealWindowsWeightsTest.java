package io.jwfp.engine.weight;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.FieldType;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.netsh.NetshDump.Filter;
import io.jwfp.engine.netsh.NetshDump.LayerEntry;
import io.jwfp.engine.netsh.TestDumps;
import io.jwfp.engine.value.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recomputes the effective weight of every filter of the two real Windows dumps and compares it with the
 * {@code effectiveWeight} Windows printed. The weights of FWP_EMPTY and FWP_UINT8 filters exercise {@link AutoWeight};
 * FWP_UINT64 weights are verbatim. Prints the agreement; the floors below are what jwfp achieves, so a regression
 * fails. Run: {@code ./mvnw -B -q -pl engine -am test -Dtest=RealWindowsWeightsTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RealWindowsWeightsTest {

    /** Agreement floors (filters whose effective weight jwfp reproduces exactly). */
    static final int STATE_FLOOR = 1254;       // of 1,254 (1,139 auto-weighted)
    static final int ZH_FLOOR = 588;           // of 1,246 (1,135 auto-weighted), with the layer schemas jwfp models
    static final int ZH_NEWER_BUILD_FLOOR = 1246; // same dump, with the inferred field lists of its newer build

    static Map<String, LayerEntry> schemas;
    static List<Filter> state;
    static List<Filter> zh;

    @BeforeAll
    static void load() {
        schemas = TestDumps.layers();
        state = TestDumps.load(TestDumps.STATE).filters();
        zh = TestDumps.load(TestDumps.ZH_FILTERS).filters();
    }

    /** Tallies of one run, per layer. */
    static final class Tally {
        final String title;
        final Map<String, int[]> perLayer = new TreeMap<>();
        final List<String> misses = new ArrayList<>();
        int agree, total, autoAgree, autoTotal;

        Tally(String title) {
            this.title = title;
        }

        void add(Filter f, long got) {
            boolean ok = got == f.effectiveWeight();
            boolean auto = !(f.weight() instanceof io.jwfp.engine.value.FwpValue.UInt64);
            int[] t = perLayer.computeIfAbsent(f.layerKey().replace("FWPM_LAYER_", ""), k -> new int[2]);
            t[1]++;
            total++;
            if (auto) autoTotal++;
            if (ok) {
                t[0]++;
                agree++;
                if (auto) autoAgree++;
            } else if (misses.size() < 5) {
                misses.add(String.format("  e.g. filter %d at %s: jwfp %016x, Windows %016x, %s", f.filterId(),
                        f.layerKey(), got, f.effectiveWeight(), f.fwpmConditions()));
            }
        }

        String report() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%s: %,d / %,d filters agree (%.1f%%); auto-weighted: %,d / %,d (%.1f%%)%n", title,
                    agree, total, 100.0 * agree / total, autoAgree, autoTotal, 100.0 * autoAgree / autoTotal));
            perLayer.forEach((layer, t) -> {
                if (t[0] != t[1]) sb.append(String.format("  disagreements at %-32s %4d / %4d agree%n", layer, t[0], t[1]));
            });
            misses.forEach(m -> sb.append(m).append('\n'));
            return sb.toString();
        }
    }

    /** Effective weight with the layer schemas jwfp models (Layer), or the dump's schema for the other layers. */
    static long effective(Filter f) {
        Layer layer = Layer.byName(f.layerKey());
        if (layer != null) return FilterWeights.effectiveWeight(layer, f.weight(), f.fwpmConditions());
        LayerEntry s = schemas.get(f.layerKey());
        assertThat(s).as("layer %s of filter %d is in the show-state dump", f.layerKey(), f.filterId()).isNotNull();
        return FilterWeights.effectiveWeight(f.layerKey(), s.layerFields(), f.weight(), f.fwpmConditions());
    }

    static Tally run(String title, List<Filter> filters, java.util.function.ToLongFunction<Filter> weight) {
        Tally t = new Tally(title);
        for (Filter f : filters) t.add(f, weight.applyAsLong(f));
        System.out.print(t.report());
        return t;
    }

    @Test
    void showStateDump() {
        Tally t = run("show state dump (Windows 10/11)", state, RealWindowsWeightsTest::effective);
        assertThat(t.total).isEqualTo(1254);
        assertThat(t.agree).isGreaterThanOrEqualTo(STATE_FLOOR);
    }

    @Test
    void windows11ZhDumpWithOurSchemas() {
        Tally t = run("show filters dump (Windows 11, zh), layer schemas of the show-state build", zh,
                RealWindowsWeightsTest::effective);
        assertThat(t.total).isEqualTo(1246);
        assertThat(t.agree).isGreaterThanOrEqualTo(ZH_FLOOR);
    }

    /**
     * The zh dump comes from a newer build whose ALE layers have more fields than the show-state build jwfp models:
     * the SDK lists {@code PACKAGE_FAMILY_NAME} (Windows Server 2022 23H2+) for the ALE layers and {@code RESERVED_n}
     * fields for exactly ALE_RESOURCE_ASSIGNMENT, ALE_AUTH_RECV_ACCEPT and ALE_AUTH_CONNECT. The data of those three
     * fits one more one-bit slot at the end of the field list (and PACKAGE_FAMILY_NAME scored with the app id). That
     * build schema is an inference, not a dump: this run is reported separately from the one above.
     */
    @Test
    void windows11ZhDumpWithInferredNewerBuildSchemas() {
        ConditionKey reserved = new ConditionKey("FWPS_FIELD_RESERVED", new UUID(0, 0), -1);
        Tally t = run("show filters dump (Windows 11, zh), inferred schemas of its newer build", zh, f -> {
            Layer layer = Layer.byName(f.layerKey());
            String n = f.layerKey();
            boolean newer = n.contains("_ALE_RESOURCE_ASSIGNMENT_") || n.contains("_ALE_AUTH_RECV_ACCEPT_")
                    || n.contains("_ALE_AUTH_CONNECT_");
            if (layer == null || !newer) return effective(f);
            List<LayerField> fields = new ArrayList<>(layer.fields());
            fields.add(new LayerField(fields.size(), Conditions.FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME,
                    FieldType.FWPM_FIELD_RAW_DATA, DataType.FWP_SECURITY_DESCRIPTOR_TYPE));
            fields.add(new LayerField(fields.size(), reserved, FieldType.FWPM_FIELD_RAW_DATA, DataType.FWP_EMPTY));
            return FilterWeights.effectiveWeight(n, fields, f.weight(), f.fwpmConditions());
        });
        assertThat(t.agree).isGreaterThanOrEqualTo(ZH_NEWER_BUILD_FLOOR);
    }
}

package io.jwfp.bfe;

import io.jwfp.engine.compile.ConditionCompiler;
import io.jwfp.engine.compile.ConditionSet;
import io.jwfp.engine.compile.Intervals;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FwpmFilterCondition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Set relations between condition spaces, for FWP_FILTER_ENUM_FULLY_CONTAINED and FWP_FILTER_ENUM_OVERLAPPING.
 * Interval-shaped conditions (integers, addresses, ranges, prefixes) are compared exactly; other conditions (flags,
 * blobs, security descriptors) by equality of the condition lists on that field.
 */
final class ConditionSpaces {
    private ConditionSpaces() {}

    static boolean accepts(Layer layer, int enumType, List<FwpmFilterCondition> template, List<FwpmFilterCondition> filter) {
        ConditionSet t = ConditionCompiler.compile(layer, template);
        ConditionSet f = ConditionCompiler.compile(layer, filter);
        return enumType == FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FULLY_CONTAINED
                ? contained(layer, t, f, template, filter) : overlaps(layer, t, f, template, filter);
    }

    /** Every packet the filter matches, the template matches too: each template field is narrowed by the filter. */
    private static boolean contained(Layer layer, ConditionSet t, ConditionSet f, List<FwpmFilterCondition> tc,
                                     List<FwpmFilterCondition> fc) {
        for (int g = 0; g < t.groupCount(); g++) {
            int field = t.groupField(g);
            if (!f.testsField(field)) return false;
            long[] ti = t.keyIntervals(field), fi = f.keyIntervals(field);
            if (ti != null && fi != null) {
                if (!subset(fi, ti)) return false;
            } else if (!sameConditions(layer, field, tc, fc)) {
                return false;
            }
        }
        return true;
    }

    /** Some packet matches both: no field where both test disjoint sets. */
    private static boolean overlaps(Layer layer, ConditionSet t, ConditionSet f, List<FwpmFilterCondition> tc,
                                    List<FwpmFilterCondition> fc) {
        for (int g = 0; g < t.groupCount(); g++) {
            int field = t.groupField(g);
            if (!f.testsField(field)) continue;
            long[] ti = t.keyIntervals(field), fi = f.keyIntervals(field);
            if (ti != null && fi != null && !intersect(ti, fi)) return false;
        }
        return true;
    }

    private static boolean subset(long[] a, long[] b) {
        // a ⊆ b  ⇔  a ∪ b == b
        return java.util.Arrays.equals(Intervals.union(List.of(a, b)), Intervals.union(List.of(b)));
    }

    private static boolean intersect(long[] a, long[] b) {
        for (int i = 0; i < a.length; i += 4) {
            for (int j = 0; j < b.length; j += 4) {
                boolean aBeforeB = io.jwfp.engine.value.Keys.compare(a[i + 2], a[i + 3], b[j], b[j + 1]) < 0;
                boolean bBeforeA = io.jwfp.engine.value.Keys.compare(b[j + 2], b[j + 3], a[i], a[i + 1]) < 0;
                if (!aBeforeB && !bBeforeA) return true;
            }
        }
        return false;
    }

    private static boolean sameConditions(Layer layer, int field, List<FwpmFilterCondition> a, List<FwpmFilterCondition> b) {
        return onField(layer, field, a).equals(onField(layer, field, b));
    }

    private static Set<FwpmFilterCondition> onField(Layer layer, int field, List<FwpmFilterCondition> cs) {
        Set<FwpmFilterCondition> out = new HashSet<>();
        for (FwpmFilterCondition c : cs) if (layer.fieldIndex(c.fieldKey()) == field) out.add(c);
        return out;
    }
}

package io.jwfp.engine.compile;

import io.jwfp.engine.value.FwpsIncomingValues;

/**
 * A filter's compiled conditions: one group per distinct field, the conditions of a group ORed (WFP, Windows 7+),
 * the groups ANDed. An empty set matches everything.
 */
public final class ConditionSet {
    /** The set of a filter without conditions. */
    public static final ConditionSet EMPTY = new ConditionSet(new CompiledCondition[0][]);

    private final CompiledCondition[][] groups;

    ConditionSet(CompiledCondition[][] groups) {
        this.groups = groups;
    }

    /** Evaluates the conditions against incoming values; allocates nothing. */
    public boolean matches(FwpsIncomingValues in) {
        CompiledCondition[][] g = groups;
        outer:
        for (int i = 0; i < g.length; i++) {
            CompiledCondition[] any = g[i];
            for (int j = 0; j < any.length; j++) {
                if (any[j].matches(in)) continue outer;
            }
            return false;
        }
        return true;
    }

    /** The number of field groups. */
    public int groupCount() {
        return groups.length;
    }

    /** The field index a group tests. */
    public int groupField(int group) {
        return groups[group][0].field();
    }

    /** The conditions of a group. */
    public CompiledCondition[] group(int group) {
        return groups[group].clone();
    }

    /** True if some condition tests the field. */
    public boolean testsField(int field) {
        return groupFor(field) >= 0;
    }

    /** The group testing a field, or -1. */
    public int groupFor(int field) {
        for (int i = 0; i < groups.length; i++) if (groups[i][0].field() == field) return i;
        return -1;
    }

    /**
     * The keys a field may take for the filter to match, as sorted intervals, or null when some condition on the field
     * is not interval-shaped (or the field is not tested).
     */
    public long[] keyIntervals(int field) {
        int g = groupFor(field);
        if (g < 0) return null;
        java.util.List<long[]> parts = new java.util.ArrayList<>();
        for (CompiledCondition c : groups[g]) {
            long[] iv = c.keyIntervals();
            if (iv == null) return null;
            parts.add(iv);
        }
        return Intervals.union(parts);
    }

    /**
     * The values of a field's conditions when every one of them is FWP_MATCH_EQUAL on a byte blob (what the exact-blob
     * index keys on), else null (also when the field is not tested). Copies.
     */
    public byte[][] equalBlobs(int field) {
        int g = groupFor(field);
        if (g < 0) return null;
        CompiledCondition[] any = groups[g];
        byte[][] out = new byte[any.length][];
        for (int i = 0; i < any.length; i++) {
            if (!(any[i] instanceof BlobCondition b) || b.equalValue() == null) return null;
            out[i] = b.equalValue().clone();
        }
        return out;
    }

    /** The incoming type code the keyed conditions of a field expect, or -1. */
    public int keyType(int field) {
        int g = groupFor(field);
        return g < 0 ? -1 : groups[g][0].typeCode();
    }
}

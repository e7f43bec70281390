package io.jwfp.engine.compile;

import io.jwfp.engine.value.FwpsIncomingValues;

/**
 * One filter condition compiled for a layer: the field index is resolved, the value is pre-decoded into the
 * representation incoming values use, and the match type picked the implementation. {@link #matches} allocates
 * nothing and never throws: a value of the wrong type (FWP_EMPTY included) simply does not match.
 */
public abstract sealed class CompiledCondition
        permits KeyCondition, KeyRangeCondition, PrefixCondition, FlagsCondition, BlobCondition,
                StringCondition, SecurityDescriptorCondition, SidCondition, EmptyCondition {

    /** The FWPS field index this condition tests. */
    final int field;

    CompiledCondition(int field) {
        this.field = field;
    }

    public final int field() {
        return field;
    }

    /** Evaluates the condition against incoming values. */
    public abstract boolean matches(FwpsIncomingValues in);

    /**
     * The set of sortable keys this condition accepts, as sorted disjoint inclusive intervals {@code [hi,lo,hi,lo]...}
     * in a long array of 4 per interval, or null when the condition cannot be expressed as intervals over the key
     * (flags, blobs, security descriptors). Used to index filters and to compute automatic weights.
     */
    public abstract long[] keyIntervals();

    /** The FWP_DATA_TYPE code of incoming values this condition can match. */
    public abstract int typeCode();
}

package io.jwfp.engine.compile;

import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;

/** FLAGS_ALL_SET, FLAGS_ANY_SET, FLAGS_NONE_SET over unsigned integers. */
final class FlagsCondition extends CompiledCondition {
    private final int type;
    private final long mask;
    private final MatchType mode;

    FlagsCondition(int field, int type, long mask, MatchType mode) {
        super(field);
        this.type = type;
        this.mask = mask;
        this.mode = mode;
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        if (in.typeCode(field) != type) return false;
        long v = in.keyLo(field) & mask;
        return switch (mode) {
            case FWP_MATCH_FLAGS_ALL_SET -> v == mask;
            case FWP_MATCH_FLAGS_ANY_SET -> v != 0;
            default -> v == 0;
        };
    }

    @Override
    public long[] keyIntervals() {
        return null;
    }

    @Override
    public int typeCode() {
        return type;
    }

    long mask() {
        return mask;
    }

    MatchType mode() {
        return mode;
    }
}

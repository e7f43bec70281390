package io.jwfp.engine.compile;

import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.Keys;
import io.jwfp.engine.value.MatchType;

/** EQUAL, NOT_EQUAL, GREATER, LESS, GREATER_OR_EQUAL, LESS_OR_EQUAL over keyed values (integers, addresses). */
final class KeyCondition extends CompiledCondition {
    static final int EQ = 0, NE = 1, GT = 2, LT = 3, GE = 4, LE = 5;

    private final int type;
    private final int op;
    private final long hi;
    private final long lo;

    KeyCondition(int field, int type, MatchType match, long hi, long lo) {
        super(field);
        this.type = type;
        this.hi = hi;
        this.lo = lo;
        this.op = switch (match) {
            case FWP_MATCH_EQUAL -> EQ;
            case FWP_MATCH_NOT_EQUAL -> NE;
            case FWP_MATCH_GREATER -> GT;
            case FWP_MATCH_LESS -> LT;
            case FWP_MATCH_GREATER_OR_EQUAL -> GE;
            case FWP_MATCH_LESS_OR_EQUAL -> LE;
            default -> throw new AssertionError("not a key comparison: " + match);
        };
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        if (in.typeCode(field) != type) return false;
        long vHi = in.keyHi(field), vLo = in.keyLo(field);
        if (op == EQ) return vLo == lo && vHi == hi;
        int c = Keys.compare(vHi, vLo, hi, lo);
        return switch (op) {
            case NE -> c != 0;
            case GT -> c > 0;
            case LT -> c < 0;
            case GE -> c >= 0;
            default -> c <= 0;
        };
    }

    @Override
    public long[] keyIntervals() {
        return switch (op) {
            case EQ -> new long[] {hi, lo, hi, lo};
            case NE -> Intervals.complement(new long[] {hi, lo, hi, lo});
            case GT -> Intervals.above(hi, lo, false);
            case GE -> Intervals.above(hi, lo, true);
            case LT -> Intervals.below(hi, lo, false);
            default -> Intervals.below(hi, lo, true);
        };
    }

    @Override
    public int typeCode() {
        return type;
    }
}

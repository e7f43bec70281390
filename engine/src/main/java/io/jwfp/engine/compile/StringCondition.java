package io.jwfp.engine.compile;

import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;

/** FWP_UNICODE_STRING_TYPE comparisons, including EQUAL_CASE_INSENSITIVE and the suffix test of PREFIX. */
final class StringCondition extends CompiledCondition {
    private final String value;
    private final MatchType match;

    StringCondition(int field, String value, MatchType match) {
        super(field);
        this.value = value;
        this.match = match;
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        if (in.typeCode(field) != DataType.FWP_UNICODE_STRING_TYPE.code()) return false;
        String v = (String) in.ref(field);
        return switch (match) {
            case FWP_MATCH_EQUAL -> v.equals(value);
            case FWP_MATCH_EQUAL_CASE_INSENSITIVE -> v.equalsIgnoreCase(value);
            case FWP_MATCH_NOT_EQUAL -> !v.equals(value);
            case FWP_MATCH_PREFIX -> v.endsWith(value);
            case FWP_MATCH_NOT_PREFIX -> !v.endsWith(value);
            case FWP_MATCH_GREATER -> v.compareTo(value) > 0;
            case FWP_MATCH_LESS -> v.compareTo(value) < 0;
            case FWP_MATCH_GREATER_OR_EQUAL -> v.compareTo(value) >= 0;
            case FWP_MATCH_LESS_OR_EQUAL -> v.compareTo(value) <= 0;
            default -> false;
        };
    }

    @Override
    public long[] keyIntervals() {
        return null;
    }

    @Override
    public int typeCode() {
        return DataType.FWP_UNICODE_STRING_TYPE.code();
    }
}

package io.jwfp.engine.value;

/** FWP_MATCH_TYPE: how a condition compares the incoming value with its own. */
public enum MatchType {
    FWP_MATCH_EQUAL,
    FWP_MATCH_GREATER,
    FWP_MATCH_LESS,
    FWP_MATCH_GREATER_OR_EQUAL,
    FWP_MATCH_LESS_OR_EQUAL,
    FWP_MATCH_RANGE,
    FWP_MATCH_FLAGS_ALL_SET,
    FWP_MATCH_FLAGS_ANY_SET,
    FWP_MATCH_FLAGS_NONE_SET,
    FWP_MATCH_EQUAL_CASE_INSENSITIVE,
    FWP_MATCH_NOT_EQUAL,
    FWP_MATCH_PREFIX,
    FWP_MATCH_NOT_PREFIX;

    /** The numeric FWP_MATCH_TYPE value. */
    public int code() {
        return ordinal();
    }

    /** True for the three FLAGS_* match types. */
    public boolean isFlags() {
        return this == FWP_MATCH_FLAGS_ALL_SET || this == FWP_MATCH_FLAGS_ANY_SET || this == FWP_MATCH_FLAGS_NONE_SET;
    }

    /** True for the ordering comparisons that need a sortable type. */
    public boolean isOrdering() {
        return this == FWP_MATCH_GREATER || this == FWP_MATCH_LESS || this == FWP_MATCH_GREATER_OR_EQUAL
                || this == FWP_MATCH_LESS_OR_EQUAL || this == FWP_MATCH_RANGE;
    }

    /** The match type with a name, with or without the FWP_MATCH_ prefix, case-insensitively; null if unknown. */
    public static MatchType byName(String name) {
        if (name == null) return null;
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        if (!n.startsWith("FWP_MATCH_")) n = "FWP_MATCH_" + n;
        for (MatchType m : values()) if (m.name().equals(n)) return m;
        return null;
    }
}

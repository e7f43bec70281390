package io.jwfp.engine.model;

/** FWP_ACTION_TYPE: what a filter does, and what a callout returns in its classify-out. */
public enum ActionType {
    FWP_ACTION_BLOCK(0x00001001),
    FWP_ACTION_PERMIT(0x00001002),
    FWP_ACTION_CALLOUT_TERMINATING(0x00005003),
    FWP_ACTION_CALLOUT_INSPECTION(0x00006004),
    FWP_ACTION_CALLOUT_UNKNOWN(0x00004005),
    FWP_ACTION_CONTINUE(0x00002006),
    FWP_ACTION_NONE(0x00000007),
    FWP_ACTION_NONE_NO_MATCH(0x00000008);

    public static final int FWP_ACTION_FLAG_TERMINATING = 0x00001000;
    public static final int FWP_ACTION_FLAG_NON_TERMINATING = 0x00002000;
    public static final int FWP_ACTION_FLAG_CALLOUT = 0x00004000;

    private final int code;

    ActionType(int code) {
        this.code = code;
    }

    /** The numeric FWP_ACTION_* value. */
    public int code() {
        return code;
    }

    /** True for the three callout action types. */
    public boolean isCallout() {
        return (code & FWP_ACTION_FLAG_CALLOUT) != 0;
    }

    /** True for the action types a filter may carry (FWPM_ACTION0.type). */
    public boolean isFilterAction() {
        return this == FWP_ACTION_BLOCK || this == FWP_ACTION_PERMIT || isCallout();
    }

    /** PERMIT or BLOCK: a decision. */
    public boolean isTerminatingDecision() {
        return this == FWP_ACTION_BLOCK || this == FWP_ACTION_PERMIT;
    }

    /** The action with a name, with or without the FWP_ACTION_ prefix, case-insensitively; null if unknown. */
    public static ActionType byName(String name) {
        if (name == null) return null;
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        if (!n.startsWith("FWP_ACTION_")) n = "FWP_ACTION_" + n;
        for (ActionType a : values()) if (a.name().equals(n)) return a;
        return null;
    }

    /** The short name, e.g. {@code BLOCK}. */
    public String shortName() {
        return name().substring("FWP_ACTION_".length());
    }
}

package io.jwfp.engine.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** FWPM_FILTER_FLAG_* (management) and FWPS_FILTER_FLAG_* (what a classifyFn sees in its filter). */
public final class FilterFlags {
    private FilterFlags() {}

    public static final int FWPM_FILTER_FLAG_NONE = 0x00000000;
    public static final int FWPM_FILTER_FLAG_PERSISTENT = 0x00000001;
    public static final int FWPM_FILTER_FLAG_BOOTTIME = 0x00000002;
    public static final int FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT = 0x00000004;
    public static final int FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT = 0x00000008;
    public static final int FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED = 0x00000010;
    public static final int FWPM_FILTER_FLAG_DISABLED = 0x00000020;
    public static final int FWPM_FILTER_FLAG_INDEXED = 0x00000040;

    public static final int FWPS_FILTER_FLAG_CLEAR_ACTION_RIGHT = 0x1;
    public static final int FWPS_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED = 0x2;
    public static final int FWPS_FILTER_FLAG_OR_CONDITIONS = 0x4;

    /** The flags a filter may carry here; anything else is FWP_E_INVALID_FLAGS. */
    public static final int FWPM_FILTER_FLAGS_SUPPORTED = FWPM_FILTER_FLAG_PERSISTENT | FWPM_FILTER_FLAG_BOOTTIME
            | FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT | FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED
            | FWPM_FILTER_FLAG_DISABLED | FWPM_FILTER_FLAG_INDEXED;

    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("FWPM_FILTER_FLAG_PERSISTENT", FWPM_FILTER_FLAG_PERSISTENT);
        BY_NAME.put("FWPM_FILTER_FLAG_BOOTTIME", FWPM_FILTER_FLAG_BOOTTIME);
        BY_NAME.put("FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT", FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT);
        BY_NAME.put("FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT", FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT);
        BY_NAME.put("FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED", FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED);
        BY_NAME.put("FWPM_FILTER_FLAG_DISABLED", FWPM_FILTER_FLAG_DISABLED);
        BY_NAME.put("FWPM_FILTER_FLAG_INDEXED", FWPM_FILTER_FLAG_INDEXED);
    }

    /** The value of a flag name, with or without the FWPM_FILTER_FLAG_ prefix; null if unknown. */
    public static Integer byName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (!n.startsWith("FWPM_FILTER_FLAG_")) n = "FWPM_FILTER_FLAG_" + n;
        return BY_NAME.get(n);
    }

    /** The names of the flags set. */
    public static java.util.List<String> names(int flags) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (var e : BY_NAME.entrySet()) if ((flags & e.getValue()) != 0) out.add(e.getKey());
        return out;
    }

    /** Every known name. */
    public static java.util.Set<String> allNames() {
        return java.util.Collections.unmodifiableSet(BY_NAME.keySet());
    }
}

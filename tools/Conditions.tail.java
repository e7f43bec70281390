
    /** Alias: the engine supplies an ICMP message's type in the local-port field. */
    public static final ConditionKey FWPM_CONDITION_ICMP_TYPE = alias("FWPM_CONDITION_ICMP_TYPE", FWPM_CONDITION_IP_LOCAL_PORT);
    /** Alias: the engine supplies an ICMP message's code in the remote-port field. */
    public static final ConditionKey FWPM_CONDITION_ICMP_CODE = alias("FWPM_CONDITION_ICMP_CODE", FWPM_CONDITION_IP_REMOTE_PORT);

    /**
     * The condition with a name, with or without the {@code FWPM_CONDITION_} prefix, case-insensitively; null when
     * unknown.
     */
    public static ConditionKey byName(String name) {
        if (name == null) return null;
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        ConditionKey k = BY_NAME.get(n);
        return k != null ? k : BY_NAME.get("FWPM_CONDITION_" + n);
    }

    /** The condition with a GUID, or null. */
    public static ConditionKey byKey(java.util.UUID key) { return BY_KEY.get(key); }

    /** Every known condition, in a stable order (aliases excluded). */
    public static java.util.List<ConditionKey> all() { return java.util.Collections.unmodifiableList(ALL); }

    /** Every accepted name, aliases included. */
    public static java.util.Set<String> names() { return java.util.Collections.unmodifiableSet(BY_NAME.keySet()); }
}

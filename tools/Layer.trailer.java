    private static final String PREFIX = "FWPM_LAYER_";
    private static final Layer[] BY_ID;
    private static final java.util.Map<String, Layer> BY_NAME = new java.util.HashMap<>();
    private static final java.util.Map<java.util.UUID, Layer> BY_KEY = new java.util.HashMap<>();

    static {
        int max = 0;
        for (Layer l : values()) max = Math.max(max, l.layerId);
        BY_ID = new Layer[max + 1];
        for (Layer l : values()) {
            BY_ID[l.layerId] = l;
            BY_NAME.put(l.name(), l);
            BY_NAME.put(l.name().substring(PREFIX.length()), l);
            BY_KEY.put(l.layerKey, l);
        }
    }

    private final int layerId;
    private final java.util.UUID layerKey;
    private final String displayName;
    private final java.util.List<LayerField> fields;
    private final int[] fieldIndexByCondition;

    Layer(int layerId, String guid, String displayName, String fieldSpec) {
        this.layerId = layerId;
        this.layerKey = java.util.UUID.fromString(guid);
        this.displayName = displayName;
        this.fields = LayerField.parseSpec(fieldSpec);
        this.fieldIndexByCondition = LayerField.indexByCondition(fields);
    }

    /** The run-time layer id (FWPS_BUILTIN_LAYERS value, FWPS_LAYER_*). */
    public int layerId() { return layerId; }

    /** The management GUID (the FWPM_LAYER_* key). */
    public java.util.UUID layerKey() { return layerKey; }

    /** The display name {@code netsh wfp show state} prints for this layer. */
    public String displayName() { return displayName; }

    /** The classifiable fields in FWPS field-index order (FWPS_FIELDS_* enum of this layer). */
    public java.util.List<LayerField> fields() { return fields; }

    /** The number of classifiable fields. */
    public int fieldCount() { return fields.size(); }

    /** The FWPS field index of a condition at this layer, or -1 when the layer does not offer it. */
    public int fieldIndex(ConditionKey condition) {
        int ordinal = condition.ordinal();
        return ordinal < fieldIndexByCondition.length ? fieldIndexByCondition[ordinal] : -1;
    }

    /** The field carrying a condition at this layer, or null. */
    public LayerField field(ConditionKey condition) {
        int i = fieldIndex(condition);
        return i < 0 ? null : fields.get(i);
    }

    /** The name without the FWPM_LAYER_ prefix, e.g. {@code OUTBOUND_IPPACKET_V4}. */
    public String shortName() { return name().substring(PREFIX.length()); }

    /** True for the {@code _DISCARD} twins, which see traffic already dropped. */
    public boolean isDiscard() { return name().endsWith("_DISCARD"); }

    /** True for the Application Layer Enforcement layers (the only ones that know the process and user). */
    public boolean isAle() { return name().startsWith("FWPM_LAYER_ALE_"); }

    /** The IP version of the traffic classified here, or null for the MAC frame layers. */
    public IpVersion ipVersion() {
        String n = name();
        if (n.endsWith("_V4") || n.endsWith("_V4_DISCARD")) return IpVersion.V4;
        if (n.endsWith("_V6") || n.endsWith("_V6_DISCARD")) return IpVersion.V6;
        return null;
    }

    /** The {@code _DISCARD} twin of this layer, or null when it has none (or is one). */
    public Layer discardLayer() {
        if (isDiscard()) return null;
        return BY_NAME.get(name() + "_DISCARD");
    }

    /** The layer whose discard twin this is, or null. */
    public Layer nonDiscardLayer() {
        return isDiscard() ? BY_NAME.get(name().substring(0, name().length() - "_DISCARD".length())) : null;
    }

    /** The same layer for the other IP version, or null for the MAC layers. */
    public Layer otherIpVersion() {
        IpVersion v = ipVersion();
        if (v == null) return null;
        String n = name();
        return BY_NAME.get(v == IpVersion.V4 ? n.replace("_V4", "_V6") : n.replace("_V6", "_V4"));
    }

    /** The layer with a run-time id, or null. */
    public static Layer byId(int layerId) {
        return layerId >= 0 && layerId < BY_ID.length ? BY_ID[layerId] : null;
    }

    /** The layer with a management key, or null. */
    public static Layer byKey(java.util.UUID layerKey) { return BY_KEY.get(layerKey); }

    /**
     * The layer with a name, with or without the {@code FWPM_LAYER_} prefix, case-insensitively; null when unknown.
     */
    public static Layer byName(String name) {
        if (name == null) return null;
        return BY_NAME.get(name.trim().toUpperCase(java.util.Locale.ROOT));
    }

    /** The largest run-time layer id, for arrays indexed by layer id. */
    public static int maxLayerId() { return BY_ID.length - 1; }
}

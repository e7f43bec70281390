package io.jwfp.engine.model;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.value.FwpValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * FWPM_FILTER0: a filter as management code adds it. {@code filterId} and {@code effectiveWeight} are outputs the
 * engine fills in on add (zero before). Immutable; build one with {@link #builder()}.
 *
 * @param filterKey       GUID; a zero/null key makes the engine generate one
 * @param displayData     name and description
 * @param flags           FWPM_FILTER_FLAG_*
 * @param providerKey     the provider, or null
 * @param providerData    opaque provider data (may be empty)
 * @param layerKey        the layer the filter lives at
 * @param subLayerKey     the sublayer; null means FWPM_SUBLAYER_UNIVERSAL
 * @param weight          FWP_EMPTY (automatic), FWP_UINT8 0..15 (a weight range) or FWP_UINT64 (exact)
 * @param filterCondition the conditions; same field ORed, different fields ANDed
 * @param action          the action
 * @param rawContext      handed to callouts as FWPS_FILTER.context
 * @param filterId        output: the run-time id
 * @param effectiveWeight output: the unsigned 64-bit weight arbitration uses
 */
public record FwpmFilter(
        UUID filterKey,
        FwpmDisplayData displayData,
        int flags,
        UUID providerKey,
        byte[] providerData,
        Layer layerKey,
        UUID subLayerKey,
        FwpValue weight,
        List<FwpmFilterCondition> filterCondition,
        FwpmAction action,
        long rawContext,
        long filterId,
        long effectiveWeight) {

    public FwpmFilter {
        Objects.requireNonNull(layerKey, "layerKey");
        Objects.requireNonNull(action, "action");
        if (displayData == null) displayData = FwpmDisplayData.of("");
        if (weight == null) weight = FwpValue.EMPTY;
        filterCondition = List.copyOf(filterCondition == null ? List.of() : filterCondition);
        providerData = providerData == null ? new byte[0] : providerData.clone();
    }

    /** The display name. */
    public String name() {
        return displayData.name();
    }

    /** True if {@code flags} has all of {@code flag}'s bits. */
    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    /** This filter as the engine stored it: with its key, run-time id and effective weight. */
    public FwpmFilter withOutputs(UUID key, long id, long effective) {
        return new FwpmFilter(key, displayData, flags, providerKey, providerData, layerKey, subLayerKey, weight,
                filterCondition, action, rawContext, id, effective);
    }

    /** A copy with other flags. */
    public FwpmFilter withFlags(int newFlags) {
        return new FwpmFilter(filterKey, displayData, newFlags, providerKey, providerData, layerKey, subLayerKey,
                weight, filterCondition, action, rawContext, filterId, effectiveWeight);
    }

    @Override
    public byte[] providerData() {
        return providerData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FwpmFilter f && Objects.equals(filterKey, f.filterKey) && f.filterId == filterId
                && f.flags == flags && f.layerKey == layerKey && Objects.equals(subLayerKey, f.subLayerKey)
                && f.weight.equals(weight) && f.filterCondition.equals(filterCondition) && f.action.equals(action)
                && Objects.equals(providerKey, f.providerKey) && f.displayData.equals(displayData)
                && f.rawContext == rawContext && f.effectiveWeight == effectiveWeight
                && java.util.Arrays.equals(providerData, f.providerData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filterKey, filterId, layerKey, filterCondition, action);
    }

    @Override
    public String toString() {
        return "FwpmFilter[" + (name().isEmpty() ? filterKey : name()) + " id=" + filterId + " " + layerKey.shortName()
                + " " + action.type().shortName() + " " + filterCondition + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link FwpmFilter}; defaults: no key (generated), FWP_EMPTY weight, universal sublayer, no flags. */
    public static final class Builder {
        private UUID filterKey;
        private FwpmDisplayData displayData = FwpmDisplayData.of("");
        private int flags;
        private UUID providerKey;
        private byte[] providerData;
        private Layer layerKey;
        private UUID subLayerKey;
        private FwpValue weight = FwpValue.EMPTY;
        private final List<FwpmFilterCondition> conditions = new ArrayList<>();
        private FwpmAction action;
        private long rawContext;

        public Builder filterKey(UUID v) { filterKey = v; return this; }
        public Builder name(String v) { displayData = new FwpmDisplayData(v, displayData.description()); return this; }
        public Builder displayData(FwpmDisplayData v) { displayData = v; return this; }
        public Builder flags(int v) { flags = v; return this; }
        public Builder addFlags(int v) { flags |= v; return this; }
        public Builder providerKey(UUID v) { providerKey = v; return this; }
        public Builder providerData(byte[] v) { providerData = v; return this; }
        public Builder layer(Layer v) { layerKey = v; return this; }
        public Builder subLayer(UUID v) { subLayerKey = v; return this; }
        public Builder weight(FwpValue v) { weight = v; return this; }
        /** FWP_UINT8 weight: a range 0..15 with automatic ordering inside it. */
        public Builder weightRange(int v) { weight = new FwpValue.UInt8(v); return this; }
        /** FWP_UINT64 weight: used verbatim. */
        public Builder weightExact(long v) { weight = new FwpValue.UInt64(v); return this; }
        public Builder condition(FwpmFilterCondition c) { conditions.add(c); return this; }
        public Builder conditions(List<FwpmFilterCondition> cs) { conditions.addAll(cs); return this; }
        public Builder action(FwpmAction v) { action = v; return this; }
        public Builder action(ActionType t) { action = new FwpmAction(t, null); return this; }
        public Builder calloutAction(ActionType t, UUID calloutKey) { action = FwpmAction.callout(t, calloutKey); return this; }
        public Builder rawContext(long v) { rawContext = v; return this; }

        public FwpmFilter build() {
            return new FwpmFilter(filterKey, displayData, flags, providerKey, providerData, layerKey, subLayerKey,
                    weight, conditions, action, rawContext, 0, 0);
        }
    }
}

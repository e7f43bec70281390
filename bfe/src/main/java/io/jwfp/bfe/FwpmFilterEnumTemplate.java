package io.jwfp.bfe;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FwpmFilterCondition;
import java.util.List;
import java.util.UUID;

/**
 * FWPM_FILTER_ENUM_TEMPLATE0: which filters an enumeration returns. Null members match anything. Unlike Windows, the
 * layer may be left out to enumerate every layer, and a sublayer may be given.
 *
 * @param providerKey   only filters of this provider
 * @param layerKey      only filters at this layer
 * @param subLayerKey   only filters in this sublayer (jwfp extension)
 * @param enumType      with conditions: {@link #FWP_FILTER_ENUM_FULLY_CONTAINED} or {@link #FWP_FILTER_ENUM_OVERLAPPING}
 * @param flags         FWP_FILTER_ENUM_FLAG_*
 * @param conditions    the condition space for {@code enumType}; empty = everything
 * @param actionMask    action types to include (bitmask of FWP_ACTION_* codes' flag bits); 0xFFFFFFFF = all
 * @param calloutKey    only filters invoking this callout
 */
public record FwpmFilterEnumTemplate(UUID providerKey, Layer layerKey, UUID subLayerKey, int enumType, int flags,
                                     List<FwpmFilterCondition> conditions, int actionMask, UUID calloutKey) {
    public static final int FWP_FILTER_ENUM_FULLY_CONTAINED = 0;
    public static final int FWP_FILTER_ENUM_OVERLAPPING = 1;
    public static final int FWP_FILTER_ENUM_FLAG_BEST_TERMINATING_MATCH = 0x1;
    public static final int FWP_FILTER_ENUM_FLAG_SORTED = 0x2;
    public static final int FWP_FILTER_ENUM_FLAG_BOOTTIME_ONLY = 0x4;
    public static final int FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME = 0x8;
    public static final int FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED = 0x10;

    /** Every filter. */
    public static final FwpmFilterEnumTemplate ALL = new FwpmFilterEnumTemplate(null, null, null,
            FWP_FILTER_ENUM_OVERLAPPING, FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED | FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME,
            List.of(), 0xFFFFFFFF, null);

    public FwpmFilterEnumTemplate {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public static FwpmFilterEnumTemplate byLayer(Layer layer) {
        return new FwpmFilterEnumTemplate(null, layer, null, FWP_FILTER_ENUM_OVERLAPPING, ALL.flags, List.of(), 0xFFFFFFFF, null);
    }

    public static FwpmFilterEnumTemplate byProvider(UUID provider) {
        return new FwpmFilterEnumTemplate(provider, null, null, FWP_FILTER_ENUM_OVERLAPPING, ALL.flags, List.of(), 0xFFFFFFFF, null);
    }

    public static FwpmFilterEnumTemplate bySubLayer(UUID subLayer) {
        return new FwpmFilterEnumTemplate(null, null, subLayer, FWP_FILTER_ENUM_OVERLAPPING, ALL.flags, List.of(), 0xFFFFFFFF, null);
    }

    public FwpmFilterEnumTemplate withFlags(int f) {
        return new FwpmFilterEnumTemplate(providerKey, layerKey, subLayerKey, enumType, f, conditions, actionMask, calloutKey);
    }

    public FwpmFilterEnumTemplate withConditions(int type, List<FwpmFilterCondition> cs) {
        return new FwpmFilterEnumTemplate(providerKey, layerKey, subLayerKey, type, flags, cs, actionMask, calloutKey);
    }
}

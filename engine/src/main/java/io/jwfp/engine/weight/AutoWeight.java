package io.jwfp.engine.weight;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FwpmFilterCondition;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The automatic (FWP_EMPTY) filter weight: a specificity score in [0, 2^60). Windows documents only the range; jwfp
 * reproduces the scheme reverse-engineered from real Windows filters ({@link WeightLayout}, {@code
 * docs/auto-weight.md}). Computed when a filter is added, never on the classify path.
 */
public final class AutoWeight {
    private AutoWeight() {}

    private static final Map<Layer, WeightLayout> LAYOUTS = new EnumMap<>(Layer.class);

    static {
        for (Layer l : Layer.values()) LAYOUTS.put(l, WeightLayout.of(l.name(), l.fields()));
    }

    /** The automatic weight of a filter with these conditions at this layer. */
    public static long compute(Layer layer, List<FwpmFilterCondition> conditions) {
        return LAYOUTS.get(layer).weigh(conditions);
    }

    /**
     * The automatic weight at a layer given by its FWPM name and its fields in FWPS order: for layers jwfp does not
     * model (user-mode, vSwitch, *_FAST...) or field lists of other Windows builds. The field data types matter (an
     * IPv6 address weighs more than an IPv4 one), which is why this takes {@link LayerField}s, not bare condition keys.
     */
    public static long compute(String layerName, List<LayerField> fields, List<FwpmFilterCondition> conditions) {
        return WeightLayout.of(layerName, fields).weigh(conditions);
    }

    /** The slot layout of a layer. */
    public static WeightLayout layout(Layer layer) {
        return LAYOUTS.get(layer);
    }
}

package io.jwfp.engine.weight;

import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.FwpValue;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Turns a filter's weight (FWPM_FILTER0.weight) into its effective weight, as BFE does:
 * <ul>
 *   <li>{@code FWP_UINT64}: used verbatim;</li>
 *   <li>{@code FWP_EMPTY}: the automatic weight, in [0, 2^60) ({@link AutoWeight});</li>
 *   <li>{@code FWP_UINT8} n, 0 ≤ n ≤ 15: {@code n << 60 | auto}, a band of its own with automatic order inside;</li>
 *   <li>anything else: FWP_E_INVALID_WEIGHT.</li>
 * </ul>
 * Effective weights compare as unsigned 64-bit numbers.
 */
public final class FilterWeights {
    private FilterWeights() {}

    /** FWPM_WEIGHT_RANGE_MAX. */
    public static final int FWPM_WEIGHT_RANGE_MAX = 15;
    /** FWPM_AUTO_WEIGHT_BITS. */
    public static final int FWPM_AUTO_WEIGHT_BITS = 60;
    /** FWPM_AUTO_WEIGHT_MAX. */
    public static final long FWPM_AUTO_WEIGHT_MAX = -1L >>> 4;

    /** The effective weight of a filter, or FWP_E_INVALID_WEIGHT. */
    public static long effectiveWeight(Layer layer, FwpValue weight, List<FwpmFilterCondition> conditions) {
        return effectiveWeight(weight, () -> AutoWeight.compute(layer, conditions));
    }

    /**
     * The effective weight of a filter at a layer given by its FWPM name and field list (see {@link
     * AutoWeight#compute(String, List, List)}), or FWP_E_INVALID_WEIGHT.
     */
    public static long effectiveWeight(String layerName, List<LayerField> fields, FwpValue weight,
            List<FwpmFilterCondition> conditions) {
        return effectiveWeight(weight, () -> AutoWeight.compute(layerName, fields, conditions));
    }

    private static long effectiveWeight(FwpValue weight, LongSupplier auto) {
        return switch (weight) {
            case FwpValue.UInt64 u -> u.value();
            case FwpValue.Empty e -> auto.getAsLong();
            case FwpValue.UInt8 u -> {
                if (u.value() > FWPM_WEIGHT_RANGE_MAX) {
                    throw new FwpException(FwpError.FWP_E_INVALID_WEIGHT,
                            "weight uint8 " + u.value() + " (expected: 0-15, or FWP_UINT64 for an exact weight)");
                }
                yield ((long) u.value() << FWPM_AUTO_WEIGHT_BITS) | auto.getAsLong();
            }
            default -> throw new FwpException(FwpError.FWP_E_INVALID_WEIGHT,
                    "weight of type " + weight.type().name() + " (expected: FWP_EMPTY, FWP_UINT8 0-15 or FWP_UINT64)");
        };
    }
}

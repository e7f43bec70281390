package io.jwfp.engine.weight;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FwpmFilterCondition;
import java.util.List;

/**
 * The automatic (FWP_EMPTY) filter weight: a specificity score in [0, 2^60). Windows documents only the range; see
 * {@code docs/auto-weight.md} for how jwfp computes it and how closely it reproduces the effective weights of real
 * Windows filters.
 */
public final class AutoWeight {
    private AutoWeight() {}

    /** The automatic weight of a filter with these conditions at this layer. */
    public static long compute(Layer layer, List<FwpmFilterCondition> conditions) {
        return 0L; // replaced by the reverse-engineered score
    }
}

package io.jwfp.engine.callout;

import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmFilter;

/** FWPS_FILTER: the run-time view of the filter whose callout is being invoked. */
public interface FwpsFilter {
    /** The run-time filter id. */
    long filterId();

    /** The effective weight (unsigned). */
    long weight();

    /** The weight of the filter's sublayer. */
    int subLayerWeight();

    /** FWPS_FILTER_FLAG_*. */
    int flags();

    /** The action type. */
    ActionType actionType();

    /** The run-time id of the callout the action names, or 0. */
    int calloutId();

    /** The filter's raw context (FWPM_FILTER0.rawContext). */
    long context();

    /** The management object the filter was built from. */
    FwpmFilter definition();
}

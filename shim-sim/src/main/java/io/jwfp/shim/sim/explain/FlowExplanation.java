package io.jwfp.shim.sim.explain;

import java.util.List;

/**
 * What {@link FlowExplainer} found: the flow's fate and, layer by layer in the order the flow crosses them, WFP's
 * arbitration. Plain data (names and numbers, no engine objects), so jwfpd can send it and the CLI print it the same
 * way whether it was computed locally or by the daemon ({@link ExplanationJson}). Immutable.
 *
 * @param flow          the flow, in {@link FlowSpec}'s text form
 * @param direction     "outbound" (the local host opens the flow) or "inbound" (it accepts it)
 * @param app           the application path given for ALE_APP_ID, or null
 * @param action        the flow's fate: FWP_ACTION_PERMIT if every layer permitted, else FWP_ACTION_BLOCK
 * @param blockingLayer the index in {@code layers} of the first layer that blocked, or -1
 * @param layers        every layer on the path; those after the first block are not reached
 */
public record FlowExplanation(String flow, String direction, String app, String action, int blockingLayer,
                              List<LayerStep> layers) {
    public FlowExplanation {
        layers = List.copyOf(layers);
    }

    /** True when the flow gets through every layer. */
    public boolean permitted() {
        return blockingLayer < 0;
    }

    /** The first layer that blocked, or null. */
    public LayerStep blocking() {
        return blockingLayer < 0 ? null : layers.get(blockingLayer);
    }

    /**
     * One layer on the path.
     *
     * @param event      what is classified there: bind, listen, connect, SYN, SYN-ACK, ACK, datagram, established, ...
     * @param layer      the layer's FWPM_LAYER_ name
     * @param packetDirection "inbound", "outbound" or "-" (a socket operation)
     * @param reached    false when an earlier layer blocked the flow (the fields below are then empty)
     * @param action     FWP_ACTION_PERMIT or FWP_ACTION_BLOCK (null when not reached)
     * @param filterId   the deciding filter's run-time id, 0 for the layer default (permit)
     * @param filterName its display name, or null
     * @param filterKey  its key, or null
     * @param hard       the decision was hard (the write right was cleared)
     * @param veto       a callout blocked a hard permit
     * @param absorbed   blocked silently (FWPS_CLASSIFY_OUT_FLAG_ABSORB)
     * @param sublayers  the sublayers in evaluation order, each with the filters that matched
     */
    public record LayerStep(String event, String layer, String packetDirection, boolean reached, String action,
                            long filterId, String filterName, String filterKey, boolean hard, boolean veto,
                            boolean absorbed, List<SublayerStep> sublayers) {
        public LayerStep {
            sublayers = List.copyOf(sublayers);
        }

        public boolean blocked() {
            return "FWP_ACTION_BLOCK".equals(action);
        }
    }

    /**
     * One sublayer's evaluation.
     *
     * @param name        the sublayer's display name
     * @param key         its key
     * @param weight      its weight (UINT16)
     * @param writeRight  whether the classify-out still had the write right when this sublayer was entered
     * @param result      what the sublayer decided (FWP_ACTION_NONE: no filter decided)
     * @param effect      how it affected the layer's decision, in words ("decides (hard)", "ignored: ...", ...)
     * @param filters     the filters whose conditions matched, in weight order
     */
    public record SublayerStep(String name, String key, int weight, boolean writeRight, String result, String effect,
                               List<FilterStep> filters) {
        public SublayerStep {
            filters = List.copyOf(filters);
        }
    }

    /**
     * One filter whose conditions matched.
     *
     * @param id              run-time id
     * @param name            display name
     * @param key             filter key
     * @param weight          effective weight (UINT64, unsigned decimal)
     * @param action          the filter's action type (FWP_ACTION_BLOCK, FWP_ACTION_CALLOUT_TERMINATING, ...)
     * @param result          what arbitration took from it (PERMIT, BLOCK, CONTINUE)
     * @param calloutInvoked  its callout ran
     * @param calloutReturned what the callout returned, or null
     * @param note            why, in words ("static block (hard)", "soft permit", ...)
     * @param decides         this filter made the layer's final decision
     */
    public record FilterStep(long id, String name, String key, String weight, String action, String result,
                             boolean calloutInvoked, String calloutReturned, String note, boolean decides) {}
}

package io.jwfp.engine.arbitration;

import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.SublayerState;

/**
 * Receives every step of an arbitration, for {@code jwfp explain} and tests. Only consulted when one is passed to
 * classify, so the hot path pays one null check.
 */
public interface ClassifyTrace {
    /** A sublayer's evaluation starts; {@code current} is the decision so far, with or without the write right. */
    void sublayerStart(SublayerState sublayer, ActionType current, boolean writeRight);

    /**
     * A filter matched and was evaluated.
     *
     * @param result   what the filter yielded: PERMIT, BLOCK or CONTINUE (after coercion)
     * @param invoked  true if a callout's classifyFn ran
     * @param returned what the classifyFn returned before coercion (null if none ran)
     * @param note     why, in words (e.g. "callout not registered: acts as BLOCK")
     */
    void filter(CompiledFilter filter, ActionType result, boolean invoked, ActionType returned, String note);

    /**
     * A sublayer's evaluation ends.
     *
     * @param result the sublayer's decision (PERMIT, BLOCK, or FWP_ACTION_NONE when no filter decided)
     * @param effect what it did to the layer's decision: "decides", "overrides", "ignored: ...", "veto", "no decision"
     */
    void sublayerEnd(SublayerState sublayer, ActionType result, String effect);
}

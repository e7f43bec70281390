package io.jwfp.engine.callout;

import io.jwfp.engine.model.ActionType;

/**
 * FWPS_CLASSIFY_OUT0: what a callout's classifyFn returns. On entry {@link #actionType} is the layer's decision so far
 * ({@code FWP_ACTION_CONTINUE} when nothing has decided) and {@link #rights} holds {@link #FWPS_RIGHT_ACTION_WRITE}
 * only if the callout may change it. A callout that blocks should clear the write right (a hard block); one that
 * returns without touching {@code actionType} returns the decision it was given. Reused per classification.
 */
public final class FwpsClassifyOut {
    /** The right to change the decision. */
    public static final int FWPS_RIGHT_ACTION_WRITE = 0x00000001;

    /** With BLOCK: the packet is silently swallowed; no discard-layer indication and no drop event. */
    public static final int FWPS_CLASSIFY_OUT_FLAG_ABSORB = 0x00000001;
    /** Stream layer: the engine's buffer is full; the callout must not ask for more data. */
    public static final int FWPS_CLASSIFY_OUT_FLAG_BUFFER_LIMIT_REACHED = 0x00000002;
    /** Stream layer: no more data will come in this direction. */
    public static final int FWPS_CLASSIFY_OUT_FLAG_NO_MORE_DATA = 0x00000004;
    public static final int FWPS_CLASSIFY_OUT_FLAG_ALE_FAST_CACHE_CHECK = 0x00000008;
    public static final int FWPS_CLASSIFY_OUT_FLAG_ALE_FAST_CACHE_POSSIBLE = 0x00000010;

    public ActionType actionType = ActionType.FWP_ACTION_CONTINUE;
    public long outContext;
    /** Filled by the engine: the run-time id of the filter whose callout is running. */
    public long filterId;
    public int rights = FWPS_RIGHT_ACTION_WRITE;
    public int flags;

    /** Resets for a callout invocation. */
    public void reset(ActionType current, boolean writeRight, long filterId) {
        this.actionType = current;
        this.rights = writeRight ? FWPS_RIGHT_ACTION_WRITE : 0;
        this.flags = 0;
        this.outContext = 0;
        this.filterId = filterId;
    }

    /** True if the write right is held. */
    public boolean canWrite() {
        return (rights & FWPS_RIGHT_ACTION_WRITE) != 0;
    }

    /** Blocks and clears the write right: the documented good practice for a blocking callout. */
    public void blockHard() {
        actionType = ActionType.FWP_ACTION_BLOCK;
        rights &= ~FWPS_RIGHT_ACTION_WRITE;
    }

    /** Blocks, clears the write right and absorbs the packet (no discard indication, no net event). */
    public void absorb() {
        blockHard();
        flags |= FWPS_CLASSIFY_OUT_FLAG_ABSORB;
    }
}

package io.jwfp.engine.arbitration;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.index.FilterIndex;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;

/**
 * The outcome of one classification at one layer. Mutable and reusable: a shim keeps one per thread (it also carries
 * the scratch classify-out and classify context handed to callouts, so classification allocates nothing).
 */
public final class ClassifyResult {
    ActionType action = ActionType.FWP_ACTION_PERMIT;
    CompiledFilter decidingFilter;
    boolean hard;
    boolean veto;
    boolean absorb;
    int calloutsInvoked;
    int classifyOutFlags;

    final FwpsClassifyOut classifyOut = new FwpsClassifyOut();
    /** Scratch for the arbiter: a sublayer's candidate lists (one per index level, plus always) and their cursors. */
    final int[][] candidateLists = new int[FilterIndex.MAX_LEVELS + 1][];
    final int[] candidatePos = new int[FilterIndex.MAX_LEVELS + 1];
    ClassifyContext context;
    /**
     * Scratch for hit counting: the filters arbitration reached whose conditions matched, in order, so the engine can
     * count them once the deciding filter is known. Beyond its capacity (more callouts answering CONTINUE than any real
     * policy has) filters are counted at once ({@link #reachedOverflow}).
     */
    final CompiledFilter[] reached = new CompiledFilter[REACHED_CAPACITY];
    int reachedCount;
    boolean reachedOverflow;
    static final int REACHED_CAPACITY = 32;

    public ClassifyResult() {
        this(new ClassifyContext());
    }

    /** A result whose callouts get a shim's own classify-context type (for pend and redirect). */
    public ClassifyResult(ClassifyContext context) {
        this.context = context;
    }

    void reset() {
        action = ActionType.FWP_ACTION_PERMIT;
        decidingFilter = null;
        hard = false;
        veto = false;
        absorb = false;
        calloutsInvoked = 0;
        classifyOutFlags = 0;
        for (int i = 0; i < reachedCount; i++) reached[i] = null; // no stale filter kept alive
        reachedCount = 0;
        reachedOverflow = false;
    }

    /** FWP_ACTION_PERMIT or FWP_ACTION_BLOCK. */
    public ActionType action() {
        return action;
    }

    public boolean isBlock() {
        return action == ActionType.FWP_ACTION_BLOCK;
    }

    /** The run-time id of the deciding filter; 0 when the layer default (permit) decided. */
    public long filterId() {
        return decidingFilter == null ? 0 : decidingFilter.filterId();
    }

    /** The deciding filter, or null for the layer default. */
    public CompiledFilter decidingFilter() {
        return decidingFilter;
    }

    /** True when the decision is hard (FWPS_RIGHT_ACTION_WRITE was cleared). */
    public boolean isHard() {
        return hard;
    }

    /** True when a callout vetoed a hard permit. */
    public boolean isVeto() {
        return veto;
    }

    /** True when the deciding callout blocked with FWPS_CLASSIFY_OUT_FLAG_ABSORB (silent: no discard, no event). */
    public boolean isAbsorbed() {
        return absorb;
    }

    /** How many classifyFn calls were made. */
    public int calloutsInvoked() {
        return calloutsInvoked;
    }

    /** FWPS_CLASSIFY_OUT_FLAG_* the deciding callout returned. */
    public int classifyOutFlags() {
        return classifyOutFlags;
    }

    /** The classify context passed to callouts. */
    public ClassifyContext context() {
        return context;
    }

    /** Copies another result. */
    public void copyFrom(ClassifyResult o) {
        action = o.action;
        decidingFilter = o.decidingFilter;
        hard = o.hard;
        veto = o.veto;
        absorb = o.absorb;
        calloutsInvoked = o.calloutsInvoked;
        classifyOutFlags = o.classifyOutFlags;
    }

    @Override
    public String toString() {
        return action.name() + (decidingFilter == null ? " (layer default)" : " by " + decidingFilter)
                + (hard ? " hard" : " soft") + (veto ? " veto" : "") + (absorb ? " absorbed" : "");
    }
}

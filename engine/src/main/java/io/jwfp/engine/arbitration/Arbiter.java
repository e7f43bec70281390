package io.jwfp.engine.arbitration;

import static io.jwfp.engine.model.ActionType.FWP_ACTION_BLOCK;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CONTINUE;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_NONE;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_PERMIT;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FlowContextTable;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.callout.CalloutTable;
import io.jwfp.engine.index.FilterIndex;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.LayerState;
import io.jwfp.engine.state.SublayerState;
import io.jwfp.engine.value.FwpsIncomingValues;

/**
 * WFP filter arbitration at one layer (wfp-semantics §1), allocation-free.
 *
 * <pre>
 *  layer ──► sublayer (weight 0xFFFF) ──► filters by effective weight: first PERMIT/BLOCK ends the sublayer
 *        ──► sublayer (weight 0x8000) ──► ...                           CONTINUE (callouts) goes on
 *        ──► sublayer (weight 0x0000) ──► ...
 *  every sublayer runs; the running decision (action, write right) changes only if
 *    - it is soft (write right held): any decision replaces it ("block overrides a soft permit", and a later
 *      permit a soft block), or
 *    - it is a hard PERMIT and a callout called without the write right returns BLOCK: a veto.
 *  no decision at all: the layer default, FWP_ACTION_PERMIT, with filter id 0.
 * </pre>
 *
 * Within a sublayer: a static PERMIT is soft unless the filter has FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT; a static
 * BLOCK is hard. A callout's return is coerced by the filter's action type (TERMINATING: PERMIT or BLOCK, anything
 * else is BLOCK; INSPECTION: always CONTINUE; UNKNOWN: PERMIT, BLOCK or CONTINUE) and is hard if the callout cleared
 * the write right or the filter has CLEAR_ACTION_RIGHT. A filter whose callout is not registered acts as a static
 * BLOCK (TERMINATING, UNKNOWN), as a static PERMIT with FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED, and is
 * skipped (INSPECTION). A callout registered with FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW is invoked only for flows it
 * has a context on; otherwise its filter is skipped. After a hard decision, sublayers holding only static filters
 * cannot change anything and are skipped unless a trace is recording.
 */
public final class Arbiter {
    private Arbiter() {}

    public static void arbitrate(LayerState ls, CalloutTable callouts, FlowContextTable flows, FwpsIncomingValues in,
                                 FwpsIncomingMetadataValues meta, Object layerData, ClassifyResult out,
                                 ClassifyTrace trace) {
        arbitrate(ls, callouts, flows, in, meta, layerData, out, trace, 0x10000);
    }

    /** Arbitrates over the sublayers whose weight is below {@code belowSublayerWeight} only (0x10000: all). */
    public static void arbitrate(LayerState ls, CalloutTable callouts, FlowContextTable flows, FwpsIncomingValues in,
                                 FwpsIncomingMetadataValues meta, Object layerData, ClassifyResult out,
                                 ClassifyTrace trace, int belowSublayerWeight) {
        out.reset();
        if (ls == null) return; // layer default: permit
        Layer layer = ls.layer();
        ActionType state = FWP_ACTION_NONE;
        boolean write = true;
        FwpsClassifyOut co = out.classifyOut;
        boolean hasFlow = meta != null && meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_FLOW_HANDLE);
        long flowHandle = hasFlow ? meta.flowHandle : 0;

        for (int s = 0, ns = ls.sublayerCount(); s < ns; s++) {
            SublayerState sl = ls.sublayer(s);
            if (sl.sublayer().weight() >= belowSublayerWeight) continue;
            // Only a trace visits a sublayer that cannot change a hard decision; such visits are not hits.
            boolean counted = write || sl.hasCallouts();
            if (!counted && trace == null) continue;
            if (trace != null) trace.sublayerStart(sl, state, write);

            ActionType result = FWP_ACTION_NONE;
            boolean rightAfter = true;
            boolean fromCallout = false;
            boolean calledWithoutWrite = false;
            int outFlags = 0;
            CompiledFilter decider = null;

            // Candidates: one rank-sorted list per index level, plus the always list; merged in rank order.
            FilterIndex idx = sl.index();
            int[][] lists = out.candidateLists;
            int[] pos = out.candidatePos;
            int k = 0;
            for (int l = 0, nl = idx.levelCount(); l < nl; l++) {
                int[] c = idx.lookup(l, in);
                if (c.length > 0) {
                    lists[k] = c;
                    pos[k++] = 0;
                }
            }
            int[] always = idx.always();
            if (always.length > 0) {
                lists[k] = always;
                pos[k++] = 0;
            }
            int[] single = k == 1 ? lists[0] : null; // one list (a small sublayer, or one level's hits): no merge
            int next = 0;
            while (true) {
                int rank;
                if (single != null) {
                    if (next == single.length) break;
                    rank = single[next++];
                } else {
                    int pick = -1;
                    rank = Integer.MAX_VALUE;
                    for (int i = 0; i < k; i++) {
                        int p = pos[i];
                        if (p < lists[i].length && lists[i][p] < rank) {
                            rank = lists[i][p];
                            pick = i;
                        }
                    }
                    if (pick < 0) break;
                    pos[pick]++;
                }
                CompiledFilter f = sl.filter(rank);
                if (!f.conditions().matches(in)) continue;
                if (counted) reached(out, f);
                ActionType at = f.actionType();
                if (at == FWP_ACTION_PERMIT) {
                    result = FWP_ACTION_PERMIT;
                    rightAfter = !f.clearActionRight();
                    decider = f;
                    if (trace != null) trace.filter(f, result, false, null, rightAfter ? "soft permit" : "hard permit");
                    break;
                }
                if (at == FWP_ACTION_BLOCK) {
                    result = FWP_ACTION_BLOCK;
                    rightAfter = false;
                    decider = f;
                    if (trace != null) trace.filter(f, result, false, null, "static block (hard)");
                    break;
                }
                // A callout action.
                FwpsCallout callout = callouts.byId(f.calloutId());
                if (callout == null) {
                    if (at == ActionType.FWP_ACTION_CALLOUT_INSPECTION) {
                        if (trace != null) trace.filter(f, FWP_ACTION_CONTINUE, false, null, "callout not registered: inspection filter skipped");
                        continue;
                    }
                    decider = f;
                    if (f.permitIfUnregistered()) {
                        result = FWP_ACTION_PERMIT;
                        rightAfter = !f.clearActionRight();
                        if (trace != null) trace.filter(f, result, false, null, "callout not registered: acts as PERMIT (FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED)");
                    } else {
                        result = FWP_ACTION_BLOCK;
                        rightAfter = false;
                        if (trace != null) trace.filter(f, result, false, null, "callout not registered: acts as BLOCK");
                    }
                    break;
                }
                long flowContext = 0;
                if (hasFlow) {
                    if (callout.hasFlag(FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW)
                            && !flows.contains(flowHandle, layer.layerId(), f.calloutId())) {
                        if (trace != null) trace.filter(f, FWP_ACTION_CONTINUE, false, null, "conditional on flow: no context on this flow, not invoked");
                        continue;
                    }
                    flowContext = flows.get(flowHandle, layer.layerId(), f.calloutId());
                } else if (callout.hasFlag(FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW)) {
                    if (trace != null) trace.filter(f, FWP_ACTION_CONTINUE, false, null, "conditional on flow: no flow, not invoked");
                    continue;
                }
                co.reset(state == FWP_ACTION_NONE ? FWP_ACTION_CONTINUE : state, write, f.filterId());
                ClassifyContext ctx = out.context;
                ctx.enter(layer, f.filterId(), f.calloutId());
                callout.classifyFn().classify(in, meta, layerData, ctx, f, flowContext, co);
                out.calloutsInvoked++;
                ActionType returned = co.actionType;
                ActionType coerced = coerce(at, returned);
                if (coerced == FWP_ACTION_CONTINUE) {
                    if (trace != null) trace.filter(f, coerced, true, returned, "callout returned " + returned.shortName());
                    continue;
                }
                result = coerced;
                rightAfter = (co.rights & FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE) != 0 && !f.clearActionRight();
                // A veto is a BLOCK the callout chose; a CONTINUE coerced to BLOCK by a TERMINATING filter is not one.
                fromCallout = returned == FWP_ACTION_BLOCK;
                calledWithoutWrite = !write;
                outFlags = co.flags;
                decider = f;
                if (trace != null) {
                    trace.filter(f, coerced, true, returned, "callout returned " + returned.shortName()
                            + (coerced != returned ? " (coerced to " + coerced.shortName() + " by " + at.shortName() + ")" : "")
                            + (rightAfter ? ", write right kept (soft)" : ", write right cleared (hard)")
                            + ((outFlags & FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB) != 0 ? ", absorb" : ""));
                }
                break;
            }

            if (result == FWP_ACTION_NONE) {
                if (trace != null) trace.sublayerEnd(sl, FWP_ACTION_NONE, "no decision");
                continue;
            }
            if (write) {
                String effect = state == FWP_ACTION_NONE ? "decides" : state == result ? "confirms" : "overrides";
                state = result;
                write = rightAfter;
                out.decidingFilter = decider;
                out.absorb = result == FWP_ACTION_BLOCK && (outFlags & FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB) != 0;
                out.classifyOutFlags = outFlags;
                if (trace != null) trace.sublayerEnd(sl, result, effect + (rightAfter ? " (soft)" : " (hard)"));
            } else if (state == FWP_ACTION_PERMIT && result == FWP_ACTION_BLOCK && fromCallout && calledWithoutWrite) {
                state = FWP_ACTION_BLOCK;
                out.decidingFilter = decider;
                out.veto = true;
                out.absorb = (outFlags & FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB) != 0;
                out.classifyOutFlags = outFlags;
                if (trace != null) trace.sublayerEnd(sl, result, "veto: a callout blocked a hard permit");
            } else if (trace != null) {
                trace.sublayerEnd(sl, result, "ignored: the " + state.shortName() + " above is hard"
                        + (result == FWP_ACTION_BLOCK && state == FWP_ACTION_PERMIT ? " (only a callout can veto it)" : ""));
            }
        }
        if (state != FWP_ACTION_NONE) {
            out.action = state;
            out.hard = !write;
        }
    }

    /** Notes a filter arbitration reached with matching conditions, for {@link #countHits}. */
    private static void reached(ClassifyResult out, CompiledFilter f) {
        int n = out.reachedCount;
        if (n < ClassifyResult.REACHED_CAPACITY) {
            out.reached[n] = f;
            out.reachedCount = n + 1;
        } else {
            out.reachedOverflow = true;
            f.hits().countMatched(); // counted now; promoted below if it turns out to decide
        }
    }

    /**
     * Counts the classification {@code out} holds in its filters' {@link io.jwfp.engine.state.FilterHits}: the
     * deciding filter as decided, every other filter arbitration reached with matching conditions as matched. Called
     * once per classification by the engine (not for an explain); allocation-free.
     */
    public static void countHits(ClassifyResult out) {
        CompiledFilter d = out.decidingFilter;
        boolean found = false;
        CompiledFilter[] r = out.reached;
        for (int i = 0, n = out.reachedCount; i < n; i++) {
            CompiledFilter f = r[i];
            r[i] = null;
            if (f == d) {
                f.hits().countDecided();
                found = true;
            } else {
                f.hits().countMatched();
            }
        }
        out.reachedCount = 0;
        if (d != null && !found && out.reachedOverflow) d.hits().promote();
        out.reachedOverflow = false;
    }

    /** Coercion of a callout's return by the filter's action type (wfp-semantics §1.5). */
    static ActionType coerce(ActionType filterAction, ActionType returned) {
        return switch (filterAction) {
            case FWP_ACTION_CALLOUT_TERMINATING ->
                    returned == FWP_ACTION_PERMIT || returned == FWP_ACTION_BLOCK ? returned : FWP_ACTION_BLOCK;
            case FWP_ACTION_CALLOUT_INSPECTION -> FWP_ACTION_CONTINUE;
            default -> returned == FWP_ACTION_PERMIT || returned == FWP_ACTION_BLOCK ? returned : FWP_ACTION_CONTINUE;
        };
    }
}

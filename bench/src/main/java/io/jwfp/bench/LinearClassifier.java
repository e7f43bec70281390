package io.jwfp.bench;

import io.jwfp.engine.callout.CalloutTable;
import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.LayerState;
import io.jwfp.engine.state.SublayerState;
import io.jwfp.engine.value.FwpsIncomingValues;

/**
 * The benchmark's baseline: WFP arbitration (wfp-semantics §1) by walking every filter of every sublayer in order and
 * matching each one's compiled conditions, with no index. It is the engine test suite's naive reference
 * implementation adapted to compiled filters, so that the two sides of the ratio differ only by the index. Handles
 * static actions, registered callouts and their coercion, unregistered callouts, soft/hard and veto; no flows.
 */
public final class LinearClassifier {
    private final LayerState layer;
    private final CalloutTable callouts;
    private final FwpsClassifyOut co = new FwpsClassifyOut();
    private final ClassifyContext ctx = new ClassifyContext();

    /** The decision of the last classification. */
    public ActionType action;
    /** The deciding filter id, 0 for the layer default. */
    public long filterId;
    public boolean hard;

    public LinearClassifier(LayerState layer, CalloutTable callouts) {
        this.layer = layer;
        this.callouts = callouts;
    }

    public void classify(FwpsIncomingValues in) {
        ActionType state = ActionType.FWP_ACTION_NONE;
        boolean write = true;
        long decider = 0;
        for (int s = 0; s < layer.sublayerCount(); s++) {
            SublayerState sl = layer.sublayer(s);
            ActionType result = ActionType.FWP_ACTION_NONE;
            boolean rightAfter = true, veto = false;
            long by = 0;
            for (int r = 0, n = sl.filterCount(); r < n; r++) {
                CompiledFilter f = sl.filter(r);
                if (!f.conditions().matches(in)) continue;
                ActionType t = f.actionType();
                if (t == ActionType.FWP_ACTION_PERMIT || t == ActionType.FWP_ACTION_BLOCK) {
                    result = t;
                    rightAfter = t == ActionType.FWP_ACTION_PERMIT && !f.clearActionRight();
                    by = f.filterId();
                    break;
                }
                FwpsCallout c = callouts.byId(f.calloutId());
                if (c == null) {
                    if (t == ActionType.FWP_ACTION_CALLOUT_INSPECTION) continue;
                    result = f.permitIfUnregistered() ? ActionType.FWP_ACTION_PERMIT : ActionType.FWP_ACTION_BLOCK;
                    rightAfter = result == ActionType.FWP_ACTION_PERMIT && !f.clearActionRight();
                    by = f.filterId();
                    break;
                }
                co.reset(state == ActionType.FWP_ACTION_NONE ? ActionType.FWP_ACTION_CONTINUE : state, write, f.filterId());
                ctx.enter(layer.layer(), f.filterId(), f.calloutId());
                c.classifyFn().classify(in, null, null, ctx, f, 0, co);
                ActionType a = co.actionType;
                boolean decision = a == ActionType.FWP_ACTION_PERMIT || a == ActionType.FWP_ACTION_BLOCK;
                if (t == ActionType.FWP_ACTION_CALLOUT_INSPECTION || !decision && t != ActionType.FWP_ACTION_CALLOUT_TERMINATING) {
                    continue;
                }
                result = decision ? a : ActionType.FWP_ACTION_BLOCK;
                rightAfter = co.canWrite() && !f.clearActionRight();
                veto = result == ActionType.FWP_ACTION_BLOCK && !write;
                by = f.filterId();
                break;
            }
            if (result == ActionType.FWP_ACTION_NONE) continue;
            if (write) {
                state = result;
                write = rightAfter;
                decider = by;
            } else if (state == ActionType.FWP_ACTION_PERMIT && veto) {
                state = ActionType.FWP_ACTION_BLOCK;
                decider = by;
            }
        }
        action = state == ActionType.FWP_ACTION_NONE ? ActionType.FWP_ACTION_PERMIT : state;
        filterId = decider;
        hard = state != ActionType.FWP_ACTION_NONE && !write;
    }
}

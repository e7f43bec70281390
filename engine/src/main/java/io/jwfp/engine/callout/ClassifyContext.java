package io.jwfp.engine.callout;

import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.Layer;
import java.util.UUID;

/**
 * The classifyContext handle of classifyFn: identifies the classification in progress to the engine's pend and
 * redirect functions (FwpsAcquireClassifyHandle0, FwpsPendClassify0, FwpsAcquireWritableLayerDataPointer0). The
 * engine reuses one instance per thread; a callout must not keep it beyond the call except through a classify
 * handle the engine hands out.
 */
public class ClassifyContext {
    private Layer layer;
    private long filterId;
    private int calloutId;
    private FwpsKernel kernel;
    private CalloutTable callouts;

    /** Called by the engine before each callout invocation. */
    public void enter(Layer layer, long filterId, int calloutId) {
        this.layer = layer;
        this.filterId = filterId;
        this.calloutId = calloutId;
    }

    public Layer layer() {
        return layer;
    }

    public long filterId() {
        return filterId;
    }

    public int calloutId() {
        return calloutId;
    }

    /**
     * The callout runtime of the shim classifying (injection, pend, redirect, flow contexts), or null when the
     * classification runs without one (e.g. {@code jwfp explain}).
     */
    public FwpsKernel kernel() {
        return kernel;
    }

    /** Called by the engine before each classification with the engine's kernel. */
    public void bindKernel(FwpsKernel kernel) {
        this.kernel = kernel;
    }

    /** Called by the engine before each classification with its callout registrations. */
    public void bindCallouts(CalloutTable callouts) {
        this.callouts = callouts;
    }

    /**
     * The run-time id of the registered callout with key {@code calloutKey}: what FwpsCalloutRegister0 returned to the
     * driver that registered it. A callout needs it to associate a flow context for a sibling callout at another layer
     * (FwpsFlowAssociateContext0 takes the sibling's id). 0 when no such callout is registered or the classification
     * runs without an engine.
     */
    public int registeredCalloutId(UUID calloutKey) {
        CalloutTable t = callouts;
        return t == null || calloutKey == null || !t.isRegistered(calloutKey) ? 0 : t.calloutId(calloutKey);
    }
}

package io.jwfp.engine;

import io.jwfp.engine.arbitration.Arbiter;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.arbitration.ClassifyTrace;
import io.jwfp.engine.callout.CalloutTable;
import io.jwfp.engine.callout.FlowContextTable;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.EngineState;
import io.jwfp.engine.state.FilterHits;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.util.UUID;

/**
 * The kernel-side filter engine: classification against the current snapshot, callout registration, flow contexts.
 * Management (adding filters) goes through BFE, which publishes snapshots here.
 *
 * <p>Thread safety: {@link #classify} may run on any number of threads at once, each with its own
 * {@link FwpsIncomingValues}, metadata and {@link ClassifyResult}; it reads the snapshot reference once and never
 * locks or allocates (callouts and net-event sinks excepted). Every classification counts its filters' hits
 * ({@link FilterHits}: the deciding filter and the filters arbitration reached).
 */
public final class FilterEngine {
    private volatile EngineState state = EngineState.EMPTY;
    private final CalloutTable callouts = new CalloutTable();
    private final FlowContextTable flowContexts = new FlowContextTable();
    private volatile NetEventSink netEventSink;
    private volatile boolean reportAllows;
    private volatile FwpsKernel kernel;

    /** All sublayers take part: the default for {@code belowSublayerWeight}. */
    public static final int ALL_SUBLAYERS = 0x10000;

    /** The snapshot classification currently uses. */
    public EngineState state() {
        return state;
    }

    /** Publishes a new snapshot (BFE does this on commit). */
    public void publish(EngineState next) {
        state = next;
    }

    /** FwpsCalloutRegister: registers a callout's functions; returns its run-time id. */
    public int calloutRegister(FwpsCallout callout) {
        return callouts.register(callout);
    }

    /** FwpsCalloutUnregisterByKey. Filters naming it then behave as "callout not registered". */
    public boolean calloutUnregisterByKey(UUID calloutKey) {
        return callouts.unregister(calloutKey);
    }

    /** The registrations and run-time callout ids. */
    public CalloutTable callouts() {
        return callouts;
    }

    /** The flow-context associations. */
    public FlowContextTable flowContexts() {
        return flowContexts;
    }

    /**
     * A flow ended (its connection closed, or it idled out): every flow context on it leaves the table and goes to its
     * callout's flowDeleteFn, as WFP does when it deletes a flow. Called by shims on the thread that notices the end.
     *
     * @return how many contexts were released
     */
    public int flowDeleted(long flowHandle) {
        int n = 0;
        for (FlowContextTable.Association a : flowContexts.removeFlow(flowHandle)) {
            FwpsCallout c = callouts.byId(a.calloutId());
            if (c != null) c.flowDeleteFn().flowDelete(a.layerId(), a.calloutId(), a.context());
            n++;
        }
        return n;
    }

    /**
     * FwpsFlowAssociateContext0 for the shims, which know whether flow {@code flowHandle} exists ({@code flowExists}):
     * STATUS_FWP_CALLOUT_NOT_FOUND for an unknown callout, STATUS_INVALID_PARAMETER when it has no flowDeleteFn or the
     * flow does not exist, STATUS_OBJECT_NAME_EXISTS when the callout attached a context there already.
     */
    public NtStatus flowAssociateContext(long flowHandle, int layerId, int calloutId, long context, boolean flowExists) {
        FwpsCallout c = callouts.byId(calloutId);
        if (c == null) return NtStatus.STATUS_FWP_CALLOUT_NOT_FOUND;
        if (c.flowDeleteFn() == io.jwfp.engine.callout.FlowDeleteFn.NONE || !flowExists) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return flowContexts.associate(flowHandle, layerId, calloutId, context)
                ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_OBJECT_NAME_EXISTS;
    }

    /**
     * FwpsFlowRemoveContext0: detaches a callout's context from a flow and hands it to the callout's flowDeleteFn.
     * STATUS_NOT_FOUND when none is attached.
     */
    public NtStatus flowRemoveContext(long flowHandle, int layerId, int calloutId) {
        if (!flowContexts.contains(flowHandle, layerId, calloutId)) return NtStatus.STATUS_NOT_FOUND;
        long ctx = flowContexts.remove(flowHandle, layerId, calloutId);
        FwpsCallout c = callouts.byId(calloutId);
        if (c != null) c.flowDeleteFn().flowDelete(layerId, calloutId, ctx);
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * Sets where classify drops (non-absorbed, final BLOCK, vetoes included) are reported; with {@code allows}, permits
     * decided by a filter too (FWPM_NET_EVENT_KEYWORD_CLASSIFY_ALLOW). The layer default (no filter decided) is never
     * reported, and neither is a packet indicated at a discard layer because a filter already dropped it.
     */
    public void setNetEventSink(NetEventSink sink, boolean allows) {
        this.netEventSink = sink;
        this.reportAllows = allows;
    }

    /** Sets the callout runtime of the shim driving this engine; callouts find it in their classify context. */
    public void setKernel(FwpsKernel kernel) {
        this.kernel = kernel;
    }

    /** The callout runtime of the shim driving this engine, or null. */
    public FwpsKernel kernel() {
        return kernel;
    }

    /** True if some enforced filter lives at the layer (a shim can skip the layer otherwise). */
    public boolean hasFilters(Layer layer) {
        return state.layer(layer) != null;
    }

    /** Classifies incoming values at their layer. */
    public void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, ClassifyResult out) {
        classify(in, meta, layerData, out, null);
    }

    /** Classifies and reports every arbitration step to a trace. */
    public void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, ClassifyResult out,
                         ClassifyTrace trace) {
        classify(in, meta, layerData, out, trace, ALL_SUBLAYERS);
    }

    /**
     * Classifies with only the sublayers whose weight is below {@code belowSublayerWeight} taking part
     * ({@link #ALL_SUBLAYERS}: all). The stream layer uses it for injected data, which WFP shows only to
     * sublayers of lower weight than the injector's.
     */
    public void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, ClassifyResult out,
                         ClassifyTrace trace, int belowSublayerWeight) {
        EngineState s = state;
        Layer layer = in.layer();
        out.context().bindKernel(kernel);
        out.context().bindCallouts(callouts);
        Arbiter.arbitrate(s.layer(layer), callouts, flowContexts, in, meta, layerData, out, trace, belowSublayerWeight);
        Arbiter.countHits(out);
        NetEventSink sink = netEventSink;
        if (sink != null) {
            if (out.action() == ActionType.FWP_ACTION_BLOCK) {
                if (!out.isAbsorbed() && (!layer.isDiscard() || !isFirewallDiscard(meta))) sink.classified(in, meta, layerData, out);
            } else if (reportAllows && out.decidingFilter() != null) {
                sink.classified(in, meta, layerData, out);
            }
        }
    }

    /**
     * Classifies for an explanation ({@code jwfp explain}), leaving no trace in the engine: no hit is counted and no net
     * event reported. Callouts are looked up in {@code calloutTable} (the engine's own, or a copy from
     * {@link CalloutTable#mapped} whose callouts explain may run) and see {@code kernel} (null: none) as their runtime.
     * Thread-safe like {@link #classify}.
     */
    public void explain(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, ClassifyResult out,
                        ClassifyTrace trace, CalloutTable calloutTable, FwpsKernel kernel) {
        out.context().bindKernel(kernel);
        out.context().bindCallouts(calloutTable);
        Arbiter.arbitrate(state.layer(in.layer()), calloutTable, flowContexts, in, meta, layerData, out, trace,
                ALL_SUBLAYERS);
    }

    /**
     * A filter's hit counters read now (see {@link FilterHits} for what decided and matched count), or null when no
     * enforced filter has the id (unknown, deleted or disabled).
     */
    public FilterHits.Counts hits(long filterId) {
        CompiledFilter f = state.filter(filterId);
        return f == null ? null : f.hits().counts();
    }

    /** Every enforced filter's hit counters, by filter id, read now. */
    public java.util.Map<Long, FilterHits.Counts> hits() {
        java.util.Map<Long, FilterHits.Counts> m = new java.util.HashMap<>();
        for (CompiledFilter f : state.filters()) m.put(f.filterId(), f.hits().counts());
        return m;
    }

    private static boolean isFirewallDiscard(FwpsIncomingMetadataValues meta) {
        // A packet indicated at a discard layer because a filter blocked it was reported already.
        return meta != null && meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_DISCARD_REASON)
                && meta.discardModule == FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_GENERAL
                && meta.discardReason == FwpsIncomingMetadataValues.FWPS_DISCARD_FIREWALL_POLICY;
    }
}

package io.jwfp.engine.state;

import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.compile.ConditionSet;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilter;

/**
 * A filter as classification uses it: conditions compiled, effective weight and callout id resolved. It is also the
 * FWPS_FILTER a callout receives. Immutable and shared by every snapshot that contains it.
 */
public final class CompiledFilter implements FwpsFilter {
    private final FwpmFilter definition;
    private final ConditionSet conditions;
    private final int subLayerWeight;
    private final int calloutId;
    private final int fwpsFlags;
    final ActionType actionType;
    final boolean clearActionRight;
    final boolean permitIfUnregistered;
    final long filterId;
    private final FilterHits hits;

    public CompiledFilter(FwpmFilter definition, ConditionSet conditions, int subLayerWeight, int calloutId) {
        this(definition, conditions, subLayerWeight, calloutId, new FilterHits());
    }

    /** A compiled filter that keeps counting on {@code hits} (a previous compiled form's, across a rebuild). */
    public CompiledFilter(FwpmFilter definition, ConditionSet conditions, int subLayerWeight, int calloutId,
                          FilterHits hits) {
        this.hits = java.util.Objects.requireNonNull(hits, "hits");
        this.definition = definition;
        this.conditions = conditions;
        this.subLayerWeight = subLayerWeight;
        this.calloutId = calloutId;
        this.actionType = definition.action().type();
        this.filterId = definition.filterId();
        this.clearActionRight = definition.hasFlag(FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT);
        this.permitIfUnregistered = definition.hasFlag(FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED);
        int f = 0;
        if (clearActionRight) f |= FilterFlags.FWPS_FILTER_FLAG_CLEAR_ACTION_RIGHT;
        if (permitIfUnregistered) f |= FilterFlags.FWPS_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED;
        if (hasRepeatedField(definition)) f |= FilterFlags.FWPS_FILTER_FLAG_OR_CONDITIONS;
        this.fwpsFlags = f;
    }

    private static boolean hasRepeatedField(FwpmFilter d) {
        var seen = new java.util.HashSet<>();
        for (var c : d.filterCondition()) if (!seen.add(c.fieldKey())) return true;
        return false;
    }

    @Override
    public long filterId() {
        return filterId;
    }

    @Override
    public long weight() {
        return definition.effectiveWeight();
    }

    @Override
    public int subLayerWeight() {
        return subLayerWeight;
    }

    @Override
    public int flags() {
        return fwpsFlags;
    }

    @Override
    public ActionType actionType() {
        return actionType;
    }

    @Override
    public int calloutId() {
        return calloutId;
    }

    @Override
    public long context() {
        return definition.rawContext();
    }

    @Override
    public FwpmFilter definition() {
        return definition;
    }

    /** True with FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT: the filter's decision is hard. */
    public boolean clearActionRight() {
        return clearActionRight;
    }

    /** True with FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED. */
    public boolean permitIfUnregistered() {
        return permitIfUnregistered;
    }

    /** The compiled conditions. */
    public ConditionSet conditions() {
        return conditions;
    }

    /** The filter's hit counters (shared with its earlier and later compiled forms). */
    public FilterHits hits() {
        return hits;
    }

    /** The display name, or the key when the filter has no name. */
    public String name() {
        String n = definition.name();
        return n.isEmpty() ? String.valueOf(definition.filterKey()) : n;
    }

    @Override
    public String toString() {
        return "filter " + filterId + " (" + name() + ")";
    }
}

package io.jwfp.engine.state;

import io.jwfp.engine.index.FilterIndex;
import io.jwfp.engine.model.FwpmSubLayer;

/** The filters of one sublayer at one layer, in arbitration order (effective weight descending, then filter id). */
public final class SublayerState {
    final FwpmSubLayer sublayer;
    final CompiledFilter[] filters;
    final FilterIndex index;
    final boolean hasCallouts;

    SublayerState(FwpmSubLayer sublayer, CompiledFilter[] filters) {
        this.sublayer = sublayer;
        this.filters = filters;
        this.index = FilterIndex.build(filters);
        boolean c = false;
        for (CompiledFilter f : filters) c |= f.actionType.isCallout();
        this.hasCallouts = c;
    }

    public FwpmSubLayer sublayer() {
        return sublayer;
    }

    /** The filters in arbitration order. */
    public CompiledFilter[] filters() {
        return filters.clone();
    }

    public int filterCount() {
        return filters.length;
    }

    public CompiledFilter filter(int rank) {
        return filters[rank];
    }

    public FilterIndex index() {
        return index;
    }

    /** True if some filter here invokes a callout (so the sublayer matters even after a hard decision). */
    public boolean hasCallouts() {
        return hasCallouts;
    }
}

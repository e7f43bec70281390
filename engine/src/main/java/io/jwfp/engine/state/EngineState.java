package io.jwfp.engine.state;

import io.jwfp.engine.compile.ConditionCompiler;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.model.BuiltinSublayers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * An immutable snapshot of everything classification needs: per layer, the sublayers in evaluation order and their
 * compiled filters in arbitration order. A BFE commit builds a new snapshot and publishes it with one write; a
 * classification reads the reference once and uses that snapshot to the end, so it never sees half a transaction.
 *
 * <p>Order rules (documented choices where WFP is silent): sublayers by weight descending, equal weights by sublayer
 * key ascending; filters by effective weight descending (unsigned), equal weights by filter id ascending (older
 * first). Disabled filters (FWPM_FILTER_FLAG_DISABLED) are stored by BFE but left out here.
 */
public final class EngineState {
    /** A snapshot with no filters: every layer permits. */
    public static final EngineState EMPTY = new EngineState(new LayerState[Layer.maxLayerId() + 1], Map.of(), 0);

    private final LayerState[] layers;
    private final Map<Long, CompiledFilter> byId;
    private final long generation;

    private EngineState(LayerState[] layers, Map<Long, CompiledFilter> byId, long generation) {
        this.layers = layers;
        this.byId = byId;
        this.generation = generation;
    }

    /** The state of a layer, or null when no filter lives there. */
    public LayerState layer(Layer layer) {
        return layers[layer.layerId()];
    }

    /** A compiled filter by run-time id, or null. */
    public CompiledFilter filter(long filterId) {
        return byId.get(filterId);
    }

    /** Every enforced filter (in no particular order). */
    public java.util.Collection<CompiledFilter> filters() {
        return byId.values();
    }

    /** A number that grows with each published snapshot. */
    public long generation() {
        return generation;
    }

    /** The number of enforced filters. */
    public int filterCount() {
        return byId.size();
    }

    /**
     * Builds a snapshot. Filters must already carry their run-time id and effective weight; conditions are compiled
     * again unless {@code previous} holds the same filter (same id and definition), whose compiled form is reused.
     *
     * @param sublayers every sublayer (built-in ones are added if missing)
     * @param filters   every filter (disabled ones are skipped)
     * @param calloutId resolves a callout key to its run-time id
     */
    public static EngineState build(EngineState previous, List<FwpmSubLayer> sublayers, List<FwpmFilter> filters,
                                    ToIntFunction<UUID> calloutId, long generation) {
        Map<UUID, FwpmSubLayer> subs = new HashMap<>();
        for (FwpmSubLayer s : BuiltinSublayers.ALL) subs.put(s.subLayerKey(), s);
        for (FwpmSubLayer s : sublayers) subs.put(s.subLayerKey(), s);

        Map<Layer, Map<UUID, List<CompiledFilter>>> grouped = new HashMap<>();
        Map<Long, CompiledFilter> byId = new HashMap<>();
        for (FwpmFilter f : filters) {
            if (f.hasFlag(FilterFlags.FWPM_FILTER_FLAG_DISABLED)) continue;
            UUID sk = f.subLayerKey() == null ? BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL : f.subLayerKey();
            FwpmSubLayer s = subs.get(sk);
            if (s == null) throw new IllegalStateException("filter " + f.filterId() + " names a missing sublayer " + sk);
            CompiledFilter old = previous == null ? null : previous.byId.get(f.filterId());
            CompiledFilter cf;
            if (old != null && old.definition() == f && old.subLayerWeight() == s.weight()) {
                cf = old;
            } else {
                int cid = f.action().type().isCallout() ? calloutId.applyAsInt(f.action().calloutKey()) : 0;
                // The same filter id is the same filter: its counts go on (hit counters survive rebuilds).
                FilterHits hits = old != null ? old.hits() : new FilterHits();
                cf = new CompiledFilter(f, ConditionCompiler.compile(f.layerKey(), f.filterCondition()), s.weight(), cid, hits);
            }
            byId.put(f.filterId(), cf);
            grouped.computeIfAbsent(f.layerKey(), k -> new HashMap<>()).computeIfAbsent(sk, k -> new ArrayList<>()).add(cf);
        }
        LayerState[] layers = new LayerState[Layer.maxLayerId() + 1];
        Comparator<CompiledFilter> byWeight = (a, b) -> {
            int c = Long.compareUnsigned(b.weight(), a.weight());
            return c != 0 ? c : Long.compare(a.filterId, b.filterId);
        };
        for (var e : grouped.entrySet()) {
            List<SublayerState> ss = new ArrayList<>();
            for (var se : e.getValue().entrySet()) {
                List<CompiledFilter> fl = se.getValue();
                fl.sort(byWeight);
                ss.add(new SublayerState(subs.get(se.getKey()), fl.toArray(CompiledFilter[]::new)));
            }
            ss.sort(Comparator.<SublayerState>comparingInt(s -> -s.sublayer.weight())
                    .thenComparing(s -> s.sublayer.subLayerKey()));
            layers[e.getKey().layerId()] = new LayerState(e.getKey(), ss.toArray(SublayerState[]::new));
        }
        return new EngineState(layers, Map.copyOf(byId), generation);
    }
}

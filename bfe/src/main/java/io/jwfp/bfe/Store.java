package io.jwfp.bfe;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The object store: providers, sublayers, callouts and filters with their lifetimes. A committed store is never
 * changed; a transaction works on a {@link #draft()} copy and commit replaces the committed store with it.
 */
final class Store {
    final Map<UUID, Stored<FwpmProvider>> providers;
    final Map<UUID, Stored<FwpmSubLayer>> sublayers;
    final Map<UUID, Stored<FwpmCallout>> callouts;
    final Map<UUID, Stored<FwpmFilter>> filters;
    final Map<Long, UUID> filterKeysById;
    /** Draft bookkeeping: layers whose filters changed, and whether persistent objects changed. */
    final Set<Layer> touchedLayers;
    boolean persistentChanged;
    boolean sublayersChanged;
    final java.util.List<FilterChange> changes;
    final java.util.List<FwpmFilter> addedFilters;
    private final boolean mutable;

    static Store empty() {
        return new Store(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                new LinkedHashMap<>(), false);
    }

    private Store(Map<UUID, Stored<FwpmProvider>> p, Map<UUID, Stored<FwpmSubLayer>> s, Map<UUID, Stored<FwpmCallout>> c,
                  Map<UUID, Stored<FwpmFilter>> f, Map<Long, UUID> ids, boolean mutable) {
        this.providers = p;
        this.sublayers = s;
        this.callouts = c;
        this.filters = f;
        this.filterKeysById = ids;
        this.mutable = mutable;
        this.touchedLayers = mutable ? new HashSet<>() : Set.of();
        this.changes = mutable ? new java.util.ArrayList<>() : java.util.List.of();
        this.addedFilters = mutable ? new java.util.ArrayList<>() : java.util.List.of();
    }

    /** A mutable copy for a transaction. */
    Store draft() {
        return new Store(new LinkedHashMap<>(providers), new LinkedHashMap<>(sublayers), new LinkedHashMap<>(callouts),
                new LinkedHashMap<>(filters), new LinkedHashMap<>(filterKeysById), true);
    }

    /** This draft as a committed (read-only) store. */
    Store freeze() {
        return new Store(Collections.unmodifiableMap(providers), Collections.unmodifiableMap(sublayers),
                Collections.unmodifiableMap(callouts), Collections.unmodifiableMap(filters),
                Collections.unmodifiableMap(filterKeysById), false);
    }

    boolean isDraft() {
        return mutable;
    }

    Stored<FwpmFilter> filterById(long id) {
        UUID k = filterKeysById.get(id);
        return k == null ? null : filters.get(k);
    }
}

package io.jwfp.engine.callout;

import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The run-time callout registrations (FwpsCalloutRegister / FwpsCalloutUnregisterByKey) and the run-time callout ids,
 * which the management callout object and the registration share by key. Lookups by id are lock-free reads of a
 * copy-on-write array.
 */
public final class CalloutTable {
    private final Map<UUID, Integer> ids = new HashMap<>();
    private volatile FwpsCallout[] registered = new FwpsCallout[16];
    private int nextId = 1;

    /** The run-time id for a callout key, assigned on first use and stable for the engine's life. */
    public synchronized int calloutId(UUID key) {
        return ids.computeIfAbsent(key, k -> nextId++);
    }

    /** FwpsCalloutRegister: returns the run-time callout id. */
    public synchronized int register(FwpsCallout callout) {
        int id = calloutId(callout.calloutKey());
        FwpsCallout[] cur = registered;
        if (id < cur.length && cur[id] != null) {
            throw new FwpException(FwpError.FWP_E_ALREADY_EXISTS, "callout " + callout.calloutKey() + " is already registered");
        }
        FwpsCallout[] next = java.util.Arrays.copyOf(cur, Math.max(cur.length, Integer.highestOneBit(id) * 2));
        next[id] = callout;
        registered = next;
        return id;
    }

    /** FwpsCalloutUnregisterByKey: filters naming the callout then act as "callout unregistered". */
    public synchronized boolean unregister(UUID key) {
        Integer id = ids.get(key);
        if (id == null) return false;
        FwpsCallout[] cur = registered;
        if (id >= cur.length || cur[id] == null) return false;
        FwpsCallout[] next = cur.clone();
        next[id] = null;
        registered = next;
        return true;
    }

    /** The registration with a run-time id, or null when not registered. */
    public FwpsCallout byId(int id) {
        FwpsCallout[] r = registered;
        return id > 0 && id < r.length ? r[id] : null;
    }

    /** The registration with a key, or null. */
    public synchronized FwpsCallout byKey(UUID key) {
        Integer id = ids.get(key);
        return id == null ? null : byId(id);
    }

    /**
     * A copy of this table with every registration passed through {@code map} (null: left unregistered), keeping the
     * run-time ids, so filters compiled against this table find the mapped callouts. For {@code jwfp explain}, which
     * must not run callouts that have side effects; the copy is not kept in sync with later registrations.
     */
    public synchronized CalloutTable mapped(java.util.function.UnaryOperator<FwpsCallout> map) {
        CalloutTable t = new CalloutTable();
        t.ids.putAll(ids);
        t.nextId = nextId;
        FwpsCallout[] cur = registered;
        FwpsCallout[] next = new FwpsCallout[cur.length];
        for (int i = 0; i < cur.length; i++) if (cur[i] != null) next[i] = map.apply(cur[i]);
        t.registered = next;
        return t;
    }

    /** True if a callout with this key is registered. */
    public boolean isRegistered(UUID key) {
        return byKey(key) != null;
    }
}

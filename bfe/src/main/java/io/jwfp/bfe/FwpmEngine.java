package io.jwfp.bfe;

import static io.jwfp.engine.FwpError.*;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.bfe.netevent.NetEventEnumTemplate;
import io.jwfp.bfe.netevent.NetEventLog;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.model.BuiltinSublayers;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An engine handle: one management session (FwpmEngineOpen0 … FwpmEngineClose0). Method names follow the Fwpm*
 * functions they mirror. Every call outside an explicit transaction runs in its own implicit one; inside
 * {@link #transactionBegin(int)} … {@link #transactionCommit()} changes are invisible to classification and to other
 * sessions until the commit publishes them all at once. A failing call inside a transaction changes nothing and leaves
 * the transaction open (the caller decides to abort), as in Windows.
 *
 * <p>Closing a dynamic session ({@link FwpmSession#FWPM_SESSION_FLAG_DYNAMIC}) deletes every object it added.
 * A handle is meant for one thread at a time.
 */
public final class FwpmEngine implements AutoCloseable {
    /** FWPM_TXN_READ_ONLY. */
    public static final int FWPM_TXN_READ_ONLY = 0x1;

    private final BaseFilteringEngine bfe;
    private final FwpmSession session;
    private Store txn;
    private boolean txnReadOnly;
    private boolean closed;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();

    FwpmEngine(BaseFilteringEngine bfe, FwpmSession session) {
        this.bfe = bfe;
        this.session = session;
    }

    /** The session, with the identity BFE filled in. */
    public FwpmSession session() {
        return session;
    }

    /** The engine this handle talks to. */
    public BaseFilteringEngine bfe() {
        return bfe;
    }

    // ---------------------------------------------------------------- transactions

    /** FwpmTransactionBegin0. Waits up to the session's txnWaitTimeoutInMSec for another writer (FWP_E_TIMEOUT). */
    public synchronized void transactionBegin(int flags) {
        checkOpen();
        if (txn != null) throw new FwpException(FWP_E_TXN_IN_PROGRESS, "this session already has a transaction");
        txnReadOnly = (flags & FWPM_TXN_READ_ONLY) != 0;
        if (!txnReadOnly) bfe.lockForWrite(session);
        txn = txnReadOnly ? bfe.committed() : bfe.newDraft();
    }

    /** FwpmTransactionCommit0: publishes every change of the transaction at once. */
    public synchronized void transactionCommit() {
        checkOpen();
        if (txn == null) throw new FwpException(FWP_E_NO_TXN_IN_PROGRESS, "no transaction to commit");
        Store d = txn;
        boolean ro = txnReadOnly;
        try {
            if (!ro) bfe.commitDraft(d);
        } finally {
            // A failed commit (state could not be saved) leaves nothing published; the transaction ends either way.
            txn = null;
            if (!ro) bfe.unlock();
        }
    }

    /** FwpmTransactionAbort0: drops every change of the transaction. */
    public synchronized void transactionAbort() {
        checkOpen();
        if (txn == null) throw new FwpException(FWP_E_NO_TXN_IN_PROGRESS, "no transaction to abort");
        boolean ro = txnReadOnly;
        txn = null;
        if (!ro) bfe.unlock();
    }

    /** True while an explicit transaction is open. */
    public synchronized boolean inTransaction() {
        return txn != null;
    }

    private <T> T write(Function<Store, T> op) {
        checkOpen();
        if (txn != null) {
            if (txnReadOnly) throw new FwpException(FWP_E_INCOMPATIBLE_TXN, "the transaction is read-only");
            return op.apply(txn);
        }
        bfe.lockForWrite(session);
        try {
            Store d = bfe.newDraft();
            T r = op.apply(d);
            bfe.commitDraft(d);
            return r;
        } finally {
            bfe.unlock();
        }
    }

    private Store read() {
        checkOpen();
        Store t = txn;
        return t != null ? t : bfe.committed();
    }

    private void checkOpen() {
        if (closed) throw new FwpException(FWP_E_SESSION_ABORTED, "the engine handle is closed");
    }

    private Lifetime lifetime(boolean persistent) {
        return BaseFilteringEngine.lifetimeOf(persistent, session);
    }

    // ---------------------------------------------------------------- providers

    /** FwpmProviderAdd0; returns the provider's key (generated when null). */
    public synchronized UUID providerAdd(FwpmProvider provider) {
        FwpmProvider p = provider.providerKey() == null ? provider.withKey(UUID.randomUUID()) : provider;
        Lifetime life = lifetime(p.isPersistent());
        write(d -> {
            bfe.putProvider(d, p, life, session.sessionKey());
            return null;
        });
        return p.providerKey();
    }

    /** FwpmProviderDeleteByKey0. */
    public synchronized void providerDeleteByKey(UUID key) {
        write(d -> {
            Stored<FwpmProvider> p = d.providers.get(key);
            if (p == null) throw new FwpException(FWP_E_PROVIDER_NOT_FOUND, "provider " + key);
            for (var s : d.sublayers.values()) if (key.equals(s.object().providerKey())) throw inUse("provider", key, "sublayer " + s.object().subLayerKey());
            for (var c : d.callouts.values()) if (key.equals(c.object().providerKey())) throw inUse("provider", key, "callout " + c.object().calloutKey());
            for (var f : d.filters.values()) if (key.equals(f.object().providerKey())) throw inUse("provider", key, "filter " + f.object().filterId());
            d.providers.remove(key);
            if (p.lifetime() == Lifetime.PERSISTENT) d.persistentChanged = true;
            return null;
        });
    }

    /** FwpmProviderGetByKey0. */
    public synchronized FwpmProvider providerGetByKey(UUID key) {
        Stored<FwpmProvider> p = read().providers.get(key);
        if (p == null) throw new FwpException(FWP_E_PROVIDER_NOT_FOUND, "provider " + key);
        return p.object();
    }

    /** FwpmProviderEnum0. */
    public synchronized List<FwpmProvider> providerEnum(FwpmObjectEnumTemplate t) {
        List<FwpmProvider> out = new ArrayList<>();
        for (var p : read().providers.values()) if (t.providerKey() == null || t.providerKey().equals(p.object().providerKey())) out.add(p.object());
        return out;
    }

    // ---------------------------------------------------------------- sublayers

    /** FwpmSubLayerAdd0; returns the sublayer's key (generated when null). */
    public synchronized UUID subLayerAdd(FwpmSubLayer subLayer) {
        FwpmSubLayer s = subLayer.subLayerKey() == null ? subLayer.withKey(UUID.randomUUID()) : subLayer;
        Lifetime life = lifetime(s.isPersistent());
        write(d -> {
            bfe.putSubLayer(d, s, life, session.sessionKey());
            return null;
        });
        return s.subLayerKey();
    }

    /** FwpmSubLayerDeleteByKey0: fails with FWP_E_IN_USE while filters live in it. */
    public synchronized void subLayerDeleteByKey(UUID key) {
        write(d -> {
            if (BuiltinSublayers.isBuiltin(key)) throw new FwpException(FWP_E_BUILTIN_OBJECT, "sublayer " + key + " is built in");
            Stored<FwpmSubLayer> s = d.sublayers.get(key);
            if (s == null) throw new FwpException(FWP_E_SUBLAYER_NOT_FOUND, "sublayer " + key);
            for (var f : d.filters.values()) if (key.equals(f.object().subLayerKey())) throw inUse("sublayer", key, "filter " + f.object().filterId());
            d.sublayers.remove(key);
            d.sublayersChanged = true;
            if (s.lifetime() == Lifetime.PERSISTENT) d.persistentChanged = true;
            return null;
        });
    }

    /** FwpmSubLayerGetByKey0 (built-in sublayers included). */
    public synchronized FwpmSubLayer subLayerGetByKey(UUID key) {
        for (FwpmSubLayer b : BuiltinSublayers.ALL) if (b.subLayerKey().equals(key)) return b;
        Stored<FwpmSubLayer> s = read().sublayers.get(key);
        if (s == null) throw new FwpException(FWP_E_SUBLAYER_NOT_FOUND, "sublayer " + key);
        return s.object();
    }

    /** FwpmSubLayerEnum0 (built-in sublayers first). */
    public synchronized List<FwpmSubLayer> subLayerEnum(FwpmObjectEnumTemplate t) {
        List<FwpmSubLayer> out = new ArrayList<>();
        if (t.providerKey() == null) out.addAll(BuiltinSublayers.ALL);
        for (var s : read().sublayers.values()) if (t.providerKey() == null || t.providerKey().equals(s.object().providerKey())) out.add(s.object());
        return out;
    }

    // ---------------------------------------------------------------- callouts

    /** FwpmCalloutAdd0; returns the run-time callout id. */
    public synchronized int calloutAdd(FwpmCallout callout) {
        FwpmCallout c = callout.calloutKey() == null ? callout.withOutputs(UUID.randomUUID(), 0, callout.flags()) : callout;
        Lifetime life = lifetime(c.isPersistent());
        return write(d -> {
            bfe.putCallout(d, c, life, session.sessionKey());
            return d.callouts.get(c.calloutKey()).object().calloutId();
        });
    }

    /** FwpmCalloutDeleteByKey0: fails with FWP_E_IN_USE while filters invoke it. */
    public synchronized void calloutDeleteByKey(UUID key) {
        write(d -> {
            Stored<FwpmCallout> c = d.callouts.get(key);
            if (c == null) throw new FwpException(FWP_E_CALLOUT_NOT_FOUND, "callout " + key);
            for (var f : d.filters.values()) {
                if (key.equals(f.object().action().calloutKey())) throw inUse("callout", key, "filter " + f.object().filterId());
            }
            d.callouts.remove(key);
            if (c.lifetime() == Lifetime.PERSISTENT) d.persistentChanged = true;
            return null;
        });
    }

    /** FwpmCalloutGetByKey0; FWPM_CALLOUT_FLAG_REGISTERED tells whether its code is registered. */
    public synchronized FwpmCallout calloutGetByKey(UUID key) {
        Stored<FwpmCallout> c = read().callouts.get(key);
        if (c == null) throw new FwpException(FWP_E_CALLOUT_NOT_FOUND, "callout " + key);
        return withRegistered(c.object());
    }

    /** FwpmCalloutGetById0. */
    public synchronized FwpmCallout calloutGetById(int id) {
        for (var c : read().callouts.values()) if (c.object().calloutId() == id) return withRegistered(c.object());
        throw new FwpException(FWP_E_CALLOUT_NOT_FOUND, "callout id " + id);
    }

    /** FwpmCalloutEnum0. */
    public synchronized List<FwpmCallout> calloutEnum(FwpmObjectEnumTemplate t) {
        List<FwpmCallout> out = new ArrayList<>();
        for (var c : read().callouts.values()) {
            FwpmCallout o = c.object();
            if (t.providerKey() != null && !t.providerKey().equals(o.providerKey())) continue;
            if (t.layerKey() != null && t.layerKey() != o.applicableLayer()) continue;
            out.add(withRegistered(o));
        }
        return out;
    }

    private FwpmCallout withRegistered(FwpmCallout c) {
        boolean reg = bfe.filterEngine().callouts().isRegistered(c.calloutKey());
        int flags = reg ? c.flags() | FwpmCallout.FWPM_CALLOUT_FLAG_REGISTERED : c.flags() & ~FwpmCallout.FWPM_CALLOUT_FLAG_REGISTERED;
        return c.withOutputs(c.calloutKey(), c.calloutId(), flags);
    }

    // ---------------------------------------------------------------- filters

    /** FwpmFilterAdd0: validates, computes the effective weight, returns the run-time filter id. */
    public synchronized long filterAdd(FwpmFilter filter) {
        return filterAddAndGet(filter).filterId();
    }

    /** Like {@link #filterAdd} but returns the stored filter (key, id and effective weight filled in). */
    public synchronized FwpmFilter filterAddAndGet(FwpmFilter filter) {
        Lifetime life = lifetime(filter.hasFlag(FilterFlags.FWPM_FILTER_FLAG_PERSISTENT));
        return write(d -> bfe.putFilter(d, filter, life, session.sessionKey(), bfe.allocateFilterId(), true));
    }

    /** FwpmFilterDeleteById0. */
    public synchronized void filterDeleteById(long id) {
        write(d -> {
            Stored<FwpmFilter> f = d.filterById(id);
            if (f == null) throw new FwpException(FWP_E_FILTER_NOT_FOUND, "filter id " + id);
            bfe.removeFilter(d, f);
            return null;
        });
    }

    /** FwpmFilterDeleteByKey0. */
    public synchronized void filterDeleteByKey(UUID key) {
        write(d -> {
            Stored<FwpmFilter> f = d.filters.get(key);
            if (f == null) throw new FwpException(FWP_E_FILTER_NOT_FOUND, "filter " + key);
            bfe.removeFilter(d, f);
            return null;
        });
    }

    /** FwpmFilterGetById0. */
    public synchronized FwpmFilter filterGetById(long id) {
        Stored<FwpmFilter> f = read().filterById(id);
        if (f == null) throw new FwpException(FWP_E_FILTER_NOT_FOUND, "filter id " + id);
        return f.object();
    }

    /** FwpmFilterGetByKey0. */
    public synchronized FwpmFilter filterGetByKey(UUID key) {
        Stored<FwpmFilter> f = read().filters.get(key);
        if (f == null) throw new FwpException(FWP_E_FILTER_NOT_FOUND, "filter " + key);
        return f.object();
    }

    /** FwpmFilterEnum0: the filters matching a template, by filter id (or arbitration order with SORTED). */
    public synchronized List<FwpmFilter> filterEnum(FwpmFilterEnumTemplate t) {
        if ((t.flags() & FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FLAG_BEST_TERMINATING_MATCH) != 0) {
            throw new FwpException(FWP_E_INVALID_FLAGS, "FWP_FILTER_ENUM_FLAG_BEST_TERMINATING_MATCH is not supported; "
                    + "use `jwfp explain` to see which filter decides given traffic");
        }
        Store s = read();
        List<FwpmFilter> out = new ArrayList<>();
        for (var e : s.filters.values()) {
            FwpmFilter f = e.object();
            if (t.layerKey() != null && f.layerKey() != t.layerKey()) continue;
            if (t.providerKey() != null && !t.providerKey().equals(f.providerKey())) continue;
            if (t.subLayerKey() != null && !t.subLayerKey().equals(f.subLayerKey())) continue;
            if (t.calloutKey() != null && !t.calloutKey().equals(f.action().calloutKey())) continue;
            boolean boot = f.hasFlag(FilterFlags.FWPM_FILTER_FLAG_BOOTTIME);
            if ((t.flags() & FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FLAG_BOOTTIME_ONLY) != 0 && !boot) continue;
            if (boot && (t.flags() & (FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FLAG_INCLUDE_BOOTTIME
                    | FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FLAG_BOOTTIME_ONLY)) == 0) continue;
            if (f.hasFlag(FilterFlags.FWPM_FILTER_FLAG_DISABLED)
                    && (t.flags() & FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FLAG_INCLUDE_DISABLED) == 0) continue;
            if (t.actionMask() != 0xFFFFFFFF && (f.action().type().code() & t.actionMask()) == 0) continue;
            if (!t.conditions().isEmpty() && t.layerKey() != null
                    && !ConditionSpaces.accepts(t.layerKey(), t.enumType(), t.conditions(), f.filterCondition())) continue;
            out.add(f);
        }
        if ((t.flags() & FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FLAG_SORTED) != 0) {
            out.sort(Comparator.<FwpmFilter>comparingInt(f -> -subLayerWeight(s, f.subLayerKey()))
                    .thenComparing(f -> f.subLayerKey())
                    .thenComparing((a, b) -> Long.compareUnsigned(b.effectiveWeight(), a.effectiveWeight()))
                    .thenComparingLong(FwpmFilter::filterId));
        } else {
            out.sort(Comparator.comparingLong(FwpmFilter::filterId));
        }
        return out;
    }

    private static int subLayerWeight(Store s, UUID key) {
        for (FwpmSubLayer b : BuiltinSublayers.ALL) if (b.subLayerKey().equals(key)) return b.weight();
        var st = s.sublayers.get(key);
        return st == null ? 0 : st.object().weight();
    }

    // ---------------------------------------------------------------- net events

    /** FwpmNetEventEnum0. */
    public List<NetEvent> netEventEnum(NetEventEnumTemplate t) {
        checkOpen();
        return bfe.netEvents().enumerate(t);
    }

    /** FwpmNetEventSubscribe0: not allowed inside a transaction (FWP_E_TXN_IN_PROGRESS). Ends with the session. */
    public synchronized NetEventLog.Subscription netEventSubscribe(NetEventEnumTemplate t, Consumer<NetEvent> callback) {
        checkOpen();
        if (txn != null) throw new FwpException(FWP_E_TXN_IN_PROGRESS, "cannot subscribe to net events inside a transaction");
        NetEventLog.Subscription s = bfe.netEvents().subscribe(t, callback);
        subscriptions.add(s);
        return s;
    }

    /** FwpmFilterSubscribeChanges0 for this session; ends with the session. */
    public synchronized AutoCloseable filterSubscribeChanges(Consumer<FilterChange> callback) {
        checkOpen();
        if (txn != null) throw new FwpException(FWP_E_TXN_IN_PROGRESS, "cannot subscribe inside a transaction");
        AutoCloseable s = bfe.subscribeFilterChanges(callback);
        subscriptions.add(s);
        return s;
    }

    // ---------------------------------------------------------------- close

    /** FwpmEngineClose0: aborts an open transaction; a dynamic session's objects are deleted. */
    @Override
    public synchronized void close() {
        if (closed) return;
        if (txn != null) transactionAbort();
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception ignored) {
                // closing a subscription cannot fail in a way the caller could act on
            }
        }
        if (session.isDynamic()) {
            UUID me = session.sessionKey();
            bfe.lockForWrite(new FwpmSession(null, null, 0, Long.MAX_VALUE / 2, 0, 0, null));
            try {
                Store d = bfe.newDraft();
                for (var f : List.copyOf(d.filters.values())) if (me.equals(f.ownerSession())) bfe.removeFilter(d, f);
                d.callouts.values().removeIf(c -> me.equals(c.ownerSession()));
                if (d.sublayers.values().removeIf(s -> me.equals(s.ownerSession()))) d.sublayersChanged = true;
                d.providers.values().removeIf(p -> me.equals(p.ownerSession()));
                bfe.commitDraft(d);
            } finally {
                bfe.unlock();
            }
        }
        closed = true;
        bfe.sessionClosed(this);
    }

    private static FwpException inUse(String what, UUID key, String by) {
        return new FwpException(FWP_E_IN_USE, what + " " + key + " is used by " + by);
    }
}

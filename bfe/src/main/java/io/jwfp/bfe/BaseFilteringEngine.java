package io.jwfp.bfe;

import static io.jwfp.engine.FwpError.*;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.bfe.netevent.NetEventFactory;
import io.jwfp.bfe.netevent.NetEventLog;
import io.jwfp.bfe.persist.StateFile;
import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.compile.ConditionCompiler;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.BuiltinSublayers;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.NotifyFn.NotifyType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.EngineState;
import io.jwfp.engine.weight.FilterWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The Base Filtering Engine: owns the policy (providers, sublayers, callouts, filters), serves management sessions,
 * runs transactions, persists persistent objects and keeps the net-event log. Every commit builds a new immutable
 * {@link EngineState} and publishes it to the {@link FilterEngine} with one write.
 *
 * <p>Open one with {@link #open(Path)} (persistent objects restored from the state directory) or
 * {@link #inMemory()}; clients call {@link #openSession(FwpmSession)} (FwpmEngineOpen0) and work through the
 * returned {@link FwpmEngine}. Thread-safe: write transactions are serialized by one engine-wide lock; reads see the
 * last committed state (or, inside a transaction, the transaction's own changes).
 */
public final class BaseFilteringEngine implements AutoCloseable {
    private final FilterEngine filterEngine;
    private final StateFile stateFile;
    /** The engine-wide writer lock; a semaphore because a session, not a thread, owns a transaction. */
    private final Semaphore writeLock = new Semaphore(1, true);
    private volatile Store committed = Store.empty();
    private final Map<UUID, FwpmEngine> sessions = new ConcurrentHashMap<>();
    private final NetEventLog netEvents;
    private final CopyOnWriteArrayList<Consumer<FilterChange>> filterChangeSubscribers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Set<Layer>>> policyChangeListeners = new CopyOnWriteArrayList<>();
    private long nextFilterId = 1;
    private long generation;
    private volatile boolean collectNetEvents = true;
    private volatile boolean collectAllows;

    private BaseFilteringEngine(FilterEngine filterEngine, Path stateDir, int netEventCapacity) {
        this.filterEngine = filterEngine;
        this.stateFile = stateDir == null ? null : new StateFile(stateDir);
        this.netEvents = new NetEventLog(netEventCapacity);
        filterEngine.setNetEventSink(this::onClassified, false);
    }

    /** An engine without a state directory: persistent objects live only as long as the process. */
    public static BaseFilteringEngine inMemory() {
        return new BaseFilteringEngine(new FilterEngine(), null, NetEventLog.DEFAULT_CAPACITY);
    }

    /** An engine whose persistent objects are saved in and restored from {@code stateDir}. */
    public static BaseFilteringEngine open(Path stateDir) {
        return open(new FilterEngine(), stateDir);
    }

    /** Opens with a given filter engine (a shim may have created it) and state directory (null: none). */
    public static BaseFilteringEngine open(FilterEngine filterEngine, Path stateDir) {
        BaseFilteringEngine bfe = new BaseFilteringEngine(filterEngine, stateDir, NetEventLog.DEFAULT_CAPACITY);
        if (bfe.stateFile != null) bfe.restore();
        return bfe;
    }

    private void restore() {
        StateFile.Contents c;
        try {
            c = stateFile.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jwfp state from " + stateFile.path() + ": " + e.getMessage(), e);
        }
        if (c == null) return;
        writeLock.acquireUninterruptibly();
        try {
            Store d = committed.draft();
            for (FwpmProvider p : c.providers()) putProvider(d, p, Lifetime.PERSISTENT, null);
            for (FwpmSubLayer s : c.sublayers()) putSubLayer(d, s, Lifetime.PERSISTENT, null);
            for (FwpmCallout co : c.callouts()) putCallout(d, co, Lifetime.PERSISTENT, null);
            for (FwpmFilter f : c.filters()) {
                nextFilterId = Math.max(nextFilterId, f.filterId() + 1);
            }
            for (FwpmFilter f : c.filters()) putFilter(d, f, Lifetime.PERSISTENT, null, f.filterId(), false);
            d.persistentChanged = false;
            commitDraft(d);
        } finally {
            writeLock.release();
        }
    }

    /** The kernel-side filter engine classification runs on. */
    public FilterEngine filterEngine() {
        return filterEngine;
    }

    /** The net-event log. */
    public NetEventLog netEvents() {
        return netEvents;
    }

    /** The state directory, or null. */
    public Path stateDirectory() {
        return stateFile == null ? null : stateFile.path().getParent();
    }

    /** FwpmEngineOpen0: opens a management session. */
    public FwpmEngine openSession(FwpmSession session) {
        return openSession(session, ProcessHandle.current().pid(), -1, System.getProperty("user.name"));
    }

    /** Opens a session on behalf of a client whose identity the caller checked (e.g. socket peer credentials). */
    public FwpmEngine openSession(FwpmSession session, long pid, int uid, String username) {
        FwpmSession s = session.withIdentity(UUID.randomUUID(), pid, uid, username);
        FwpmEngine e = new FwpmEngine(this, s);
        sessions.put(s.sessionKey(), e);
        return e;
    }

    /** FwpmSessionEnum0: the open sessions. */
    public List<FwpmSession> sessions() {
        List<FwpmSession> out = new ArrayList<>();
        for (FwpmEngine e : sessions.values()) out.add(e.session());
        return out;
    }

    /** FWPM_ENGINE_COLLECT_NET_EVENTS and the CLASSIFY_ALLOW keyword. */
    public void setNetEventCollection(boolean collect, boolean allows) {
        this.collectNetEvents = collect;
        this.collectAllows = allows;
        filterEngine.setNetEventSink(collect ? this::onClassified : null, collect && allows);
    }

    public boolean collectsNetEvents() {
        return collectNetEvents;
    }

    public boolean collectsAllows() {
        return collectAllows;
    }

    /** FwpmFilterSubscribeChanges0 (engine-wide): called after each commit, once per added or deleted filter. */
    public AutoCloseable subscribeFilterChanges(Consumer<FilterChange> callback) {
        filterChangeSubscribers.add(callback);
        return () -> filterChangeSubscribers.remove(callback);
    }

    /**
     * Called after a commit that changed filters, with the layers touched. Shims use it for policy-change
     * reauthorization of existing flows at ALE layers.
     */
    public AutoCloseable addPolicyChangeListener(Consumer<Set<Layer>> listener) {
        policyChangeListeners.add(listener);
        return () -> policyChangeListeners.remove(listener);
    }

    private void onClassified(io.jwfp.engine.value.FwpsIncomingValues in,
                              io.jwfp.engine.callout.FwpsIncomingMetadataValues meta, Object layerData,
                              io.jwfp.engine.arbitration.ClassifyResult r) {
        netEvents.record(NetEventFactory.create(in, meta, layerData, r, Instant.now()));
    }

    // ---------------------------------------------------------------- transactions

    Store committed() {
        return committed;
    }

    void lockForWrite(FwpmSession s) {
        long wait = s.txnWaitTimeoutInMSec() <= 0 ? FwpmSession.DEFAULT_TXN_WAIT_MS : s.txnWaitTimeoutInMSec();
        try {
            if (!writeLock.tryAcquire(wait, TimeUnit.MILLISECONDS)) {
                throw new FwpException(FWP_E_TIMEOUT, "another session held the write transaction lock for more than " + wait + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FwpException(FWP_E_TIMEOUT, "interrupted while waiting for the write transaction lock");
        }
    }

    void unlock() {
        writeLock.release();
    }

    Store newDraft() {
        return committed.draft();
    }

    /** Publishes a draft: persistence first (so a failed save changes nothing), then the snapshot, then notices. */
    void commitDraft(Store d) {
        if (d.persistentChanged && stateFile != null) {
            try {
                stateFile.save(persistentContents(d));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save jwfp state to " + stateFile.path() + ": " + e.getMessage(), e);
            }
        }
        List<FwpmSubLayer> subs = new ArrayList<>();
        for (Stored<FwpmSubLayer> s : d.sublayers.values()) subs.add(s.object());
        List<FwpmFilter> fs = new ArrayList<>(d.filters.size());
        for (Stored<FwpmFilter> f : d.filters.values()) fs.add(f.object());
        EngineState next = EngineState.build(filterEngine.state(), subs, fs,
                k -> filterEngine.callouts().calloutId(k), ++generation);
        committed = d.freeze();
        filterEngine.publish(next);
        for (FwpmFilter f : d.addedFilters) {
            if (!f.action().type().isCallout()) continue;
            FwpsCallout c = filterEngine.callouts().byKey(f.action().calloutKey());
            if (c != null && c.hasFlag(FwpsCallout.FWP_CALLOUT_FLAG_ENABLE_COMMIT_ADD_NOTIFY)) {
                CompiledFilter cf = next.filter(f.filterId());
                if (cf != null) c.notifyFn().notify(NotifyType.FWPS_CALLOUT_NOTIFY_ADD_FILTER_POST_COMMIT, f.filterKey(), cf);
            }
        }
        for (FilterChange ch : d.changes) for (var sub : filterChangeSubscribers) sub.accept(ch);
        if (!d.touchedLayers.isEmpty()) {
            Set<Layer> touched = Set.copyOf(d.touchedLayers);
            for (var l : policyChangeListeners) l.accept(touched);
        }
    }

    private static StateFile.Contents persistentContents(Store d) {
        List<FwpmProvider> p = new ArrayList<>();
        List<FwpmSubLayer> s = new ArrayList<>();
        List<FwpmCallout> c = new ArrayList<>();
        List<FwpmFilter> f = new ArrayList<>();
        for (var e : d.providers.values()) if (e.lifetime() == Lifetime.PERSISTENT) p.add(e.object());
        for (var e : d.sublayers.values()) if (e.lifetime() == Lifetime.PERSISTENT) s.add(e.object());
        for (var e : d.callouts.values()) if (e.lifetime() == Lifetime.PERSISTENT) c.add(e.object());
        for (var e : d.filters.values()) if (e.lifetime() == Lifetime.PERSISTENT) f.add(e.object());
        return new StateFile.Contents(p, s, c, f);
    }

    void sessionClosed(FwpmEngine e) {
        sessions.remove(e.session().sessionKey());
    }

    // ---------------------------------------------------------------- validation and mutation (on drafts)

    static Lifetime lifetimeOf(boolean persistent, FwpmSession session) {
        if (session != null && session.isDynamic()) {
            if (persistent) {
                throw new FwpException(FWP_E_LIFETIME_MISMATCH, "a dynamic session cannot add persistent objects");
            }
            return Lifetime.DYNAMIC;
        }
        return persistent ? Lifetime.PERSISTENT : Lifetime.STATIC;
    }

    /** Checks that an object of lifetime {@code from} may reference {@code to} (owned by {@code toOwner}). */
    static void checkReference(Lifetime from, UUID fromOwner, Stored<?> to, String what) {
        if (to.lifetime() == Lifetime.DYNAMIC) {
            if (from != Lifetime.DYNAMIC || !to.ownerSession().equals(fromOwner)) {
                throw new FwpException(FWP_E_LIFETIME_MISMATCH, "the " + what + " is dynamic (it dies with its session), so only "
                        + "dynamic objects of the same session may use it");
            }
            return;
        }
        if (from.ordinal() > to.lifetime().ordinal()) {
            throw new FwpException(FWP_E_LIFETIME_MISMATCH, "a " + from.name().toLowerCase() + " object cannot reference the "
                    + to.lifetime().name().toLowerCase() + " " + what);
        }
    }

    void putProvider(Store d, FwpmProvider p, Lifetime life, UUID owner) {
        if (d.providers.containsKey(p.providerKey())) {
            throw new FwpException(FWP_E_ALREADY_EXISTS, "provider " + p.providerKey() + " already exists");
        }
        d.providers.put(p.providerKey(), new Stored<>(p, life, owner));
        if (life == Lifetime.PERSISTENT) d.persistentChanged = true;
    }

    void putSubLayer(Store d, FwpmSubLayer s, Lifetime life, UUID owner) {
        if (s.weight() < 0 || s.weight() > 0xFFFF) {
            throw new FwpException(FWP_E_INVALID_WEIGHT, "sublayer weight " + s.weight() + " (expected: 0-65535)");
        }
        if (d.sublayers.containsKey(s.subLayerKey()) || BuiltinSublayers.isBuiltin(s.subLayerKey())) {
            throw new FwpException(FWP_E_ALREADY_EXISTS, "sublayer " + s.subLayerKey() + " already exists");
        }
        if (s.providerKey() != null) {
            Stored<FwpmProvider> p = d.providers.get(s.providerKey());
            if (p == null) throw new FwpException(FWP_E_PROVIDER_NOT_FOUND, "provider " + s.providerKey());
            checkReference(life, owner, p, "provider");
        }
        d.sublayers.put(s.subLayerKey(), new Stored<>(s, life, owner));
        d.sublayersChanged = true;
        if (life == Lifetime.PERSISTENT) d.persistentChanged = true;
    }

    void putCallout(Store d, FwpmCallout c, Lifetime life, UUID owner) {
        if (d.callouts.containsKey(c.calloutKey())) {
            throw new FwpException(FWP_E_ALREADY_EXISTS, "callout " + c.calloutKey() + " already exists");
        }
        if (c.providerKey() != null) {
            Stored<FwpmProvider> p = d.providers.get(c.providerKey());
            if (p == null) throw new FwpException(FWP_E_PROVIDER_NOT_FOUND, "provider " + c.providerKey());
            checkReference(life, owner, p, "provider");
        }
        int id = filterEngine.callouts().calloutId(c.calloutKey());
        int flags = c.flags() & ~FwpmCallout.FWPM_CALLOUT_FLAG_REGISTERED;
        if (life == Lifetime.PERSISTENT) flags |= FwpmCallout.FWPM_CALLOUT_FLAG_PERSISTENT;
        d.callouts.put(c.calloutKey(), new Stored<>(c.withOutputs(c.calloutKey(), id, flags), life, owner));
        if (life == Lifetime.PERSISTENT) d.persistentChanged = true;
    }

    /** Validates and stores a filter; returns it with key, id and effective weight. */
    FwpmFilter putFilter(Store d, FwpmFilter f, Lifetime life, UUID owner, long id, boolean notify) {
        UUID key = f.filterKey() == null || f.filterKey().equals(new UUID(0, 0)) ? UUID.randomUUID() : f.filterKey();
        if (d.filters.containsKey(key)) throw new FwpException(FWP_E_ALREADY_EXISTS, "filter " + key + " already exists");
        int flags = f.flags();
        if ((flags & ~FilterFlags.FWPM_FILTER_FLAGS_SUPPORTED) != 0) {
            throw new FwpException(FWP_E_INVALID_FLAGS, String.format("unknown filter flags 0x%x",
                    flags & ~FilterFlags.FWPM_FILTER_FLAGS_SUPPORTED));
        }
        boolean persistent = (flags & FilterFlags.FWPM_FILTER_FLAG_PERSISTENT) != 0;
        boolean boottime = (flags & FilterFlags.FWPM_FILTER_FLAG_BOOTTIME) != 0;
        if (persistent && boottime) {
            throw new FwpException(FWP_E_INVALID_FLAGS, "FWPM_FILTER_FLAG_PERSISTENT and FWPM_FILTER_FLAG_BOOTTIME are exclusive");
        }
        ActionType at = f.action().type();
        if (!at.isFilterAction()) {
            throw new FwpException(FWP_E_INVALID_ACTION_TYPE, at.name() + " is not a filter action (expected BLOCK, PERMIT, "
                    + "CALLOUT_TERMINATING, CALLOUT_INSPECTION or CALLOUT_UNKNOWN)");
        }
        if ((flags & FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED) != 0
                && at != ActionType.FWP_ACTION_CALLOUT_TERMINATING && at != ActionType.FWP_ACTION_CALLOUT_UNKNOWN) {
            throw new FwpException(FWP_E_INVALID_FLAGS, "FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED needs a CALLOUT_TERMINATING "
                    + "or CALLOUT_UNKNOWN action");
        }
        UUID subKey = f.subLayerKey() == null ? BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL : f.subLayerKey();
        if (!BuiltinSublayers.isBuiltin(subKey)) {
            Stored<FwpmSubLayer> s = d.sublayers.get(subKey);
            if (s == null) throw new FwpException(FWP_E_SUBLAYER_NOT_FOUND, "sublayer " + subKey);
            checkReference(life, owner, s, "sublayer");
        }
        if (f.providerKey() != null) {
            Stored<FwpmProvider> p = d.providers.get(f.providerKey());
            if (p == null) throw new FwpException(FWP_E_PROVIDER_NOT_FOUND, "provider " + f.providerKey());
            checkReference(life, owner, p, "provider");
        }
        if (at.isCallout()) {
            if (f.action().calloutKey() == null) throw new FwpException(FWP_E_CALLOUT_NOT_FOUND, "a callout action needs a callout key");
            Stored<FwpmCallout> c = d.callouts.get(f.action().calloutKey());
            if (c == null) throw new FwpException(FWP_E_CALLOUT_NOT_FOUND, "callout " + f.action().calloutKey());
            if (c.object().applicableLayer() != f.layerKey()) {
                throw new FwpException(FWP_E_INCOMPATIBLE_LAYER, "callout " + f.action().calloutKey() + " applies to "
                        + c.object().applicableLayer().name() + ", not " + f.layerKey().name());
            }
            if (boottime) throw new FwpException(FWP_E_INVALID_FLAGS, "boot-time filters cannot invoke callouts");
            checkReference(life, owner, c, "callout");
        }
        var conditions = ConditionCompiler.compile(f.layerKey(), f.filterCondition());
        long effective = FilterWeights.effectiveWeight(f.layerKey(), f.weight(), f.filterCondition());
        FwpmFilter stored = new FwpmFilter(key, f.displayData(), flags, f.providerKey(), f.providerData(), f.layerKey(),
                subKey, f.weight(), f.filterCondition(), f.action(), f.rawContext(), id, effective);
        if (notify && at.isCallout()) {
            FwpsCallout c = filterEngine.callouts().byKey(f.action().calloutKey());
            if (c != null) {
                int w = subKey.equals(BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL) ? 0x8000
                        : BuiltinSublayers.isBuiltin(subKey) ? 0 : d.sublayers.get(subKey).object().weight();
                CompiledFilter cf = new CompiledFilter(stored, conditions, w, filterEngine.callouts().calloutId(f.action().calloutKey()));
                var err = c.notifyFn().notify(NotifyType.FWPS_CALLOUT_NOTIFY_ADD_FILTER, key, cf);
                if (err != null) {
                    throw new FwpException(FWP_E_CALLOUT_NOTIFICATION_FAILED, "callout " + f.action().calloutKey()
                            + " refused the filter (" + err.name() + ")");
                }
            }
        }
        d.filters.put(key, new Stored<>(stored, life, owner));
        d.filterKeysById.put(id, key);
        d.touchedLayers.add(f.layerKey());
        d.changes.add(new FilterChange(FilterChange.Type.FWPM_CHANGE_ADD, key, id));
        d.addedFilters.add(stored);
        if (life == Lifetime.PERSISTENT) d.persistentChanged = true;
        return stored;
    }

    long allocateFilterId() {
        return nextFilterId++;
    }

    void removeFilter(Store d, Stored<FwpmFilter> s) {
        FwpmFilter f = s.object();
        if (f.action().type().isCallout()) {
            FwpsCallout c = filterEngine.callouts().byKey(f.action().calloutKey());
            CompiledFilter cf = filterEngine.state().filter(f.filterId());
            if (c != null && cf != null) c.notifyFn().notify(NotifyType.FWPS_CALLOUT_NOTIFY_DELETE_FILTER, f.filterKey(), cf);
        }
        d.filters.remove(f.filterKey());
        d.filterKeysById.remove(f.filterId());
        d.touchedLayers.add(f.layerKey());
        d.changes.add(new FilterChange(FilterChange.Type.FWPM_CHANGE_DELETE, f.filterKey(), f.filterId()));
        if (s.lifetime() == Lifetime.PERSISTENT) d.persistentChanged = true;
    }

    @Override
    public void close() {
        for (FwpmEngine e : List.copyOf(sessions.values())) e.close();
        netEvents.close();
    }

    /** Records a net event produced outside classification (e.g. by a shim's discard path). */
    public NetEvent recordNetEvent(NetEvent e) {
        return netEvents.record(e);
    }
}

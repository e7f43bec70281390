package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.kernel.AbstractFwpsKernel;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.ClassifyHandle;
import io.jwfp.engine.kernel.CompletionContext;
import io.jwfp.engine.kernel.FwpsConnectionRedirectState;
import io.jwfp.engine.kernel.FwpsInjectCompleteFn;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsStatusException;
import io.jwfp.engine.kernel.FwpsTransportSendParams;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.InjectionTags;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.kernel.RedirectHandle;
import io.jwfp.engine.layer.Layer;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketRewrite;
import io.jwfp.shim.nfqueue.RawIpSender;
import io.jwfp.shim.nfqueue.Verdict;
import io.jwfp.shim.nfqueue.VerdictSink;
import io.jwfp.shim.nfqueue.natives.Constants;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The callout runtime ({@link FwpsKernel}) on NFQUEUE. What maps onto a queued packet works; the rest answers
 * STATUS_NOT_SUPPORTED (or throws {@link FwpsStatusException} with it, for functions that return a handle), so a
 * callout written for Windows learns at once what it cannot do here. The table is in {@code docs/live-layers.md}:
 * <ul>
 *   <li>Flow contexts: supported (flows of the live flow table; flowDeleteFn when conntrack forgets the flow).</li>
 *   <li>Clones and copies: supported; a clone is a private copy, because the queue's receive buffer is reused for the
 *   next packet.</li>
 *   <li>Injection: supported in the form callouts use to modify a packet: during classifyFn, clone, modify, inject in
 *   the packet's own direction (network or transport, send or receive) and block with ABSORB; the injected packet then
 *   replaces the original (later layers see it, the verdict carries its bytes, checksums recomputed) and its
 *   completion runs after the verdict. An outbound packet injected while the original goes on, and any complete
 *   packet given to FwpsInjectNetworkSendAsync0 outside such a classification (a deferred injection), is sent through
 *   jwfp's raw socket with the INJECTED mark. Inbound injections outside that pattern, forward and stream injection:
 *   STATUS_NOT_SUPPORTED.</li>
 *   <li>Injection state: packets jwfp let through after a replacement carry the injector's handle at the later layers;
 *   packets marked INJECTED are never queued again (loop guard).</li>
 *   <li>Pend (ALE and classify), redirection, stream: not supported.</li>
 * </ul>
 *
 * <p>Thread-safe: injection calls act on the calling queue thread's pipeline; flow contexts are synchronized tables.
 */
public final class LiveKernel extends AbstractFwpsKernel {
    /** The inject functions a replacement can come from. */
    enum Kind { NETWORK_SEND, NETWORK_RECEIVE, TRANSPORT_SEND, TRANSPORT_RECEIVE }

    private final FilterEngine engine;
    private final FlowTable flows;
    private final LiveStats stats;
    private volatile RawIpSender raw;
    private volatile String rawNote = "not started";

    // Out of band: held packets, the clones they wait for, the thread that classifies them again.
    /** How long a held packet waits for the callout (see {@link #setHoldLimit}). */
    public static final Duration DEFAULT_HOLD_LIMIT = Duration.ofSeconds(5);
    /** At most this many packets are held at once; beyond it an absorbed packet is dropped as before. */
    static final int MAX_HELD = 4096;
    /** Clone or copy → the held packet it was made from. Weak: a clone the callout forgets does not keep it. */
    private final Map<NetBufferList, Hold> lineage = Collections.synchronizedMap(new WeakHashMap<>());
    private final Set<Hold> held = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Runnable> outOfBandTasks = new LinkedBlockingQueue<>();
    private volatile LiveRuntime rt;
    private volatile long holdLimitNanos = DEFAULT_HOLD_LIMIT.toNanos();
    private volatile Executor workItems = w -> Thread.ofVirtual().name("jwfp-work-item").start(w);
    private volatile Executor outOfBand = this::submitOutOfBand;
    private Thread outOfBandThread;
    private PacketPipeline outOfBandPipeline;
    private volatile boolean stopped;

    public LiveKernel(FilterEngine engine, FlowTable flows, LiveStats stats) {
        this.engine = engine;
        this.flows = flows;
        this.stats = stats;
    }

    /** The runtime the pipelines share (given by the first pipeline made with it). */
    void attach(LiveRuntime runtime) {
        if (rt == null) rt = runtime;
    }

    private static String notSupported(String what) {
        return what + " is not supported on the NFQUEUE shim (see docs/live-layers.md)";
    }

    // ------------------------------------------------------------------ injection handles and state




    // ------------------------------------------------------------------ clones

    @Override
    public NetBufferList allocateCloneNetBufferList(NetBufferList original, int allocateCloneFlags) {
        // A reference clone would share the queue's receive buffer, which the next packet overwrites: copy instead.
        return allocateNetBufferListCopy(original);
    }

    @Override
    public NetBufferList allocateNetBufferListCopy(NetBufferList original) {
        PacketPipeline p = PacketPipeline.current();
        NetBufferList c = p != null ? p.copyOfCurrent(original) : null;
        if (c == null) {
            c = original.deepCopy();
            Hold h = lineage.get(original);
            if (h != null) cloned(h, c); // a copy of a held packet's clone carries it on just as well
        }
        InjectionTags.inherit(original, c);
        return c;
    }

    @Override
    public void freeCloneNetBufferList(NetBufferList clone) {
        // The memory is garbage collected; but a held packet whose clones are all freed without an injection can never
        // go on: drop it now rather than at the hold limit (inspect frees the clones of what it blocks).
        Hold h = lineage.remove(clone);
        if (h != null && h.cloneFreed()) {
            drop(h, LiveStats.HELD_DROPPED);
        }
    }

    // ------------------------------------------------------------------ injection

    private NtStatus replace(Kind kind, boolean inbound, InjectionHandle h, NetBufferList nbl, FwpsInjectCompleteFn fn,
                             Object ctx) {
        return replace(kind, inbound, h, nbl, fn, ctx, null);
    }

    private NtStatus replace(Kind kind, boolean inbound, InjectionHandle h, NetBufferList nbl, FwpsInjectCompleteFn fn,
                             Object ctx, java.net.InetAddress remote) {
        NtStatus s = injectionHandles.check(h, nbl);
        if (!s.isSuccess()) return s;
        PacketPipeline p = PacketPipeline.current();
        if (p != null && p.isClassifying() && p.isInbound() == inbound) {
            // "Clone, modify, inject, absorb" of the packet being classified becomes its verdict (or, if the callout
            // lets the original go on, an additional packet).
            return p.offerReplacement(kind, h, nbl, fn, ctx, remote);
        }
        Hold held = lineage.get(nbl);
        if (held != null && held.inbound == inbound && held.claim()) {
            // "Absorb now, inject later": the clone of a held packet goes on in the held packet's place (its deferred
            // verdict carries the clone's bytes), after the layers below the injection point classified it.
            lineage.remove(nbl);
            whenSettled(held, () -> injectHeld(held, kind, h, nbl, fn, ctx, remote));
            return NtStatus.STATUS_SUCCESS;
        }
        if (kind == Kind.NETWORK_SEND) {
            // A complete packet of the callout's own (deferred, or unrelated to the packet in classification).
            byte[] bytes = nbl.toByteArray();
            MemorySegment seg = MemorySegment.ofArray(bytes);
            NtStatus status = PacketRewrite.fixLengthsAndChecksums(seg, bytes.length)
                    ? sendOwn(seg, 0, bytes.length) : NtStatus.STATUS_INVALID_PARAMETER;
            if (status.isSuccess()) {
                InjectionTags.markInjected(h, nbl);
                if (fn != null) fn.complete(ctx, nbl, status, false);
            } else {
                stats.increment(LiveStats.INJECTIONS_REFUSED);
            }
            return status;
        }
        // Transport sends of other lists have no IP header to go with them; inbound packets that do not replace a
        // queued one cannot be delivered from user space.
        stats.increment(LiveStats.INJECTIONS_REFUSED);
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    // ------------------------------------------------------------------ out of band: held packets

    /** A clone of the packet {@code h} may become was made (by the pipeline classifying it). */
    void cloned(Hold h, NetBufferList clone) {
        h.addClone();
        lineage.put(clone, h);
    }

    /** FwpsPendOperation0 on the packet {@code h} may become, classified at {@code layer}. */
    Hold.Pend pend(Hold h, Layer layer, boolean withoutPacket) {
        Hold.Pend p = new Hold.Pend(nextId(), h, layer, withoutPacket);
        h.setPend(p);
        stats.increment(LiveStats.PENDED);
        return p;
    }

    /**
     * The classification of {@code h}'s packet ended absorbed: hold it (no verdict now) unless the callout let go of
     * it meanwhile or too many are held. Returns true when held. Work parked while it was classified runs either way.
     */
    boolean hold(Hold h, byte[] bytes, int packetId, int hook, int mark, int inIf, int outIf, int uid,
                 DeferredVerdicts target) {
        h.bytes = bytes;
        h.packetId = packetId;
        h.hook = hook;
        h.mark = mark;
        h.inIf = inIf;
        h.outIf = outIf;
        h.uid = uid;
        h.target = target;
        h.heldAtNanos = System.nanoTime();
        boolean room = held.size() < MAX_HELD;
        List<Runnable> parked = h.settle(room);
        boolean kept = h.state() == Hold.State.HELD;
        if (kept) {
            held.add(h);
            stats.increment(LiveStats.HELD);
        }
        for (Runnable r : parked) outOfBand.execute(r);
        return kept;
    }

    /** The packet {@code h} stood for got its verdict at once (it was not absorbed): clones are plain copies now. */
    void release(Hold h) {
        for (Runnable r : h.settle(false)) outOfBand.execute(r);
    }

    /** A held packet was held anew by its own resumed classification (a later layer absorbed it again). */
    void retire(Hold h) {
        if (h.finish()) held.remove(h);
    }

    /** Gives a held packet's deferred verdict (once); false if it had one already. */
    boolean finish(Hold h, int verdictCode, int options, int mark, MemorySegment payload, long off, int len) {
        if (!h.finish()) return false;
        held.remove(h);
        try {
            h.target.complete(h.packetId, verdictCode, (options & VerdictSink.WITH_MARK) != 0, mark,
                    (options & VerdictSink.WITH_PAYLOAD) != 0 ? payload : null, off, len);
        } catch (RuntimeException e) {
            stats.increment(LiveStats.OUT_OF_BAND_FAILURES); // the queue is gone (jwfpd stops): the kernel drops it
            return false;
        }
        stats.increment(verdictCode == Verdict.DROP.code() ? LiveStats.HELD_DROPPED : LiveStats.HELD_RELEASED);
        return true;
    }

    private void drop(Hold h, int counter) {
        if (!h.finish()) return;
        held.remove(h);
        try {
            h.target.complete(h.packetId, Verdict.DROP.code(), false, 0, null, 0, -1);
            stats.increment(counter);
        } catch (RuntimeException e) {
            stats.increment(LiveStats.OUT_OF_BAND_FAILURES);
        }
    }

    /** Runs {@code task} out of band once {@code h} is settled (parked while its packet is still classified). */
    private void whenSettled(Hold h, Runnable task) {
        if (!h.park(task)) outOfBand.execute(task);
    }

    /** Out of band: the callout injected the clone of a held packet. */
    private void injectHeld(Hold h, Kind kind, InjectionHandle handle, NetBufferList list, FwpsInjectCompleteFn fn,
                            Object ctx, InetAddress remote) {
        NtStatus status = NtStatus.STATUS_SUCCESS;
        if (h.state() != Hold.State.HELD) {
            status = NtStatus.STATUS_FWP_TCPIP_NOT_READY; // dropped at the hold limit, or the pipeline refused to hold
        } else {
            io.jwfp.packet.ParsedPacket original = new io.jwfp.packet.ParsedPacket();
            MemorySegment o = MemorySegment.ofArray(h.bytes);
            byte[] bytes = io.jwfp.packet.PacketParser.parseIp(o, 0, h.bytes.length, original)
                    ? PacketPipeline.packetOf(kind, list, remote, o, 0, original.ipHeaderSize(), original.ipVersion())
                    : null;
            if (bytes == null) {
                status = NtStatus.STATUS_INVALID_PARAMETER;
                drop(h, LiveStats.HELD_DROPPED);
            } else {
                InjectionTags.markInjected(handle, list);
                try {
                    pipeline().resume(h, bytes, kind, handle, false);
                } catch (RuntimeException | Error e) {
                    drop(h, LiveStats.HELD_DROPPED); // a callout threw: the packet must not wait forever
                    throw e;
                }
            }
        }
        if (!status.isSuccess()) stats.increment(LiveStats.INJECTIONS_REFUSED);
        if (fn != null) fn.complete(ctx, list, status, false);
    }

    /** Out of band: FwpsCompleteOperation0 of a pended connect or accept. */
    private void completePend(Hold.Pend p, NetBufferList clone) {
        Hold h = p.hold;
        if (h.bytes == null) return; // the callout pended but did not absorb: the packet went on at once
        if (p.isConnect()) {
            if (p.withoutPacket) {
                // A TCP connect: the reauthorization decides, and the SYN goes on (or is dropped) as it says.
                if (h.state() == Hold.State.HELD) {
                    pipeline().resume(h, h.bytes, null, null, true);
                } else {
                    pipeline().reauthorizeConnect(h); // the packet is gone; the reauthorization is still classified
                }
                return;
            }
            // A datagram connect: the callout absorbed the first datagram and injects its clone once permitted.
            boolean permitted = pipeline().reauthorizeConnect(h);
            if (!permitted || !h.carried()) drop(h, LiveStats.HELD_DROPPED);
            return;
        }
        // An accept: no reauthorization now; the clone the callout passes is receive-injected and reauthorized then
        // (CLASSIFY_COMPLETION). Without one the callout does not carry the packet on.
        if (clone == null) {
            drop(h, LiveStats.HELD_DROPPED);
        } else {
            h.setReauthOnInjection();
        }
    }

    private synchronized PacketPipeline pipeline() {
        if (outOfBandPipeline == null) {
            LiveRuntime r = rt;
            if (r == null) throw new IllegalStateException("no pipeline runtime attached");
            outOfBandPipeline = new PacketPipeline(r, null);
        }
        return outOfBandPipeline;
    }

    /** The default out-of-band executor: one thread, started on first use, that also sweeps expired holds. */
    private void submitOutOfBand(Runnable task) {
        synchronized (this) {
            if (outOfBandThread == null && !stopped) {
                outOfBandThread = Thread.ofPlatform().daemon(true).name("jwfp-out-of-band").start(this::runOutOfBand);
            }
        }
        outOfBandTasks.add(task);
    }

    private void runOutOfBand() {
        long nextSweep = System.nanoTime();
        while (!stopped) {
            Runnable r;
            try {
                r = outOfBandTasks.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (r != null) {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    stats.increment(LiveStats.OUT_OF_BAND_FAILURES);
                }
            }
            long now = System.nanoTime();
            if (now - nextSweep >= 0) {
                expireHolds(now);
                nextSweep = now + TimeUnit.MILLISECONDS.toNanos(100);
            }
        }
    }

    /** Drops held packets the callout did nothing with for longer than the hold limit; returns how many. */
    int expireHolds(long nowNanos) {
        int n = 0;
        long deadline = nowNanos - holdLimitNanos;
        for (Hold h : held) {
            if (h.expired(deadline)) {
                drop(h, LiveStats.HELD_EXPIRED);
                n++;
            }
        }
        return n;
    }

    /** Packets held now. */
    int heldCount() {
        return held.size();
    }

    /** How long a held packet may wait for its callout before it is dropped (counted as heldExpired). */
    public void setHoldLimit(Duration limit) {
        holdLimitNanos = limit.toNanos();
    }

    /** For tests: where work items and out-of-band steps run (e.g. queues the test drains itself). */
    void useExecutors(Executor workItems, Executor outOfBand) {
        this.workItems = workItems;
        this.outOfBand = outOfBand;
    }

    /** Drops every held packet and stops the out-of-band thread (before the queues close). */
    void stopOutOfBand() {
        stopped = true;
        for (Hold h : held) drop(h, LiveStats.HELD_DROPPED);
        Thread t;
        synchronized (this) {
            t = outOfBandThread;
        }
        if (t != null) t.interrupt();
    }

    /** Gives the kernel its raw sender (or why there is none). */
    void setRawSender(RawIpSender sender, String note) {
        this.raw = sender;
        this.rawNote = note;
    }

    /** How jwfp sends packets of its own, for status. */
    String rawSenderStatus() {
        return raw != null ? "raw sockets, mark " + Marks.hex(Marks.INJECTED) : rawNote;
    }

    /**
     * Sends a complete IP packet (checksums right) of jwfp's own through the raw socket. It carries the INJECTED mark,
     * so jwfp's rules never queue it again (the loop guard).
     */
    NtStatus sendOwn(MemorySegment seg, long off, int len) {
        RawIpSender r = raw;
        if (r == null) return NtStatus.STATUS_NOT_SUPPORTED;
        int err = r.send(seg, off, len);
        if (err == 0) {
            stats.increment(LiveStats.INJECTED_OWN);
            return NtStatus.STATUS_SUCCESS;
        }
        return err == Constants.EINVAL || err == Constants.EMSGSIZE ? NtStatus.STATUS_INVALID_PARAMETER
                : NtStatus.STATUS_FWP_TCPIP_NOT_READY; // no route, or the stack refused it
    }

    @Override
    public NtStatus injectNetworkSendAsync(InjectionHandle h, Object injectionContext, int flags, int compartmentId,
                                           NetBufferList nbl, FwpsInjectCompleteFn completionFn, Object completionContext) {
        return replace(Kind.NETWORK_SEND, false, h, nbl, completionFn, completionContext);
    }

    @Override
    public NtStatus injectNetworkReceiveAsync(InjectionHandle h, Object injectionContext, int flags, int compartmentId,
                                              int interfaceIndex, int subInterfaceIndex, NetBufferList nbl,
                                              FwpsInjectCompleteFn completionFn, Object completionContext) {
        return replace(Kind.NETWORK_RECEIVE, true, h, nbl, completionFn, completionContext);
    }

    @Override
    public NtStatus injectForwardAsync(InjectionHandle h, Object injectionContext, int flags, AddressFamily addressFamily,
                                       int compartmentId, int interfaceIndex, NetBufferList nbl,
                                       FwpsInjectCompleteFn completionFn, Object completionContext) {
        stats.increment(LiveStats.INJECTIONS_REFUSED);
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    @Override
    public NtStatus injectTransportSendAsync(InjectionHandle h, Object injectionContext, long endpointHandle, int flags,
                                             FwpsTransportSendParams sendArgs, AddressFamily addressFamily,
                                             int compartmentId, NetBufferList nbl, FwpsInjectCompleteFn completionFn,
                                             Object completionContext) {
        return replace(Kind.TRANSPORT_SEND, false, h, nbl, completionFn, completionContext,
                sendArgs == null ? null : sendArgs.remoteAddress);
    }

    @Override
    public NtStatus injectTransportReceiveAsync(InjectionHandle h, Object injectionContext, Object reserved, int flags,
                                                AddressFamily addressFamily, int compartmentId, int interfaceIndex,
                                                int subInterfaceIndex, NetBufferList nbl,
                                                FwpsInjectCompleteFn completionFn, Object completionContext) {
        return replace(Kind.TRANSPORT_RECEIVE, true, h, nbl, completionFn, completionContext);
    }

    @Override
    public NtStatus streamInjectAsync(InjectionHandle h, Object injectionContext, int flags, long flowId, int calloutId,
                                      int layerId, int streamFlags, NetBufferList nbl, long dataLength,
                                      FwpsInjectCompleteFn completionFn, Object completionContext) {
        stats.increment(LiveStats.INJECTIONS_REFUSED);
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    @Override
    public NtStatus streamContinue(long flowId, int calloutId, int layerId, int streamFlags) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    // ------------------------------------------------------------------ flow contexts

    @Override
    public NtStatus flowAssociateContext(long flowId, int layerId, int calloutId, long flowContext) {
        return engine.flowAssociateContext(flowId, layerId, calloutId, flowContext, flows.byHandle(flowId) != null);
    }

    @Override
    public NtStatus flowRemoveContext(long flowId, int layerId, int calloutId) {
        return engine.flowRemoveContext(flowId, layerId, calloutId);
    }

    // ------------------------------------------------------------------ work items

    /** On a virtual thread of its own (callouts keep their own queue when they need an order). */
    @Override
    public void queueWorkItem(Runnable work) {
        stats.increment(LiveStats.WORK_ITEMS);
        workItems.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                stats.increment(LiveStats.OUT_OF_BAND_FAILURES);
            }
        });
    }

    // ------------------------------------------------------------------ pend / complete (ALE connect, recv-accept)

    /**
     * Pends the initial ALE_AUTH_CONNECT / ALE_AUTH_RECV_ACCEPT classification in progress: the callout absorbs, and
     * the queued packet is held (its verdict deferred) until {@link #completeOperation}.
     */
    @Override
    public CompletionContext pendOperation(Object completionHandle) {
        if (completionHandle == null) {
            throw new FwpsStatusException(NtStatus.STATUS_FWP_CANNOT_PEND,
                    "no completion handle (a reauthorization, or a layer that cannot pend)");
        }
        PacketPipeline p = PacketPipeline.current();
        if (p == null || !p.isPendToken(completionHandle)) {
            throw new FwpsStatusException(NtStatus.STATUS_INVALID_PARAMETER,
                    "not the completion handle of the classification in progress");
        }
        Hold.Pend pend = p.pend();
        if (pend == null) throw new FwpsStatusException(NtStatus.STATUS_FWP_ALREADY_EXISTS, "already pended");
        return pend;
    }

    /**
     * Completes a pended operation, from any thread. A connect is reauthorized (IS_REAUTHORIZE, CLASSIFY_COMPLETION):
     * a TCP SYN then goes on or is dropped as the reauthorization says; a datagram stays absorbed, for the callout to
     * inject its clone. An accept completed with the cloned packet waits for the callout to receive-inject it (which
     * is reauthorized then); completed without one, the held packet is dropped.
     */
    @Override
    public void completeOperation(CompletionContext completionContext, NetBufferList netBufferList) {
        if (!(completionContext instanceof Hold.Pend p) || !p.complete()) {
            throw new FwpsStatusException(NtStatus.STATUS_INVALID_PARAMETER, "unknown or completed operation");
        }
        whenSettled(p.hold, () -> completePend(p, netBufferList));
    }

    @Override
    public ClassifyHandle acquireClassifyHandle(ClassifyContext classifyContext, int flags) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsAcquireClassifyHandle0"));
    }

    @Override
    public void releaseClassifyHandle(ClassifyHandle classifyHandle) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsReleaseClassifyHandle0"));
    }

    @Override
    public NtStatus pendClassify(ClassifyHandle classifyHandle, long filterId, int flags, FwpsClassifyOut classifyOut) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    @Override
    public void completeClassify(ClassifyHandle classifyHandle, int flags, FwpsClassifyOut classifyOut) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsCompleteClassify0"));
    }

    @Override
    public Object acquireWritableLayerDataPointer(ClassifyHandle classifyHandle, long filterId, int flags,
                                                  FwpsClassifyOut classifyOut) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED,
                notSupported("FwpsAcquireWritableLayerDataPointer0 (connect/bind redirection)"));
    }

    @Override
    public void applyModifiedLayerData(ClassifyHandle classifyHandle, Object modifiedLayerData, int flags) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsApplyModifiedLayerData0"));
    }

    @Override
    public RedirectHandle redirectHandleCreate(UUID providerGuid, int flags) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsRedirectHandleCreate0"));
    }

    @Override
    public void redirectHandleDestroy(RedirectHandle redirectHandle) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsRedirectHandleDestroy0"));
    }

    @Override
    public FwpsConnectionRedirectState queryConnectionRedirectState(Object redirectRecords, RedirectHandle redirectHandle) {
        return FwpsConnectionRedirectState.FWPS_CONNECTION_NOT_REDIRECTED; // nothing is ever redirected here
    }
}

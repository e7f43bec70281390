package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FlowDeleteFn;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.ClassifyHandle;
import io.jwfp.engine.kernel.CompletionContext;
import io.jwfp.engine.kernel.FwpsConnectionRedirectState;
import io.jwfp.engine.kernel.FwpsInjectCompleteFn;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.FwpsStatusException;
import io.jwfp.engine.kernel.FwpsTransportSendParams;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.InjectionHandles;
import io.jwfp.engine.kernel.InjectionTags;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.kernel.RedirectHandle;
import io.jwfp.packet.NetBufferList;
import io.jwfp.shim.nfqueue.RawIpSender;
import io.jwfp.shim.nfqueue.natives.Constants;
import java.lang.foreign.MemorySegment;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

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
public final class LiveKernel implements FwpsKernel {
    /** The inject functions a replacement can come from. */
    enum Kind { NETWORK_SEND, NETWORK_RECEIVE, TRANSPORT_SEND, TRANSPORT_RECEIVE }

    private final FilterEngine engine;
    private final FlowTable flows;
    private final LiveStats stats;
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final InjectionHandles injectionHandles = new InjectionHandles(nextHandle::getAndIncrement);
    private volatile RawIpSender raw;
    private volatile String rawNote = "not started";

    public LiveKernel(FilterEngine engine, FlowTable flows, LiveStats stats) {
        this.engine = engine;
        this.flows = flows;
        this.stats = stats;
    }

    private static String notSupported(String what) {
        return what + " is not supported on the NFQUEUE shim (see docs/live-layers.md)";
    }

    // ------------------------------------------------------------------ injection handles and state

    @Override
    public InjectionHandle injectionHandleCreate(AddressFamily addressFamily, int flags) {
        return injectionHandles.create(addressFamily, flags);
    }

    @Override
    public NtStatus injectionHandleDestroy(InjectionHandle injectionHandle) {
        return injectionHandles.destroy(injectionHandle);
    }

    @Override
    public FwpsPacketInjectionState queryPacketInjectionState(InjectionHandle injectionHandle, NetBufferList nbl) {
        return InjectionTags.state(injectionHandle, nbl);
    }

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
        if (c == null) c = original.deepCopy();
        InjectionTags.inherit(original, c);
        return c;
    }

    @Override
    public void freeCloneNetBufferList(NetBufferList clone) {
        // Garbage collected.
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
        // Transport sends need the original's IP header; receives cannot be delivered from user space.
        stats.increment(LiveStats.INJECTIONS_REFUSED);
        return NtStatus.STATUS_NOT_SUPPORTED;
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
        FwpsCallout c = engine.callouts().byId(calloutId);
        if (c == null) return NtStatus.STATUS_FWP_CALLOUT_NOT_FOUND;
        if (c.flowDeleteFn() == FlowDeleteFn.NONE) return NtStatus.STATUS_INVALID_PARAMETER;
        if (flows.byHandle(flowId) == null) return NtStatus.STATUS_INVALID_PARAMETER;
        return engine.flowContexts().associate(flowId, layerId, calloutId, flowContext)
                ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_OBJECT_NAME_EXISTS;
    }

    @Override
    public NtStatus flowRemoveContext(long flowId, int layerId, int calloutId) {
        return engine.flowRemoveContext(flowId, layerId, calloutId);
    }

    // ------------------------------------------------------------------ pend, redirect: not on NFQUEUE

    @Override
    public CompletionContext pendOperation(Object completionHandle) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsPendOperation0"));
    }

    @Override
    public void completeOperation(CompletionContext completionContext, NetBufferList netBufferList) {
        throw new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, notSupported("FwpsCompleteOperation0"));
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

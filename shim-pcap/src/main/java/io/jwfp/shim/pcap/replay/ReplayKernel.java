package io.jwfp.shim.pcap.replay;

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
import io.jwfp.packet.NetBufferList;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.UUID;

/**
 * The callout runtime ({@link FwpsKernel}) of a capture replay. A replay has no stack to hand packets to, so injection
 * means "this packet goes on in the capture":
 * <ul>
 *   <li>Clones and copies: private copies (the capture is mapped read-only).</li>
 *   <li>Injection during classifyFn in the packet's own direction, followed by BLOCK with ABSORB: the injected packet
 *   replaces the original (later layers see it; it is written modified, checksums recomputed), as on the NFQUEUE
 *   shim. Any other injection of a packet jwfp can complete (network send or receive, transport receive; a transport
 *   send made during a classification, whose IP header comes from the packet being classified) is classified as a
 *   packet of its own right after the current record, from the layer below the injection point, and written when
 *   permitted.</li>
 *   <li>Work items: run on the replay's thread after the current record, in the order queued (deterministic).</li>
 *   <li>Flow contexts: supported; flowDeleteFn runs when a flow ends (a new connection on its 5-tuple, a datagram
 *   flow idle for {@link Replay#DATAGRAM_IDLE_NANOS}) and at the end of the replay.</li>
 *   <li>Pend (ALE and classify), redirection, forward and stream injection, stream continue: STATUS_NOT_SUPPORTED.</li>
 * </ul>
 *
 * <p>Not thread-safe: callouts call it on the replay's thread (classifyFn and work items).
 */
final class ReplayKernel extends AbstractFwpsKernel {
    /** The inject functions, which tell where an injected packet re-enters the path. */
    enum Kind { NETWORK_SEND, NETWORK_RECEIVE, TRANSPORT_SEND, TRANSPORT_RECEIVE }

    private final FilterEngine engine;
    private final ArrayDeque<Runnable> workItems = new ArrayDeque<>();
    private Replay replay;

    ReplayKernel(FilterEngine engine) {
        this.engine = engine;
    }

    void attach(Replay r) {
        this.replay = r;
    }

    private static FwpsStatusException notSupported(String what) {
        return new FwpsStatusException(NtStatus.STATUS_NOT_SUPPORTED, what + " is not supported by jwfp replay (see docs/replay.md)");
    }

    /** Runs the work items queued so far and those they queue; false if there were none. */
    boolean runWorkItems() {
        if (workItems.isEmpty()) return false;
        Runnable r;
        while ((r = workItems.poll()) != null) r.run();
        return true;
    }

    @Override
    public void queueWorkItem(Runnable work) {
        workItems.add(work);
    }




    @Override
    public NetBufferList allocateCloneNetBufferList(NetBufferList original, int allocateCloneFlags) {
        return allocateNetBufferListCopy(original); // the capture is mapped read-only: a clone must be a copy
    }

    @Override
    public NetBufferList allocateNetBufferListCopy(NetBufferList original) {
        NetBufferList c = replay != null ? replay.copyOfCurrent(original) : null;
        if (c == null) c = original.deepCopy();
        InjectionTags.inherit(original, c);
        return c;
    }

    @Override
    public void freeCloneNetBufferList(NetBufferList clone) {}

    private NtStatus inject(Kind kind, InjectionHandle h, NetBufferList nbl, FwpsInjectCompleteFn fn, Object ctx,
                            InetAddress remote) {
        NtStatus s = injectionHandles.check(h, nbl);
        if (!s.isSuccess()) return s;
        if (replay == null) return NtStatus.STATUS_FWP_TCPIP_NOT_READY;
        return replay.injected(kind, h, nbl, fn, ctx, remote);
    }

    @Override
    public NtStatus injectNetworkSendAsync(InjectionHandle h, Object injectionContext, int flags, int compartmentId,
                                           NetBufferList nbl, FwpsInjectCompleteFn completionFn, Object completionContext) {
        return inject(Kind.NETWORK_SEND, h, nbl, completionFn, completionContext, null);
    }

    @Override
    public NtStatus injectNetworkReceiveAsync(InjectionHandle h, Object injectionContext, int flags, int compartmentId,
                                              int interfaceIndex, int subInterfaceIndex, NetBufferList nbl,
                                              FwpsInjectCompleteFn completionFn, Object completionContext) {
        return inject(Kind.NETWORK_RECEIVE, h, nbl, completionFn, completionContext, null);
    }

    @Override
    public NtStatus injectForwardAsync(InjectionHandle h, Object injectionContext, int flags, AddressFamily addressFamily,
                                       int compartmentId, int interfaceIndex, NetBufferList nbl,
                                       FwpsInjectCompleteFn completionFn, Object completionContext) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    @Override
    public NtStatus injectTransportSendAsync(InjectionHandle h, Object injectionContext, long endpointHandle, int flags,
                                             FwpsTransportSendParams sendArgs, AddressFamily addressFamily,
                                             int compartmentId, NetBufferList nbl, FwpsInjectCompleteFn completionFn,
                                             Object completionContext) {
        return inject(Kind.TRANSPORT_SEND, h, nbl, completionFn, completionContext,
                sendArgs == null ? null : sendArgs.remoteAddress);
    }

    @Override
    public NtStatus injectTransportReceiveAsync(InjectionHandle h, Object injectionContext, Object reserved, int flags,
                                                AddressFamily addressFamily, int compartmentId, int interfaceIndex,
                                                int subInterfaceIndex, NetBufferList nbl,
                                                FwpsInjectCompleteFn completionFn, Object completionContext) {
        return inject(Kind.TRANSPORT_RECEIVE, h, nbl, completionFn, completionContext, null);
    }

    @Override
    public NtStatus streamInjectAsync(InjectionHandle h, Object injectionContext, int flags, long flowId, int calloutId,
                                      int layerId, int streamFlags, NetBufferList nbl, long dataLength,
                                      FwpsInjectCompleteFn completionFn, Object completionContext) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    @Override
    public NtStatus streamContinue(long flowId, int calloutId, int layerId, int streamFlags) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    @Override
    public NtStatus flowAssociateContext(long flowId, int layerId, int calloutId, long flowContext) {
        return engine.flowAssociateContext(flowId, layerId, calloutId, flowContext,
                replay != null && replay.flowExists(flowId));
    }

    @Override
    public NtStatus flowRemoveContext(long flowId, int layerId, int calloutId) {
        return engine.flowRemoveContext(flowId, layerId, calloutId);
    }

    @Override
    public CompletionContext pendOperation(Object completionHandle) {
        throw notSupported("FwpsPendOperation0");
    }

    @Override
    public void completeOperation(CompletionContext completionContext, NetBufferList netBufferList) {
        throw notSupported("FwpsCompleteOperation0");
    }

    @Override
    public ClassifyHandle acquireClassifyHandle(ClassifyContext classifyContext, int flags) {
        throw notSupported("FwpsAcquireClassifyHandle0");
    }

    @Override
    public void releaseClassifyHandle(ClassifyHandle classifyHandle) {
        throw notSupported("FwpsReleaseClassifyHandle0");
    }

    @Override
    public NtStatus pendClassify(ClassifyHandle classifyHandle, long filterId, int flags, FwpsClassifyOut classifyOut) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    @Override
    public void completeClassify(ClassifyHandle classifyHandle, int flags, FwpsClassifyOut classifyOut) {
        throw notSupported("FwpsCompleteClassify0");
    }

    @Override
    public Object acquireWritableLayerDataPointer(ClassifyHandle classifyHandle, long filterId, int flags,
                                                  FwpsClassifyOut classifyOut) {
        throw notSupported("FwpsAcquireWritableLayerDataPointer0 (connect/bind redirection)");
    }

    @Override
    public void applyModifiedLayerData(ClassifyHandle classifyHandle, Object modifiedLayerData, int flags) {
        throw notSupported("FwpsApplyModifiedLayerData0");
    }

    @Override
    public RedirectHandle redirectHandleCreate(UUID providerGuid, int flags) {
        throw notSupported("FwpsRedirectHandleCreate0");
    }

    @Override
    public void redirectHandleDestroy(RedirectHandle redirectHandle) {
        throw notSupported("FwpsRedirectHandleDestroy0");
    }

    @Override
    public FwpsConnectionRedirectState queryConnectionRedirectState(Object redirectRecords, RedirectHandle redirectHandle) {
        return FwpsConnectionRedirectState.FWPS_CONNECTION_NOT_REDIRECTED;
    }
}

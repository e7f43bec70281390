package io.jwfp.shim.sim;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.kernel.AbstractFwpsKernel;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.ClassifyHandle;
import io.jwfp.engine.kernel.CompletionContext;
import io.jwfp.engine.kernel.FwpsBindRequest;
import io.jwfp.engine.kernel.FwpsConnectRequest;
import io.jwfp.engine.kernel.FwpsConnectionRedirectState;
import io.jwfp.engine.kernel.FwpsInjectCompleteFn;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsStatusException;
import io.jwfp.engine.kernel.FwpsStreamData;
import io.jwfp.engine.kernel.FwpsTransportSendParams;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.InjectionTags;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.kernel.RedirectHandle;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.LayerState;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.packet.NetBufferList;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The simulated network's {@link FwpsKernel}, one per host. Injected lists are tagged with their injectors (so
 * {@link #queryPacketInjectionState} can tell self from others, and earlier selves) and re-enter the host's path as
 * an event at the point each function names; stream injection is processed at once, in order with the stream. Runs
 * on the simulation's thread only.
 */
final class SimKernel extends AbstractFwpsKernel {
    /** One redirection of a connection (a REDIRECT_RECORD entry). */
    public record RedirectRecord(RedirectHandle handle, long filterId, InetSocketAddress originalDestination,
                                 InetSocketAddress newDestination, long localRedirectTargetPid) {}

    /** A pended ALE operation. */
    static final class Completion implements CompletionContext {
        final long id;
        final Indication indication;
        Runnable onComplete;
        boolean completed;

        Completion(long id, Indication indication) {
            this.id = id;
            this.indication = indication;
        }

        @Override
        public long id() {
            return id;
        }
    }

    private record SimClassifyHandle(long id, Indication indication) implements ClassifyHandle {}

    private final SimHost host;
    private final Set<Long> liveRedirect = new HashSet<>();

    SimKernel(SimHost host) {
        this.host = host;
    }

    // ---------------------------------------------------------------- injection handles and state




    private NtStatus tag(InjectionHandle h, NetBufferList nbl) {
        NtStatus s = injectionHandles.check(h, nbl);
        if (!s.isSuccess()) return s;
        InjectionTags.markInjected(h, nbl);
        return NtStatus.STATUS_SUCCESS;
    }

    // ---------------------------------------------------------------- clones

    @Override
    public NetBufferList allocateCloneNetBufferList(NetBufferList original, int allocateCloneFlags) {
        NetBufferList c = original.clone();
        InjectionTags.inherit(original, c);
        return c;
    }

    @Override
    public NetBufferList allocateNetBufferListCopy(NetBufferList original) {
        NetBufferList c = original.deepCopy();
        InjectionTags.inherit(original, c);
        return c;
    }

    @Override
    public void freeCloneNetBufferList(NetBufferList clone) {
        // Garbage collected.
    }

    // ---------------------------------------------------------------- injection

    /** Tags the list and queues its re-entry into the host's path; the completion follows the path. */
    private NtStatus queue(InjectionHandle h, NetBufferList nbl, Runnable path, FwpsInjectCompleteFn fn, Object ctx) {
        NtStatus s = tag(h, nbl);
        if (!s.isSuccess()) return s;
        host.network().clock().scheduleNanos(0, () -> {
            path.run();
            if (fn != null) fn.complete(ctx, nbl, NtStatus.STATUS_SUCCESS, false);
        });
        return s;
    }

    @Override
    public NtStatus injectNetworkSendAsync(InjectionHandle h, Object injectionContext, int flags, int compartmentId,
                                           NetBufferList nbl, FwpsInjectCompleteFn completionFn,
                                           Object completionContext) {
        return queue(h, nbl, () -> host.ipSend(host.injectedPacket(nbl)), completionFn, completionContext);
    }

    @Override
    public NtStatus injectNetworkReceiveAsync(InjectionHandle h, Object injectionContext, int flags,
                                              int compartmentId, int interfaceIndex, int subInterfaceIndex,
                                              NetBufferList nbl, FwpsInjectCompleteFn completionFn,
                                              Object completionContext) {
        SimInterface iface = host.interfaceByIndex(interfaceIndex);
        if (iface == null) return NtStatus.STATUS_INVALID_PARAMETER;
        return queue(h, nbl, () -> host.ipReceive(host.injectedPacket(nbl), iface), completionFn, completionContext);
    }

    @Override
    public NtStatus injectForwardAsync(InjectionHandle h, Object injectionContext, int flags,
                                       AddressFamily addressFamily, int compartmentId, int interfaceIndex,
                                       NetBufferList nbl, FwpsInjectCompleteFn completionFn,
                                       Object completionContext) {
        SimInterface iface = host.interfaceByIndex(interfaceIndex);
        if (iface == null || iface.isLoopback()) return NtStatus.STATUS_INVALID_PARAMETER;
        return queue(h, nbl, () -> host.forwardOut(host.injectedPacket(nbl), iface), completionFn, completionContext);
    }

    @Override
    public NtStatus injectTransportSendAsync(InjectionHandle h, Object injectionContext, long endpointHandle,
                                             int flags, FwpsTransportSendParams sendArgs,
                                             AddressFamily addressFamily, int compartmentId, NetBufferList nbl,
                                             FwpsInjectCompleteFn completionFn, Object completionContext) {
        Endpoint ep = host.endpoint(endpointHandle);
        if (ep == null) return NtStatus.STATUS_INVALID_PARAMETER; // the endpoint is gone (seed-samples §9.1)
        byte[] transport = new byte[(int) nbl.dataLength()];
        MemorySegment.copy(nbl.segment(), ValueLayout.JAVA_BYTE, nbl.dataOffset(), transport, 0, transport.length);
        InetAddress remote = sendArgs != null && sendArgs.remoteAddress != null ? sendArgs.remoteAddress
                : ep instanceof TcpSocket t && t.remote != null ? t.remote.getAddress() : null;
        if (remote == null) return NtStatus.STATUS_INVALID_PARAMETER;
        InetAddress local = ep.local != null && !ep.local.getAddress().isAnyLocalAddress() ? ep.local.getAddress()
                : host.sourceFor(remote);
        byte[] ip = withIpHeader(local, remote, ep.protocol, transport);
        NetBufferList out = NetBufferList.wrap(ip);
        InjectionTags.inherit(nbl, out);
        NtStatus s = tag(h, out);
        if (!s.isSuccess()) return s;
        // The stack holds the endpoint from here on: a socket closed meanwhile does not stop this packet.
        host.network().clock().scheduleNanos(0, () -> {
            SimPacket pkt = new SimPacket(out, 0, host.network().nextPacketId());
            host.transportSend(pkt, ep, null);
            if (completionFn != null) completionFn.complete(completionContext, nbl, NtStatus.STATUS_SUCCESS, false);
        });
        return s;
    }

    /** Builds the IP header the stack puts in front of a transport-injected packet and fills its checksum. */
    private static byte[] withIpHeader(InetAddress src, InetAddress dst, int protocol, byte[] transport) {
        // Checksum offload: the stack fills the transport checksum for the addresses it chose.
        return io.jwfp.packet.repr.Packets.withIpHeader(src, dst, protocol, transport);
    }

    @Override
    public NtStatus injectTransportReceiveAsync(InjectionHandle h, Object injectionContext, Object reserved,
                                                int flags, AddressFamily addressFamily, int compartmentId,
                                                int interfaceIndex, int subInterfaceIndex, NetBufferList nbl,
                                                FwpsInjectCompleteFn completionFn, Object completionContext) {
        SimInterface iface = host.interfaceByIndex(interfaceIndex);
        if (iface == null) return NtStatus.STATUS_INVALID_PARAMETER;
        return queue(h, nbl, () -> host.transportReceive(host.injectedPacket(nbl), iface), completionFn,
                completionContext);
    }

    @Override
    public NtStatus injectMacSendAsync(InjectionHandle h, Object injectionContext, int flags, int layerId,
                                       int interfaceIndex, int ndisPortNumber, NetBufferList nbl,
                                       FwpsInjectCompleteFn completionFn, Object completionContext) {
        return injectMac(h, Layer.FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET, layerId, interfaceIndex, nbl,
                iface -> host.macSendInjected(nbl, iface), completionFn, completionContext);
    }

    @Override
    public NtStatus injectMacReceiveAsync(InjectionHandle h, Object injectionContext, int flags, int layerId,
                                          int interfaceIndex, int ndisPortNumber, NetBufferList nbl,
                                          FwpsInjectCompleteFn completionFn, Object completionContext) {
        return injectMac(h, Layer.FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET, layerId, interfaceIndex, nbl,
                iface -> host.macReceiveInjected(nbl, iface), completionFn, completionContext);
    }

    /** MAC injection on an Ethernet interface; the layer id must name the MAC layer of the direction. */
    private NtStatus injectMac(InjectionHandle h, Layer expected, int layerId, int interfaceIndex, NetBufferList nbl,
                               java.util.function.Consumer<SimInterface> path, FwpsInjectCompleteFn completionFn,
                               Object completionContext) {
        SimInterface iface = host.interfaceByIndex(interfaceIndex);
        if (iface == null || iface.isLoopback() || layerId != expected.layerId()) return NtStatus.STATUS_INVALID_PARAMETER;
        return queue(h, nbl, () -> path.accept(iface), completionFn, completionContext);
    }

    @Override
    public NtStatus streamInjectAsync(InjectionHandle h, Object injectionContext, int flags, long flowId,
                                      int calloutId, int layerId, int streamFlags, NetBufferList nbl,
                                      long dataLength, FwpsInjectCompleteFn completionFn, Object completionContext) {
        if (!injectionHandles.isOpen(h)) return NtStatus.STATUS_FWP_INJECT_HANDLE_CLOSING;
        AleFlows.Flow flow = host.flows().byHandle(flowId);
        TcpConnection c = flow == null ? null : host.tcpConnections.get(flow.key);
        if (c == null || c.isDead()) return NtStatus.STATUS_FWP_NOT_FOUND;
        byte[] data = new byte[(int) dataLength];
        int copied = new FwpsStreamData(0, nbl, dataLength).copyToBuffer(data, data.length);
        if (copied != data.length) return NtStatus.STATUS_INVALID_PARAMETER;
        boolean inbound = (streamFlags & FwpsStreamData.FWPS_STREAM_FLAG_RECEIVE) != 0;
        boolean fin = (streamFlags & (FwpsStreamData.FWPS_STREAM_FLAG_RECEIVE_DISCONNECT
                | FwpsStreamData.FWPS_STREAM_FLAG_SEND_DISCONNECT)) != 0;
        int below = calloutSublayerWeight(Layer.byId(layerId), calloutId);
        (inbound ? c.in : c.out).offer(below, data, fin);
        if (completionFn != null && !fin) {
            host.network().clock().scheduleNanos(0, () ->
                    completionFn.complete(completionContext, nbl, NtStatus.STATUS_SUCCESS, false));
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /** The weight of the (highest) sublayer holding a filter of the callout at the layer. */
    private int calloutSublayerWeight(Layer layer, int calloutId) {
        LayerState ls = layer == null ? null : host.engine().state().layer(layer);
        int w = 0;
        if (ls != null) {
            for (int i = 0; i < ls.sublayerCount(); i++) {
                for (CompiledFilter f : ls.sublayer(i).filters()) {
                    if (f.calloutId() == calloutId) w = Math.max(w, ls.sublayer(i).sublayer().weight());
                }
            }
        }
        return w;
    }

    @Override
    public NtStatus streamContinue(long flowId, int calloutId, int layerId, int streamFlags) {
        AleFlows.Flow flow = host.flows().byHandle(flowId);
        TcpConnection c = flow == null ? null : host.tcpConnections.get(flow.key);
        if (c == null) return NtStatus.STATUS_FWP_NOT_FOUND;
        host.network().clock().scheduleNanos(0, c.in::resume);
        return NtStatus.STATUS_SUCCESS;
    }

    // ---------------------------------------------------------------- work items

    /** The simulated time a work item waits before it runs (see {@link SimHost#setWorkItemDelay}). */
    long workItemDelayNanos;

    /** Work items run as simulation events on the simulation's thread, after the events already due. */
    @Override
    public void queueWorkItem(Runnable work) {
        host.network().clock().scheduleNanos(workItemDelayNanos, work);
    }

    // ---------------------------------------------------------------- flow contexts

    @Override
    public NtStatus flowAssociateContext(long flowId, int layerId, int calloutId, long flowContext) {
        return host.engine().flowAssociateContext(flowId, layerId, calloutId, flowContext,
                host.flows().byHandle(flowId) != null);
    }

    @Override
    public NtStatus flowRemoveContext(long flowId, int layerId, int calloutId) {
        return host.engine().flowRemoveContext(flowId, layerId, calloutId);
    }

    // ---------------------------------------------------------------- pend / complete operation

    @Override
    public CompletionContext pendOperation(Object completionHandle) {
        if (completionHandle == null) {
            throw new FwpsStatusException(NtStatus.STATUS_FWP_CANNOT_PEND, "no completion handle (a reauthorization or a layer that cannot pend)");
        }
        if (!(completionHandle instanceof Indication ind) || ind.host != host) {
            throw new FwpsStatusException(NtStatus.STATUS_INVALID_PARAMETER, "not a completion handle of this host");
        }
        Layer base = ind.layer.ipVersion() == IpVersion.V6 ? ind.layer.otherIpVersion() : ind.layer;
        boolean pendable = base == Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4 || base == Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4;
        if (!pendable || (ind.facts.flags & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0) {
            throw new FwpsStatusException(NtStatus.STATUS_FWP_CANNOT_PEND, ind.layer.name()
                    + ((ind.facts.flags & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0 ? " (reauthorization)" : ""));
        }
        if (ind.pendedOperation != null) throw new FwpsStatusException(NtStatus.STATUS_FWP_ALREADY_EXISTS, "already pended");
        Completion c = new Completion(nextId(), ind);
        ind.pendedOperation = c;
        return c;
    }

    @Override
    public void completeOperation(CompletionContext completionContext, NetBufferList netBufferList) {
        if (!(completionContext instanceof Completion c) || c.completed) {
            throw new FwpsStatusException(NtStatus.STATUS_INVALID_PARAMETER, "unknown or completed operation");
        }
        c.completed = true;
        if (c.onComplete != null) host.network().clock().scheduleNanos(0, c.onComplete);
    }

    // ---------------------------------------------------------------- classify handles / pend classify

    @Override
    public ClassifyHandle acquireClassifyHandle(ClassifyContext classifyContext, int flags) {
        if (!(classifyContext instanceof SimClassifyContext ctx)) {
            throw new FwpsStatusException(NtStatus.STATUS_INVALID_PARAMETER, "not a classify context of this host");
        }
        return new SimClassifyHandle(nextId(), ctx.indication);
    }

    @Override
    public void releaseClassifyHandle(ClassifyHandle classifyHandle) {
        // Nothing held.
    }

    @Override
    public NtStatus pendClassify(ClassifyHandle classifyHandle, long filterId, int flags, FwpsClassifyOut out) {
        Indication ind = ((SimClassifyHandle) classifyHandle).indication();
        Layer base = ind.layer.ipVersion() == IpVersion.V6 ? ind.layer.otherIpVersion() : ind.layer;
        // The simulator pends connects and endpoint closures; a bind (ALE_BIND_REDIRECT) completes synchronously.
        if (base != Layer.FWPM_LAYER_ALE_CONNECT_REDIRECT_V4 || !(ind.layerData instanceof FwpsConnectRequest)) {
            if (base != Layer.FWPM_LAYER_ALE_ENDPOINT_CLOSURE_V4) return NtStatus.STATUS_FWP_CANNOT_PEND;
        }
        ind.classifyPended = true;
        out.actionType = ActionType.FWP_ACTION_BLOCK;
        out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public void completeClassify(ClassifyHandle classifyHandle, int flags, FwpsClassifyOut out) {
        Indication ind = ((SimClassifyHandle) classifyHandle).indication();
        if (!ind.classifyPended || ind.onClassifyComplete == null) return;
        ind.classifyPended = false;
        ActionType a = out == null ? null : out.actionType;
        var cont = ind.onClassifyComplete;
        ind.onClassifyComplete = null;
        host.network().clock().scheduleNanos(0, () -> cont.accept(a));
    }

    // ---------------------------------------------------------------- redirection

    @Override
    public Object acquireWritableLayerDataPointer(ClassifyHandle classifyHandle, long filterId, int flags,
                                                  FwpsClassifyOut out) {
        Indication ind = ((SimClassifyHandle) classifyHandle).indication();
        Object current = ind.modifiedLayerData != null ? ind.modifiedLayerData : ind.layerData;
        Object writable;
        if (current instanceof FwpsConnectRequest r) writable = r.writableCopy(filterId);
        else if (current instanceof FwpsBindRequest r) writable = r.writableCopy(filterId);
        else throw new FwpsStatusException(NtStatus.STATUS_FWP_INCOMPATIBLE_LAYER, ind.layer.name() + " has no writable layer data");
        out.actionType = ActionType.FWP_ACTION_BLOCK;
        out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
        return writable;
    }

    @Override
    public void applyModifiedLayerData(ClassifyHandle classifyHandle, Object modifiedLayerData, int flags) {
        Indication ind = ((SimClassifyHandle) classifyHandle).indication();
        ind.modifiedLayerData = modifiedLayerData;
    }

    @Override
    public RedirectHandle redirectHandleCreate(UUID providerGuid, int flags) {
        RedirectHandle h = new RedirectHandle(nextId(), providerGuid);
        liveRedirect.add(h.id());
        return h;
    }

    @Override
    public void redirectHandleDestroy(RedirectHandle redirectHandle) {
        liveRedirect.remove(redirectHandle.id());
    }

    @Override
    public FwpsConnectionRedirectState queryConnectionRedirectState(Object redirectRecords, RedirectHandle h) {
        if (!(redirectRecords instanceof Endpoint ep)) return FwpsConnectionRedirectState.FWPS_CONNECTION_NOT_REDIRECTED;
        List<RedirectRecord> proxy = ep.proxyRecords;
        if (proxy != null && !proxy.isEmpty() && h.equals(proxy.get(proxy.size() - 1).handle())) {
            return FwpsConnectionRedirectState.FWPS_CONNECTION_REDIRECTED_BY_SELF;
        }
        List<RedirectRecord> recs = ep.redirectRecords != null ? ep.redirectRecords : proxy;
        if (recs == null || recs.isEmpty()) return FwpsConnectionRedirectState.FWPS_CONNECTION_NOT_REDIRECTED;
        for (RedirectRecord r : recs) {
            if (h.equals(r.handle())) return FwpsConnectionRedirectState.FWPS_CONNECTION_PREVIOUSLY_REDIRECTED_BY_SELF;
        }
        return FwpsConnectionRedirectState.FWPS_CONNECTION_REDIRECTED_BY_OTHER;
    }
}

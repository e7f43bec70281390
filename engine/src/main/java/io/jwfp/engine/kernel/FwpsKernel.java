package io.jwfp.engine.kernel;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.packet.NetBufferList;
import java.util.UUID;

/**
 * The kernel-mode callout runtime (fwpsk.h): what a callout calls besides returning a decision — injection, clones,
 * flow contexts, pending, redirection and the stream layer. Callouts reach it through
 * {@link ClassifyContext#kernel()} during classifyFn, or receive it when built
 * ({@link io.jwfp.engine.callout.CalloutProvider#create(UUID, java.util.Map, FwpsKernel)}). Each shim (the simulated
 * network, the NFQUEUE shim) implements it; a callout written against this interface runs on all of them.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Names are WFP's without the {@code Fwps} prefix and version suffix ({@code FwpsInjectTransportSendAsync0}
 *   is {@link #injectTransportSendAsync}).</li>
 *   <li>Functions that only act return an {@link NtStatus}. Functions that give back a handle (WFP writes it to an
 *   out-parameter) return it and throw {@link FwpsStatusException} with the NTSTATUS on failure.</li>
 *   <li>Injection is asynchronous, as in WFP: a successful call queues the list; the shim re-enters it into its
 *   path later and calls {@code completionFn} once done with it. A failed call does not call
 *   {@code completionFn} and the caller still owns the list.</li>
 *   <li>Lists passed to an inject function must carry correct checksums (WFP does not fill them on injection),
 *   except where a function says the stack builds the header.</li>
 * </ul>
 *
 * <p>Thread safety: implementations document theirs; the simulated network is single-threaded (its callouts run on
 * the simulation's thread); other shims document theirs.
 */
public interface FwpsKernel {
    /** FWPS_INJECTION_TYPE_STREAM. */
    int FWPS_INJECTION_TYPE_STREAM = 0x00000001;
    /** FWPS_INJECTION_TYPE_TRANSPORT. */
    int FWPS_INJECTION_TYPE_TRANSPORT = 0x00000002;
    /** FWPS_INJECTION_TYPE_NETWORK. */
    int FWPS_INJECTION_TYPE_NETWORK = 0x00000004;
    /** FWPS_INJECTION_TYPE_FORWARD. */
    int FWPS_INJECTION_TYPE_FORWARD = 0x00000008;
    /** FWPS_INJECTION_TYPE_L2. */
    int FWPS_INJECTION_TYPE_L2 = 0x00000010;

    /** FWPS_CLASSIFY_FLAG_REAUTHORIZE_IF_MODIFIED_BY_OTHERS for {@link #applyModifiedLayerData}. */
    int FWPS_CLASSIFY_FLAG_REAUTHORIZE_IF_MODIFIED_BY_OTHERS = 0x00000001;

    // ------------------------------------------------------------------ injection handles and state

    /**
     * FwpsInjectionHandleCreate0: a handle to inject with; its identity marks the packets it injects.
     *
     * @param addressFamily AF_INET, AF_INET6 or AF_UNSPEC (both)
     * @param flags         FWPS_INJECTION_TYPE_* the handle will be used for
     */
    InjectionHandle injectionHandleCreate(AddressFamily addressFamily, int flags);

    /** FwpsInjectionHandleDestroy0: later injections with the handle fail with STATUS_FWP_INJECT_HANDLE_CLOSING. */
    NtStatus injectionHandleDestroy(InjectionHandle injectionHandle);

    /**
     * FwpsQueryPacketInjectionState0: whether {@code netBufferList} was injected, and by whom, as seen from
     * {@code injectionHandle}. Every callout that injects calls this first and lets its own packets pass.
     */
    FwpsPacketInjectionState queryPacketInjectionState(InjectionHandle injectionHandle, NetBufferList netBufferList);

    // ------------------------------------------------------------------ clones

    /**
     * FwpsAllocateCloneNetBufferList0: a list over the same bytes as {@code original}, with its own offsets. The
     * bytes are shared: modify a packet through {@link #allocateNetBufferListCopy} instead.
     */
    NetBufferList allocateCloneNetBufferList(NetBufferList original, int allocateCloneFlags);

    /**
     * FwpsAllocateNetBufferAndNetBufferList0 followed by a copy of the data: a private, writable copy of
     * {@code original} (headroom and current data, same offsets). The jwfp spelling of "deep-copy then modify".
     */
    NetBufferList allocateNetBufferListCopy(NetBufferList original);

    /** FwpsFreeCloneNetBufferList0: the clone is no longer used (a no-op where memory is garbage collected). */
    void freeCloneNetBufferList(NetBufferList clone);

    // ------------------------------------------------------------------ injection

    /**
     * FwpsInjectNetworkSendAsync0: sends a complete IP packet (the list starts at the IP header) into the IP send
     * path above FWPM_LAYER_OUTBOUND_IPPACKET, where it is classified again.
     */
    NtStatus injectNetworkSendAsync(InjectionHandle injectionHandle, Object injectionContext, int flags,
                                    int compartmentId, NetBufferList netBufferList, FwpsInjectCompleteFn completionFn,
                                    Object completionContext);

    /**
     * FwpsInjectNetworkReceiveAsync0: delivers a complete IP packet (starting at the IP header) to the bottom of the
     * IP receive path of an interface; it is classified from FWPM_LAYER_INBOUND_IPPACKET up.
     */
    NtStatus injectNetworkReceiveAsync(InjectionHandle injectionHandle, Object injectionContext, int flags,
                                       int compartmentId, int interfaceIndex, int subInterfaceIndex,
                                       NetBufferList netBufferList, FwpsInjectCompleteFn completionFn,
                                       Object completionContext);

    /**
     * FwpsInjectForwardAsync0: sends an IP packet (starting at the IP header) out of interface
     * {@code interfaceIndex} on the forwarding path; it is not indicated at FWPM_LAYER_IPFORWARD again.
     */
    NtStatus injectForwardAsync(InjectionHandle injectionHandle, Object injectionContext, int flags,
                                AddressFamily addressFamily, int compartmentId, int interfaceIndex,
                                NetBufferList netBufferList, FwpsInjectCompleteFn completionFn,
                                Object completionContext);

    /**
     * FwpsInjectTransportSendAsync1: sends a transport packet (the list starts at the transport header) on the
     * endpoint {@code endpointHandle} (metadata TRANSPORT_ENDPOINT_HANDLE); the stack builds the IP header (to
     * {@code sendArgs.remoteAddress} when given) and the packet is classified from FWPM_LAYER_OUTBOUND_TRANSPORT
     * down. Fails once the endpoint is gone (the socket closed), as on Windows.
     */
    NtStatus injectTransportSendAsync(InjectionHandle injectionHandle, Object injectionContext, long endpointHandle,
                                      int flags, FwpsTransportSendParams sendArgs, AddressFamily addressFamily,
                                      int compartmentId, NetBufferList netBufferList,
                                      FwpsInjectCompleteFn completionFn, Object completionContext);

    /**
     * FwpsInjectTransportReceiveAsync0: delivers a packet (the list starts at the IP header) to the transport
     * receive path; it is classified from FWPM_LAYER_INBOUND_TRANSPORT up. The transport checksum is checked.
     */
    NtStatus injectTransportReceiveAsync(InjectionHandle injectionHandle, Object injectionContext, Object reserved,
                                         int flags, AddressFamily addressFamily, int compartmentId,
                                         int interfaceIndex, int subInterfaceIndex, NetBufferList netBufferList,
                                         FwpsInjectCompleteFn completionFn, Object completionContext);

    /**
     * FwpsInjectMacSendAsync0 (Windows 8+): sends an Ethernet frame (the list starts at the Ethernet header) out of
     * interface {@code interfaceIndex}; it is classified again at {@code layerId} (FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET)
     * and then put on the wire. Shims without a link layer keep the default: STATUS_NOT_SUPPORTED.
     */
    default NtStatus injectMacSendAsync(InjectionHandle injectionHandle, Object injectionContext, int flags,
                                        int layerId, int interfaceIndex, int ndisPortNumber,
                                        NetBufferList netBufferList, FwpsInjectCompleteFn completionFn,
                                        Object completionContext) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    /**
     * FwpsInjectMacReceiveAsync0 (Windows 8+): delivers an Ethernet frame (the list starts at the Ethernet header) as
     * if it had arrived on interface {@code interfaceIndex}, past the NIC's destination-MAC filter; it is classified
     * again at {@code layerId} (FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET) and then enters the IP receive path, where its
     * IPv4 header checksum is verified. Shims without a link layer keep the default: STATUS_NOT_SUPPORTED.
     */
    default NtStatus injectMacReceiveAsync(InjectionHandle injectionHandle, Object injectionContext, int flags,
                                           int layerId, int interfaceIndex, int ndisPortNumber,
                                           NetBufferList netBufferList, FwpsInjectCompleteFn completionFn,
                                           Object completionContext) {
        return NtStatus.STATUS_NOT_SUPPORTED;
    }

    /**
     * FwpsStreamInjectAsync0: puts {@code dataLength} bytes of {@code netBufferList} into the TCP stream of flow
     * {@code flowId} in the direction {@code streamFlags} names (FWPS_STREAM_FLAG_RECEIVE or _SEND, optionally with
     * _DISCONNECT). The data is offered at the stream layer only to callouts in sublayers of lower weight than the
     * injecting callout's ({@code calloutId}), then delivered.
     */
    NtStatus streamInjectAsync(InjectionHandle injectionHandle, Object injectionContext, int flags, long flowId,
                               int calloutId, int layerId, int streamFlags, NetBufferList netBufferList,
                               long dataLength, FwpsInjectCompleteFn completionFn, Object completionContext);

    /** FwpsStreamContinue0: resumes inbound indications of a flow deferred with FWPS_STREAM_ACTION_DEFER. */
    NtStatus streamContinue(long flowId, int calloutId, int layerId, int streamFlags);

    // ------------------------------------------------------------------ work items

    /**
     * IoQueueWorkItem / ExQueueWorkItem: runs {@code work} later, outside the current classification, on a system
     * worker. A callout that processes data out of band (it blocks the original and injects later, like the
     * stmedit sample's worker threads) queues its work here so that it runs the same way on every shim: on the
     * simulated network as a simulation event after the ones already due, on a live shim on a worker thread. No
     * order is promised between two work items; a callout that needs one keeps its own queue and drains it from
     * one work item at a time.
     *
     * <p>The default runs {@code work} on a new virtual thread; shims override it.
     */
    default void queueWorkItem(Runnable work) {
        Thread.ofVirtual().name("jwfp-work-item").start(work);
    }

    // ------------------------------------------------------------------ flow contexts

    /**
     * FwpsFlowAssociateContext0: attaches {@code flowContext} to flow {@code flowId} for callout {@code calloutId} at
     * layer {@code layerId}; classifications of the flow there pass it as {@code flowContext}, and the callout's
     * flowDeleteFn gets it when the flow ends. STATUS_OBJECT_NAME_EXISTS if one is already attached;
     * STATUS_INVALID_PARAMETER if the callout has no flowDeleteFn or the flow does not exist.
     */
    NtStatus flowAssociateContext(long flowId, int layerId, int calloutId, long flowContext);

    /** FwpsFlowRemoveContext0: detaches the context and calls the callout's flowDeleteFn for it. */
    NtStatus flowRemoveContext(long flowId, int layerId, int calloutId);

    // ------------------------------------------------------------------ pending (ALE auth layers)

    /**
     * FwpsPendOperation0: pends the ALE operation being classified (connect at ALE_AUTH_CONNECT, accept at
     * ALE_AUTH_RECV_ACCEPT); {@code completionHandle} is the metadata COMPLETION_HANDLE. The callout then returns
     * BLOCK with ABSORB. Throws STATUS_FWP_CANNOT_PEND for reauthorizations and other layers.
     */
    CompletionContext pendOperation(Object completionHandle);

    /**
     * FwpsCompleteOperation0: resumes a pended operation. The flow is then reauthorized at the same layer with
     * FWP_CONDITION_FLAG_IS_REAUTHORIZE and FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION, where the callout
     * gives its final answer: for a connect at once, for a recv-accept on the packet the callout re-injects.
     */
    void completeOperation(CompletionContext completionContext, NetBufferList netBufferList);

    // ------------------------------------------------------------------ pending (redirect and closure layers)

    /** FwpsAcquireClassifyHandle0: a handle on the classification in progress. */
    ClassifyHandle acquireClassifyHandle(ClassifyContext classifyContext, int flags);

    /** FwpsReleaseClassifyHandle0. */
    void releaseClassifyHandle(ClassifyHandle classifyHandle);

    /**
     * FwpsPendClassify0: pends the classification (ALE_CONNECT_REDIRECT, ALE_BIND_REDIRECT, ALE_ENDPOINT_CLOSURE);
     * sets {@code classifyOut} to BLOCK without the write right. The operation waits for {@link #completeClassify}.
     */
    NtStatus pendClassify(ClassifyHandle classifyHandle, long filterId, int flags, FwpsClassifyOut classifyOut);

    /**
     * FwpsCompleteClassify0: ends a pended classification with {@code classifyOut}'s action, or, when it is null,
     * classifies again (the callout is called anew).
     */
    void completeClassify(ClassifyHandle classifyHandle, int flags, FwpsClassifyOut classifyOut);

    // ------------------------------------------------------------------ redirection

    /**
     * FwpsAcquireWritableLayerDataPointer0: a writable copy of the layer data ({@link FwpsConnectRequest} at
     * ALE_CONNECT_REDIRECT, {@link FwpsBindRequest} at ALE_BIND_REDIRECT). Sets {@code classifyOut} to BLOCK and
     * clears the write right, as WFP does; must be paired with {@link #applyModifiedLayerData}.
     */
    Object acquireWritableLayerDataPointer(ClassifyHandle classifyHandle, long filterId, int flags,
                                           FwpsClassifyOut classifyOut);

    /** FwpsApplyModifiedLayerData0: commits the modified request (also when nothing changed). */
    void applyModifiedLayerData(ClassifyHandle classifyHandle, Object modifiedLayerData, int flags);

    /** FwpsRedirectHandleCreate0. */
    RedirectHandle redirectHandleCreate(UUID providerGuid, int flags);

    /** FwpsRedirectHandleDestroy0. */
    void redirectHandleDestroy(RedirectHandle redirectHandle);

    /**
     * FwpsQueryConnectionRedirectState0: whether the connection whose metadata REDIRECT_RECORD_HANDLE is
     * {@code redirectRecords} was redirected, and by whom, as seen from {@code redirectHandle}.
     */
    FwpsConnectionRedirectState queryConnectionRedirectState(Object redirectRecords, RedirectHandle redirectHandle);
}

package io.jwfp.callouts.samples.ddproxy;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_DATAGRAM_DATA_V4;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_DATAGRAM_DATA_V6;

import io.jwfp.callouts.samples.nat.Incoming;
import io.jwfp.callouts.samples.nat.Injector;
import io.jwfp.callouts.samples.nat.IpRewrite;
import io.jwfp.callouts.samples.nat.NatAddress;
import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsInjectCompleteFn;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsTransportSendParams;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.UdpView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ddproxy, the Datagram-Data transparent proxy (seed-samples §3), for one configuration: datagrams (or ICMP echo
 * requests) an application sends to the intercepted destination go to the new one, and the replies come back
 * rewritten so the application sees them from the intercepted destination.
 *
 * <ul>
 *   <li><b>Flow established</b> (FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4/V6): an outbound flow to the intercepted
 *   destination gets an ORIGINAL context ("rewrite towards the new destination"), one to the new destination — the
 *   flow the redirected datagram opens — a PROXY context ("rewrite back to the intercepted one"). The contexts are
 *   for this configuration's datagram-data callout of the flow's family (FwpsFlowAssociateContext0 with that
 *   callout's id). A context that cannot be attached blocks the flow (fail closed, as the sample).</li>
 *   <li><b>Datagram data</b> (FWPM_LAYER_DATAGRAM_DATA_V4/V6; registered FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW with a
 *   flowDeleteFn): outbound datagrams on ORIGINAL flows and inbound ones on PROXY flows are copied, absorbed and
 *   handed to a work item (out of band, like the sample's worker thread). Outbound, the worker sets the UDP
 *   destination port, writes a valid checksum for the new destination and send-injects at the transport layer
 *   (FwpsInjectTransportSendAsync1) to the new address on the original endpoint. Inbound, it sets the UDP <b>source</b>
 *   port and address back to the intercepted ones (PR #551's fix), patches the checksums (never leaving an IPv6 UDP
 *   checksum at 0) and receive-injects at the transport layer (FwpsInjectTransportReceiveAsync0). No IP header is
 *   built by the callout, so no extension header is added (#1338).</li>
 * </ul>
 *
 * <p>Thread-safe: contexts live in a concurrent map, counters are atomic; work items may run on any thread.
 */
public final class DdProxy {
    enum Tag { ORIGINAL, PROXY }

    /** The flow context: which flow this is and where its datagrams are rewritten to. */
    record FlowContext(Tag tag, IpVersion family, NatAddress local, int protocol, long flowHandle,
                       NatAddress rewriteAddress, int rewritePort) {}

    private static final FwpsInjectCompleteFn FREE = (ctx, nbl, status, dispatch) -> { };

    private final DdProxyConfig config;
    private final UUID[] dataCallouts = new UUID[2];
    private final Injector[] injectors = {
            new Injector(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT),
            new Injector(AddressFamily.AF_INET6, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT)};
    private final Map<Long, FlowContext> contexts = new ConcurrentHashMap<>();
    private final AtomicLong nextContext = new AtomicLong(1);
    final AtomicLong originalFlows = new AtomicLong();
    final AtomicLong proxyFlows = new AtomicLong();
    final AtomicLong flowsBlocked = new AtomicLong();
    final AtomicLong redirected = new AtomicLong();
    final AtomicLong repliesRewritten = new AtomicLong();
    final AtomicLong ownInjectionsSeen = new AtomicLong();
    final AtomicLong injectFailures = new AtomicLong();

    DdProxy(DdProxyConfig config) {
        this.config = config;
    }

    private static int index(IpVersion v) {
        return v == IpVersion.V4 ? 0 : 1;
    }

    /** Records the datagram-data callout of a family (the callout the flow contexts are for). */
    synchronized void setDatagramDataCallout(IpVersion v, UUID key) {
        dataCallouts[index(v)] = key;
    }

    private synchronized UUID datagramDataCallout(IpVersion v) {
        return dataCallouts[index(v)];
    }

    private int wantedProtocol(IpVersion v) {
        return config.inspectUdp() ? IpProtocol.UDP : v == IpVersion.V4 ? IpProtocol.ICMP : IpProtocol.ICMPV6;
    }

    /** True if the flow's remote end is {@code address} (when configured for the family) and {@code port} (UDP). */
    private boolean remoteIs(FwpsIncomingValues in, NatAddress address, int port) {
        if (address != null && !Incoming.addressIs(in, Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS, address)) return false;
        return !config.inspectUdp() || Incoming.value(in, Conditions.FWPM_CONDITION_IP_REMOTE_PORT) == port;
    }

    /** The classifyFn at FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4/V6. */
    void classifyFlow(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, ClassifyContext ctx, FwpsFilter filter,
                      FwpsClassifyOut out) {
        if (!out.canWrite()) return;
        IpVersion v = in.layer().ipVersion();
        boolean outbound = Incoming.value(in, Conditions.FWPM_CONDITION_DIRECTION) == ConditionFlags.FWP_DIRECTION_OUTBOUND;
        boolean family = config.addressesAre(v == IpVersion.V4);
        Tag tag = null;
        if (outbound && family && Incoming.value(in, Conditions.FWPM_CONDITION_IP_PROTOCOL) == wantedProtocol(v)) {
            if (remoteIs(in, config.intercept(), config.interceptPort())) tag = Tag.ORIGINAL;
            else if (remoteIs(in, config.newAddress(), config.newPort())) tag = Tag.PROXY;
        }
        if (tag == null) {
            permit(filter, out);
            return;
        }
        FlowContext fc = tag == Tag.ORIGINAL
                ? new FlowContext(tag, v, Incoming.address(in, Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS),
                        (int) Incoming.value(in, Conditions.FWPM_CONDITION_IP_PROTOCOL), meta.flowHandle,
                        config.newAddress(), config.newPort())
                : new FlowContext(tag, v, Incoming.address(in, Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS),
                        (int) Incoming.value(in, Conditions.FWPM_CONDITION_IP_PROTOCOL), meta.flowHandle,
                        config.intercept(), config.interceptPort());
        long id = nextContext.getAndIncrement();
        contexts.put(id, fc);
        FwpsKernel k = ctx.kernel();
        int dataCallout = ctx.registeredCalloutId(datagramDataCallout(v));
        int layerId = (v == IpVersion.V4 ? FWPM_LAYER_DATAGRAM_DATA_V4 : FWPM_LAYER_DATAGRAM_DATA_V6).layerId();
        NtStatus s = k == null || dataCallout == 0 || !meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_FLOW_HANDLE)
                ? NtStatus.STATUS_INVALID_PARAMETER : k.flowAssociateContext(meta.flowHandle, layerId, dataCallout, id);
        if (!s.isSuccess()) {
            contexts.remove(id);
            flowsBlocked.incrementAndGet();
            out.blockHard(); // fail closed, as the sample does
            return;
        }
        (tag == Tag.ORIGINAL ? originalFlows : proxyFlows).incrementAndGet();
        permit(filter, out);
    }

    private static void permit(FwpsFilter filter, FwpsClassifyOut out) {
        out.actionType = ActionType.FWP_ACTION_PERMIT;
        if (filter != null && (filter.flags() & FilterFlags.FWPS_FILTER_FLAG_CLEAR_ACTION_RIGHT) != 0) {
            out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
        }
    }

    /** The flowDeleteFn of the datagram-data callouts: the flow ended or its context was removed. */
    void flowDeleted(int layerId, int calloutId, long flowContext) {
        contexts.remove(flowContext);
    }

    /** The classifyFn at FWPM_LAYER_DATAGRAM_DATA_V4/V6, called only for flows carrying a context. */
    void classifyData(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, ClassifyContext ctx,
                      long flowContext, FwpsClassifyOut out) {
        IpVersion v = in.layer().ipVersion();
        Injector injector = injectors[index(v)];
        FwpsKernel k = injector.begin(ctx, layerData, out, ownInjectionsSeen);
        if (k == null) return;
        NetBufferList nbl = (NetBufferList) layerData;
        FlowContext fc = contexts.get(flowContext);
        boolean outbound = Incoming.value(in, Conditions.FWPM_CONDITION_DIRECTION) == ConditionFlags.FWP_DIRECTION_OUTBOUND;
        if (fc == null || (outbound ? fc.tag() != Tag.ORIGINAL : fc.tag() != Tag.PROXY)) {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return;
        }
        // Keep what the work item needs: the data and the metadata are only valid during this call.
        List<NetBufferList> copies = Injector.copies(k, nbl);
        if (outbound) {
            NatAddress remote = Incoming.address(in, Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS);
            long endpoint = meta.transportEndpointHandle;
            long scope = meta.remoteScopeId;
            int compartment = meta.compartmentId;
            k.queueWorkItem(() -> sendRedirected(k, injector, fc, copies, remote, endpoint, scope, compartment));
        } else {
            // Inbound the data starts after the UDP header, but at the ICMP header for ICMP (the stack has already
            // moved back over it: the sample detects the same thing).
            boolean icmp = fc.protocol() == IpProtocol.ICMP || fc.protocol() == IpProtocol.ICMPV6;
            int headers = meta.ipHeaderSize + (icmp ? 0 : meta.transportHeaderSize);
            int ifIndex = Incoming.interfaceIndex(in), subIf = Incoming.subInterfaceIndex(in);
            int compartment = meta.compartmentId;
            k.queueWorkItem(() -> receiveRewritten(k, injector, fc, copies, headers, ifIndex, subIf, compartment));
        }
        out.absorb();
    }

    /** Worker, outbound: every datagram of the list to the new destination, on the original endpoint. */
    private void sendRedirected(FwpsKernel k, Injector injector, FlowContext fc, List<NetBufferList> copies,
                                NatAddress remote, long endpoint, long scope, int compartment) {
        NatAddress to = fc.rewriteAddress() != null ? fc.rewriteAddress() : remote;
        FwpsTransportSendParams params = new FwpsTransportSendParams(to.inet());
        params.remoteScopeId = scope;
        for (NetBufferList n : copies) {
            long t = n.dataOffset();
            int len = (int) n.dataLength();
            if (fc.protocol() == IpProtocol.UDP) new UdpView().wrap(n.segment(), t, len).setDstPort(fc.rewritePort());
            // The IP header does not exist yet: the checksum is for the addresses the stack will use. Whether
            // Windows refills a zeroed one is an open question (seed-samples §13.3), so never rely on it.
            if (fc.local() != null) IpRewrite.fillTransportChecksum(n.segment(), t, len, fc.protocol(), fc.local(), to);
            NtStatus s = k.injectTransportSendAsync(injector.handle(k), null, endpoint, 0, params, family(fc),
                    compartment, n, FREE, null);
            if (s.isSuccess()) redirected.incrementAndGet();
            else injectFailures.incrementAndGet();
        }
    }

    /** Worker, inbound: each reply's source becomes the intercepted destination again. */
    private void receiveRewritten(FwpsKernel k, Injector injector, FlowContext fc, List<NetBufferList> copies,
                                  int headers, int ifIndex, int subIf, int compartment) {
        for (NetBufferList copy : copies) {
            copy.retreat(headers);
            IpRewrite.rewrite(copy.segment(), copy.dataOffset(), copy.dataLength(), IpRewrite.Side.SOURCE,
                    fc.rewriteAddress(), fc.protocol() == IpProtocol.UDP ? fc.rewritePort() : -1);
            NtStatus s = k.injectTransportReceiveAsync(injector.handle(k), null, null, 0, family(fc), compartment,
                    ifIndex, subIf, copy, FREE, null);
            if (s.isSuccess()) repliesRewritten.incrementAndGet();
            else injectFailures.incrementAndGet();
        }
    }

    private static AddressFamily family(FlowContext fc) {
        return fc.family() == IpVersion.V4 ? AddressFamily.AF_INET : AddressFamily.AF_INET6;
    }

    /** Run-time control: {@code stats}. */
    Object control(String command, Map<String, Object> args) {
        if (!command.equals("stats")) throw new IllegalArgumentException("unknown command '" + command + "' (expected: stats)");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", config.inspectUdp() ? "udp" : "icmp");
        m.put("originalFlows", originalFlows.get());
        m.put("proxyFlows", proxyFlows.get());
        m.put("flowsBlocked", flowsBlocked.get());
        m.put("flowContexts", contexts.size());
        m.put("redirected", redirected.get());
        m.put("repliesRewritten", repliesRewritten.get());
        m.put("ownInjectionsSeen", ownInjectionsSeen.get());
        m.put("injectFailures", injectFailures.get());
        return m;
    }
}

package io.jwfp.examples;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.packet.Ipv4View;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.TcpView;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.TcpSocket;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seed's third application ("TCP data modification: hook FWPM_LAYER_INBOUND_TRANSPORT_V4"): a callout that
 * rewrites bytes of incoming TCP segments, done the WFP way (wfp-semantics §5.9) —
 * <ol>
 *   <li>let its own injections pass ({@code FwpsQueryPacketInjectionState0}): the loop guard;</li>
 *   <li>let packets that still need an ALE decision pass (a SYN: {@code FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY});</li>
 *   <li>copy the segment, rewrite the copy's payload, fix the TCP checksum;</li>
 *   <li>block and absorb the original;</li>
 *   <li>inject the copy at the transport layer ({@code FwpsInjectTransportReceiveAsync0}), starting at the IP
 *   header: the later layers and the application see the new bytes.</li>
 * </ol>
 * The replacement must have the same length as the pattern: at the transport layer TCP has already numbered the
 * bytes (a length change belongs at the stream layer). Stateless apart from counters; runs on one host's kernel.
 */
public final class PayloadRewriter {
    private final byte[] pattern;
    private final byte[] replacement;
    private final FwpsKernel kernel;
    private final InjectionHandle handle;
    /** Segments rewritten and injected. */
    public final AtomicLong rewritten = new AtomicLong();
    /** Own injections seen again (and let through). */
    public final AtomicLong ownInjectionsSeen = new AtomicLong();

    public PayloadRewriter(FwpsKernel kernel, String pattern, String replacement) {
        this.pattern = pattern.getBytes(StandardCharsets.US_ASCII);
        this.replacement = replacement.getBytes(StandardCharsets.US_ASCII);
        if (this.pattern.length != this.replacement.length || this.pattern.length == 0) {
            throw new IllegalArgumentException("pattern and replacement must have the same, non-zero length");
        }
        this.kernel = kernel;
        this.handle = kernel.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
    }

    /** The classifyFn. */
    void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, FwpsClassifyOut out) {
        NetBufferList nbl = (NetBufferList) layerData;
        FwpsPacketInjectionState state = kernel.queryPacketInjectionState(handle, nbl);
        if (state == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF
                || state == FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF) {
            ownInjectionsSeen.incrementAndGet();
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return;
        }
        long flags = in.keyLo(in.layer().fieldIndex(Conditions.FWPM_CONDITION_FLAGS));
        if (!out.canWrite() || (flags & ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY) != 0
                || indexOf(nbl) < 0) {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return;
        }
        // The data starts at the payload here; the copy keeps the headers in front of it.
        NetBufferList copy = kernel.allocateNetBufferListCopy(nbl);
        MemorySegment seg = copy.segment();
        for (int at; (at = indexOf(copy)) >= 0; ) {
            MemorySegment.copy(replacement, 0, seg, ValueLayout.JAVA_BYTE, copy.dataOffset() + at, replacement.length);
        }
        copy.retreat(meta.transportHeaderSize + meta.ipHeaderSize);
        Ipv4View ip = new Ipv4View().wrap(seg, copy.dataOffset(), copy.dataLength());
        new TcpView().wrap(seg, copy.dataOffset() + ip.headerLength(), copy.dataLength() - ip.headerLength())
                .fillChecksumV4(ip.srcAddr(), ip.dstAddr());
        int ifIndex = (int) in.keyLo(in.layer().fieldIndex(Conditions.FWPM_CONDITION_INTERFACE_INDEX));
        NtStatus s = kernel.injectTransportReceiveAsync(handle, null, null, 0, AddressFamily.AF_INET,
                meta.compartmentId, ifIndex, 0, copy, (ctx, list, status, dispatch) -> kernel.freeCloneNetBufferList(list), null);
        if (!s.isSuccess()) {
            out.actionType = ActionType.FWP_ACTION_PERMIT; // could not inject: let the original through unchanged
            return;
        }
        rewritten.incrementAndGet();
        out.absorb();
    }

    private int indexOf(NetBufferList nbl) {
        byte[] data = nbl.toByteArray();
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) if (data[i + j] != pattern[j]) continue outer;
            return i;
        }
        return -1;
    }

    /**
     * The rewriter as a callout implementation policies can name, so the same code runs on the simulated network and,
     * in jwfpd, on live traffic: {@code implementation: payload-rewriter} with
     * {@code config: {pattern: hello, replacement: HELLO}}, on a callout at FWPM_LAYER_INBOUND_TRANSPORT_V4 with a
     * filter for TCP. Needs the engine's callout runtime (jwfpd's live shim, or the simulator).
     */
    public static final class Provider implements io.jwfp.engine.callout.CalloutProvider {
        @Override
        public String id() {
            return "payload-rewriter";
        }

        @Override
        public String description() {
            return "rewrites a byte pattern in inbound TCP payloads (clone, modify, inject, absorb)";
        }

        @Override
        public FwpsCallout create(UUID calloutKey, java.util.Map<String, Object> config) {
            return create(calloutKey, config, null);
        }

        @Override
        public FwpsCallout create(UUID calloutKey, java.util.Map<String, Object> config, FwpsKernel kernel) {
            if (kernel == null) {
                throw new IllegalArgumentException("payload-rewriter injects packets: it needs an engine with a callout "
                        + "runtime (jwfpd with live traffic, or the simulated network)");
            }
            Object pattern = config.get("pattern");
            Object replacement = config.get("replacement");
            if (pattern == null || replacement == null) {
                throw new IllegalArgumentException("payload-rewriter needs config {pattern: ..., replacement: ...}");
            }
            PayloadRewriter r = new PayloadRewriter(kernel, pattern.toString(), replacement.toString());
            return new FwpsCallout(calloutKey, (in, meta, data, ctx, filter, flowContext, out) -> r.classify(in, meta, data, out));
        }
    }

    /** The four steps: a sublayer, the callout's registration, the callout object, a filter for TCP. */
    public static PayloadRewriter install(BaseFilteringEngine bfe, String pattern, String replacement) {
        PayloadRewriter r = new PayloadRewriter(bfe.filterEngine().kernel(), pattern, replacement);
        UUID sublayer = UUID.fromString("5f1b7a10-0000-4000-8000-0000000000a1");
        UUID callout = UUID.fromString("5f1b7a10-0000-4000-8000-0000000000a2");
        try (FwpmEngine e = bfe.openSession(FwpmSession.named("payload rewriter"))) {
            e.subLayerAdd(new FwpmSubLayer(sublayer, "payload rewriter", 0x4000));
            bfe.filterEngine().calloutRegister(new FwpsCallout(callout,
                    (in, meta, data, ctx, filter, flowContext, out) -> r.classify(in, meta, data, out)));
            e.calloutAdd(new FwpmCallout(callout, "payload rewriter", FWPM_LAYER_INBOUND_TRANSPORT_V4));
            e.filterAdd(FwpmFilter.builder().name("tcp to the payload rewriter").layer(FWPM_LAYER_INBOUND_TRANSPORT_V4)
                    .subLayer(sublayer)
                    .condition(FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(6)))
                    .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, callout).build());
        }
        return r;
    }

    /** A client sends "hello world" to a server whose WFP rewrites "hello" to "HELLO". */
    public static void main(String[] args) throws Exception {
        SimNetwork net = new SimNetwork(1);
        SimHost server = net.addHost("server");
        SimHost client = net.addHost("client");
        net.link(client.addInterface("eth0", "10.200.0.1/24"), server.addInterface("eth0", "10.200.0.2/24"));
        PayloadRewriter r = install(server.bfe(), "hello", "HELLO");
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("10.200.0.2"), 80);
        TcpSocket listener = server.process(200, "/usr/sbin/server", 1000).tcpSocket(IpVersion.V4);
        listener.bind(to);
        listener.listen();
        TcpSocket c = client.process(100, "/usr/bin/client", 1000).tcpSocket(IpVersion.V4);
        c.connect(to);
        net.runUntilIdle();
        c.send("hello world".getBytes(StandardCharsets.US_ASCII));
        net.runUntilIdle();
        System.out.println("server read: " + new String(listener.accept().recvAll(), StandardCharsets.US_ASCII)
                + " (" + r.rewritten + " segment rewritten)");
    }
}

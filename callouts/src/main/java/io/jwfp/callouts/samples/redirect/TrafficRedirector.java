package io.jwfp.callouts.samples.redirect;

import io.jwfp.callouts.samples.nat.ChainRewrite;
import io.jwfp.callouts.samples.nat.Incoming;
import io.jwfp.callouts.samples.nat.Injector;
import io.jwfp.callouts.samples.nat.IpRewrite;
import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsInjectCompleteFn;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.ParsedPacket;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * BOT-Man-JL's traffic redirection driver (seed-samples §7) for one configuration. Applications talk to
 * RemoteReal:RemoteRealPort; the wire carries RemoteFake:RemoteFakePort (and, used at both ends, fake local addresses
 * and MACs too); the applications never see the fake values.
 *
 * <table>
 *   <tr><th>layer</th><th>packets</th><th>rewrite, then</th></tr>
 *   <tr><td>OUTBOUND_IPPACKET_V4</td><td>to RemoteReal</td><td>destination → RemoteFake, destination port
 *   RemoteRealPort → RemoteFakePort, source port LocalRealPort → LocalFakePort; FwpsInjectNetworkSendAsync0</td></tr>
 *   <tr><td>INBOUND_IPPACKET_V4</td><td>from RemoteFake</td><td>source → RemoteReal, source port RemoteFakePort →
 *   RemoteRealPort, destination port LocalFakePort → LocalRealPort; FwpsInjectNetworkReceiveAsync0</td></tr>
 *   <tr><td>OUTBOUND_MAC_FRAME_ETHERNET</td><td>IPv4 LocalReal → RemoteFake</td><td>source MAC → LocalEthernetAddress,
 *   destination MAC → RemoteEthernetAddress, source → LocalFake; FwpsInjectMacSendAsync0</td></tr>
 *   <tr><td>INBOUND_MAC_FRAME_ETHERNET</td><td>IPv4 RemoteFake → LocalFake</td><td>destination → LocalReal,
 *   destination MAC → the interface's; FwpsInjectMacReceiveAsync0</td></tr>
 *   <tr><td>*_DISCARD</td><td>anything</td><td>logged with the discard module and reason, permitted (diagnostic)</td></tr>
 * </table>
 *
 * <p>Where it differs from the sample, on purpose: every checksum a rewrite touches is patched (RFC 1624; the sample
 * recomputes none and works only with NIC offload); every list of a chain is rewritten, not just the first; a port is
 * rewritten only where the transport header is — later fragments are never read as ports, and inbound fragments pass
 * the IP layer untouched while the datagram reassembled from them is rewritten whole; the MAC layers rewrite the
 * address in every fragment. The sample's INBOUND_TRANSPORT "temp" callout, which ended up blocking everything from
 * RemoteFake that reached transport unrewritten, is left out. The inbound MAC rewrite also restores the destination MAC
 * (Linux's IP layer drops frames for a foreign MAC even when the NIC is promiscuous, seed-samples §11).
 *
 * <p>Each callout injects with its own handle, so a packet one of them injected is seen by the others as injected by
 * someone else and rewritten at their layer, and by itself as its own (the loop guard). Thread-safe: counters are
 * atomic, the discard log is synchronized.
 */
public final class TrafficRedirector {
    static final int ETHERNET_HEADER = 14;
    static final int DISCARD_LOG = 256;

    /** One record of the diagnostic discard callout. */
    public record Discard(String layer, int module, int reason, long filterId, String packet) {}

    private static final FwpsInjectCompleteFn FREE = (ctx, nbl, status, dispatch) -> { };

    private final RedirectConfig config;
    private final Deque<Discard> discards = new ArrayDeque<>();
    final AtomicLong outboundRewritten = new AtomicLong();
    final AtomicLong inboundRewritten = new AtomicLong();
    final AtomicLong framesOutRewritten = new AtomicLong();
    final AtomicLong framesInRewritten = new AtomicLong();
    final AtomicLong fragmentsPassed = new AtomicLong();
    final AtomicLong ownInjectionsSeen = new AtomicLong();
    final AtomicLong injectFailures = new AtomicLong();
    final AtomicLong classifies = new AtomicLong();

    TrafficRedirector(RedirectConfig config) {
        this.config = config;
    }

    RedirectConfig config() {
        return config;
    }

    /** A new network-layer injector (one per callout). */
    static Injector networkInjector() {
        return new Injector(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
    }

    /** A new MAC-layer injector (one per callout). */
    static Injector l2Injector() {
        return new Injector(AddressFamily.AF_UNSPEC, FwpsKernel.FWPS_INJECTION_TYPE_L2);
    }

    /**
     * The common start of every rewriting classify; returns the kernel, or null when the callout lets the packet pass
     * ({@code active} false: the configuration switched this callout's rewrite off).
     */
    private FwpsKernel begin(ClassifyContext ctx, Object layerData, Injector injector, boolean active, FwpsClassifyOut out) {
        classifies.incrementAndGet();
        if (!active && out.canWrite()) {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return null;
        }
        return injector.begin(ctx, layerData, out, ownInjectionsSeen);
    }

    /** The port to write when {@code actual} is the configured {@code from} (and the header is there), else -1. */
    private static int mapped(ParsedPacket p, int actual, int from, int to) {
        boolean header = p.has(ParsedPacket.HAS_PORTS) && IpRewrite.hasTransportHeader(p);
        return header && from != 0 && actual == from ? to : -1;
    }

    private void rewriteChain(FwpsKernel k, Object data, int retreat, int ipAt, ChainRewrite.Match match,
                              ChainRewrite.Edit edit, ChainRewrite.Inject inject, AtomicLong counter, FwpsClassifyOut out) {
        counter.addAndGet(ChainRewrite.apply(k, (NetBufferList) data, retreat, ipAt, match, edit, inject, injectFailures, out));
    }

    /** The classifyFn at FWPM_LAYER_OUTBOUND_IPPACKET_V4 (data offset: the IP header). */
    void classifyOutboundIp(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object data, ClassifyContext ctx,
                            Injector injector, FwpsClassifyOut out) {
        FwpsKernel k = begin(ctx, data, injector, true, out);
        if (k == null) return;
        rewriteChain(k, data, 0, 0, p -> config.remoteReal().isDestinationOf(p), (copy, ip, p) -> {
            int sport = mapped(p, p.srcPort(), config.localRealPort(), config.localFakePort());
            ChainRewrite.rewrite(copy, ip, IpRewrite.Side.DESTINATION, config.remoteFake(),
                    mapped(p, p.dstPort(), config.remoteRealPort(), config.remoteFakePort()));
            if (sport >= 0) ChainRewrite.rewrite(copy, ip, IpRewrite.Side.SOURCE, null, sport);
        }, copy -> k.injectNetworkSendAsync(injector.handle(k), null, 0, meta.compartmentId, copy, FREE, null),
                outboundRewritten, out);
    }

    /** The classifyFn at FWPM_LAYER_INBOUND_IPPACKET_V4 (data offset: the transport header). */
    void classifyInboundIp(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object data, ClassifyContext ctx,
                           Injector injector, FwpsClassifyOut out) {
        FwpsKernel k = begin(ctx, data, injector, true, out);
        if (k == null) return;
        if (ChainRewrite.passesFragment(in, meta, fragmentsPassed, out)) return;
        int ifIndex = Incoming.interfaceIndex(in), subIf = Incoming.subInterfaceIndex(in);
        rewriteChain(k, data, meta.ipHeaderSize, 0, p -> config.remoteFake().isSourceOf(p), (copy, ip, p) -> {
            int dport = mapped(p, p.dstPort(), config.localFakePort(), config.localRealPort());
            ChainRewrite.rewrite(copy, ip, IpRewrite.Side.SOURCE, config.remoteReal(),
                    mapped(p, p.srcPort(), config.remoteFakePort(), config.remoteRealPort()));
            if (dport >= 0) ChainRewrite.rewrite(copy, ip, IpRewrite.Side.DESTINATION, null, dport);
        }, copy -> k.injectNetworkReceiveAsync(injector.handle(k), null, 0, meta.compartmentId, ifIndex, subIf, copy,
                FREE, null), inboundRewritten, out);
    }

    /** The classifyFn at FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET (data offset: the Ethernet header). */
    void classifyOutboundMac(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object data, ClassifyContext ctx,
                             Injector injector, FwpsClassifyOut out) {
        FwpsKernel k = begin(ctx, data, injector, config.rewritesLocalAddress(), out);
        if (k == null) return;
        int ifIndex = Incoming.interfaceIndex(in);
        rewriteChain(k, data, 0, ETHERNET_HEADER,
                p -> config.localReal().isSourceOf(p) && config.remoteFake().isDestinationOf(p), (copy, ip, p) -> {
                    if (config.remoteMac() != 0) putMac(copy.segment(), copy.dataOffset(), config.remoteMac());
                    if (config.localMac() != 0) putMac(copy.segment(), copy.dataOffset() + 6, config.localMac());
                    ChainRewrite.rewrite(copy, ip, IpRewrite.Side.SOURCE, config.localFake(), -1);
                }, copy -> k.injectMacSendAsync(injector.handle(k), null, 0,
                        Layer.FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET.layerId(), ifIndex, 0, copy, FREE, null),
                framesOutRewritten, out);
    }

    /** The classifyFn at FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET (data offset: the IP header). */
    void classifyInboundMac(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object data, ClassifyContext ctx,
                            Injector injector, FwpsClassifyOut out) {
        FwpsKernel k = begin(ctx, data, injector, config.rewritesLocalAddress(), out);
        if (k == null) return;
        int ifIndex = Incoming.interfaceIndex(in);
        long ifMac = Incoming.value(in, Conditions.FWPM_CONDITION_INTERFACE_MAC_ADDRESS);
        rewriteChain(k, data, ETHERNET_HEADER, ETHERNET_HEADER,
                p -> config.remoteFake().isSourceOf(p) && config.localFake().isDestinationOf(p), (copy, ip, p) -> {
                    if (ifMac > 0) putMac(copy.segment(), copy.dataOffset(), ifMac);
                    ChainRewrite.rewrite(copy, ip, IpRewrite.Side.DESTINATION, config.localReal(), -1);
                }, copy -> k.injectMacReceiveAsync(injector.handle(k), null, 0,
                        Layer.FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET.layerId(), ifIndex, 0, copy, FREE, null),
                framesInRewritten, out);
    }

    /** The classifyFn at the discard layers: logs why the packet is being dropped and permits (diagnostic). */
    void classifyDiscard(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object data, ClassifyContext ctx,
                         FwpsClassifyOut out) {
        classifies.incrementAndGet();
        String packet = "";
        if (data instanceof NetBufferList nbl) {
            ParsedPacket p = new ParsedPacket();
            long back = in.layer().name().startsWith("FWPM_LAYER_INBOUND_IPPACKET") && meta.isPresent(
                    FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_IP_HEADER_SIZE) ? meta.ipHeaderSize : 0;
            if (in.layer().name().startsWith("FWPM_LAYER_INBOUND_TRANSPORT")) back = meta.ipHeaderSize + meta.transportHeaderSize;
            if (nbl.headroom() >= back) packet = describe(IpRewrite.parse(nbl, nbl.dataOffset() - back, p));
        }
        Discard d = new Discard(in.layer().name(), meta.discardModule, meta.discardReason, meta.discardFilterId, packet);
        synchronized (discards) {
            discards.addLast(d);
            if (discards.size() > DISCARD_LOG) discards.removeFirst();
        }
        if (out.canWrite()) out.actionType = ActionType.FWP_ACTION_PERMIT;
    }

    private static String describe(ParsedPacket p) {
        if (!p.has(ParsedPacket.HAS_IP)) return "?";
        boolean v4 = p.ipVersion() == 4;
        String s = InetBits.toText(v4 ? InetBits.toInet4(p.srcV4()) : InetBits.toInet6(p.srcHi(), p.srcLo()));
        String d = InetBits.toText(v4 ? InetBits.toInet4(p.dstV4()) : InetBits.toInet6(p.dstHi(), p.dstLo()));
        return p.has(ParsedPacket.HAS_PORTS) ? "proto " + p.protocol() + " " + s + ":" + p.srcPort() + " > " + d + ":"
                + p.dstPort() : "proto " + p.protocol() + " " + s + " > " + d;
    }

    private static void putMac(MemorySegment seg, long off, long mac) {
        for (int i = 0; i < 6; i++) seg.set(ValueLayout.JAVA_BYTE, off + i, (byte) (mac >>> (8 * (5 - i))));
    }

    /** The diagnostic callout's records, oldest first. */
    public List<Discard> discards() {
        synchronized (discards) {
            return new ArrayList<>(discards);
        }
    }

    /** Run-time control: {@code stats}, {@code discards}. */
    Object control(String command, Map<String, Object> args) {
        return switch (command) {
            case "stats" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("classifies", classifies.get());
                m.put("outboundRewritten", outboundRewritten.get());
                m.put("inboundRewritten", inboundRewritten.get());
                m.put("framesOutRewritten", framesOutRewritten.get());
                m.put("framesInRewritten", framesInRewritten.get());
                m.put("fragmentsPassed", fragmentsPassed.get());
                m.put("ownInjectionsSeen", ownInjectionsSeen.get());
                m.put("injectFailures", injectFailures.get());
                m.put("discards", discards().size());
                yield m;
            }
            case "discards" -> {
                List<Object> l = new ArrayList<>();
                for (Discard d : discards()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("layer", d.layer());
                    m.put("module", d.module());
                    m.put("reason", d.reason());
                    m.put("filterId", d.filterId());
                    m.put("packet", d.packet());
                    l.add(m);
                }
                yield l;
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "' (expected: stats, discards)");
        };
    }
}

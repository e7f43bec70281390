package io.jwfp.callouts.samples.portforward;

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
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The port forwarder of one configuration: local address and port A ({@code ListenAddress:ListenPort}) is served by
 * B ({@code TargetAddress:TargetPort}) on the same host, by rewriting IP headers (the seed's second application).
 *
 * <ul>
 *   <li><b>Inbound</b> (FWPM_LAYER_INBOUND_IPPACKET_V4/V6): a TCP or UDP packet for A is copied, its destination
 *   rewritten to B (IP and transport checksums patched, RFC 1624), the original absorbed and the copy injected with
 *   FwpsInjectNetworkReceiveAsync0; the copy is classified again from INBOUND_IPPACKET up and reaches B's socket. The
 *   peer (protocol, address, port) is remembered.</li>
 *   <li><b>Outbound</b> (FWPM_LAYER_OUTBOUND_IPPACKET_V4/V6): a packet from B to a remembered peer gets A as its
 *   source and is send-injected (FwpsInjectNetworkSendAsync0), so the peer sees A. Packets from B to anyone else —
 *   clients that talk to B directly — are not touched.</li>
 *   <li>Own injections pass (FwpsQueryPacketInjectionState0): the loop guard. Fragments pass the inbound layer
 *   untouched; the datagram reassembled from them comes back with FWP_CONDITION_FLAG_IS_REASSEMBLED and is forwarded
 *   whole (outbound, the layer sees datagrams before fragmentation).</li>
 * </ul>
 * Peers are kept until a RST is seen, a SYN from the same peer port goes to B directly, or the table's 65,536
 * least recently used entries overflow.
 *
 * <p>Thread-safe: classify may run on several threads; the peer table is synchronized, counters are atomic.
 */
public final class PortForwarder {
    static final int MAX_PEERS = 65_536;

    private record Peer(int protocol, long hi, long lo, int port) {}

    private final PortForwardConfig config;
    private final AddressFamily family;
    private final Injector inbound;
    private final Injector outbound;
    private final Map<Peer, Boolean> peers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Peer, Boolean> eldest) {
            return size() > MAX_PEERS;
        }
    };
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong repliesRewritten = new AtomicLong();
    final AtomicLong ownInjectionsSeen = new AtomicLong();
    final AtomicLong fragmentsPassed = new AtomicLong();
    final AtomicLong injectFailures = new AtomicLong();

    PortForwarder(PortForwardConfig config) {
        this.config = config;
        this.family = config.listenAddress().isV4() ? AddressFamily.AF_INET : AddressFamily.AF_INET6;
        // One handle per direction (WinDivert #206: separate inbound and outbound injectors).
        this.inbound = new Injector(family, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
        this.outbound = new Injector(family, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
    }

    PortForwardConfig config() {
        return config;
    }

    private static final FwpsInjectCompleteFn FREE = (ctx, nbl, status, dispatch) -> { };

    private boolean wanted(int protocol) {
        return protocol == IpProtocol.TCP ? config.tcp() : protocol == IpProtocol.UDP && config.udp();
    }

    private static Peer peerOf(ParsedPacket p, boolean source) {
        boolean v4 = p.ipVersion() == 4;
        long hi = v4 ? 0 : source ? p.srcHi() : p.dstHi();
        long lo = v4 ? (source ? p.srcV4() : p.dstV4()) : source ? p.srcLo() : p.dstLo();
        return new Peer(p.protocol(), hi, lo, source ? p.srcPort() : p.dstPort());
    }

    private boolean forA(ParsedPacket p) {
        return p.has(ParsedPacket.HAS_PORTS) && wanted(p.protocol()) && config.listenAddress().isDestinationOf(p)
                && p.dstPort() == config.listenPort();
    }

    private boolean fromBToAPeer(ParsedPacket p) {
        if (!p.has(ParsedPacket.HAS_PORTS) || !wanted(p.protocol()) || !config.targetAddress().isSourceOf(p)
                || p.srcPort() != config.targetPort()) return false;
        synchronized (peers) {
            return peers.containsKey(peerOf(p, false));
        }
    }

    /** The classifyFn at FWPM_LAYER_INBOUND_IPPACKET_V4/V6 (data offset: the transport header). */
    void classifyInbound(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                         ClassifyContext ctx, FwpsClassifyOut out) {
        FwpsKernel k = inbound.begin(ctx, layerData, out, ownInjectionsSeen);
        if (k == null) return;
        if (ChainRewrite.passesFragment(in, meta, fragmentsPassed, out)) return;
        int ifIndex = Incoming.interfaceIndex(in), subIf = Incoming.subInterfaceIndex(in);
        forwarded.addAndGet(ChainRewrite.apply(k, (NetBufferList) layerData, meta.ipHeaderSize, 0, p -> {
            if (forA(p)) return true;
            forgetDirectSyn(p);
            return false;
        }, (copy, ip, p) -> {
            remember(peerOf(p, true), p);
            ChainRewrite.rewrite(copy, ip, IpRewrite.Side.DESTINATION, config.targetAddress(), config.targetPort());
        }, copy -> k.injectNetworkReceiveAsync(inbound.handle(k), null, 0, meta.compartmentId, ifIndex, subIf, copy,
                FREE, null), injectFailures, out));
    }

    /** The classifyFn at FWPM_LAYER_OUTBOUND_IPPACKET_V4/V6 (data offset: the IP header). */
    void classifyOutbound(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                          ClassifyContext ctx, FwpsClassifyOut out) {
        FwpsKernel k = outbound.begin(ctx, layerData, out, ownInjectionsSeen);
        if (k == null) return;
        repliesRewritten.addAndGet(ChainRewrite.apply(k, (NetBufferList) layerData, 0, 0,
                p -> !p.has(ParsedPacket.FRAGMENT) && fromBToAPeer(p), (copy, ip, p) -> {
                    if (p.protocol() == IpProtocol.TCP && (p.tcpFlags() & TcpView.FLAG_RST) != 0) forget(peerOf(p, false));
                    ChainRewrite.rewrite(copy, ip, IpRewrite.Side.SOURCE, config.listenAddress(), config.listenPort());
                }, copy -> k.injectNetworkSendAsync(outbound.handle(k), null, 0, meta.compartmentId, copy, FREE, null),
                injectFailures, out));
    }

    private void remember(Peer peer, ParsedPacket p) {
        boolean rst = p.protocol() == IpProtocol.TCP && (p.tcpFlags() & TcpView.FLAG_RST) != 0;
        synchronized (peers) {
            if (rst) peers.remove(peer);
            else peers.put(peer, Boolean.TRUE);
        }
    }

    private void forget(Peer peer) {
        synchronized (peers) {
            peers.remove(peer);
        }
    }

    /** A new connection from a remembered peer port straight to B: its replies must keep B as their source. */
    private void forgetDirectSyn(ParsedPacket p) {
        if (p.protocol() == IpProtocol.TCP && p.has(ParsedPacket.HAS_PORTS)
                && (p.tcpFlags() & (TcpView.FLAG_SYN | TcpView.FLAG_ACK)) == TcpView.FLAG_SYN
                && config.targetAddress().isDestinationOf(p) && p.dstPort() == config.targetPort()) {
            forget(peerOf(p, true));
        }
    }

    /** The peers currently remembered. */
    int peerCount() {
        synchronized (peers) {
            return peers.size();
        }
    }

    /** Run-time control: {@code stats}. */
    Object control(String command, Map<String, Object> args) {
        if (!command.equals("stats")) throw new IllegalArgumentException("unknown command '" + command + "' (expected: stats)");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("listen", config.listenAddress() + ":" + config.listenPort());
        m.put("target", config.targetAddress() + ":" + config.targetPort());
        m.put("forwarded", forwarded.get());
        m.put("repliesRewritten", repliesRewritten.get());
        m.put("ownInjectionsSeen", ownInjectionsSeen.get());
        m.put("fragmentsPassed", fragmentsPassed.get());
        m.put("injectFailures", injectFailures.get());
        m.put("peers", peerCount());
        return m;
    }
}

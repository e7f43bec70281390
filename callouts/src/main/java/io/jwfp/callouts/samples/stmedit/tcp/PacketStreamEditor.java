package io.jwfp.callouts.samples.stmedit.tcp;

import io.jwfp.callouts.samples.stmedit.StmeditConfig;
import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * stmedit for a shim without a stream layer: a callout at FWPM_LAYER_OUTBOUND_IPPACKET_V4/V6 and
 * FWPM_LAYER_INBOUND_IPPACKET_V4/V6 that hands every packet of a chosen TCP connection to that connection's
 * {@link TcpStreamRewriter} and sends what it returns instead (block-absorb the original, inject the rewritten
 * packets at the network layer; its own injections pass). The edit is the sample's: StringToFind to StringX, then,
 * with MultipleCallouts, StringX to StringToReplace — both directions. Connections are chosen when their SYN passes,
 * by InspectionLocalPort, InspectionRemotePort and InspectionDirection (IP packet layers have no port conditions).
 *
 * <p>Thread safety: classify may run on several threads; the connection table is synchronized and each rewriter
 * serializes its own packets. Packets of one connection must reach the rewriter in the order the shim sees them.
 */
public final class PacketStreamEditor {
    /** Connections whose rewriters are kept at most (closed ones are dropped first). */
    static final int MAX_CONNECTIONS = 65_536;

    private final StmeditConfig config;
    private volatile FwpsKernel kernel;
    private volatile InjectionHandle handle;
    private final Map<String, TcpStreamRewriter> connections = new LinkedHashMap<>();
    private final ParsedPacket parsed = new ParsedPacket();
    final AtomicLong rewritten = new AtomicLong();
    final AtomicLong injectFailures = new AtomicLong();

    /** Editors by engine and configuration; weak values, so an editor (which references its kernel) can go. */
    private static final Map<FwpsKernel, Map<Map<String, Object>, WeakReference<PacketStreamEditor>>> SHARED =
            new WeakHashMap<>();

    /**
     * The editor for {@code config} on an engine: the callouts at the outbound and inbound layers (and V4 and V6)
     * of one policy each get their own callout object but must share one connection table, since a connection's
     * rewriter sees both directions. Callouts with equal configuration on one engine share it.
     */
    public static PacketStreamEditor shared(FwpsKernel kernel, StmeditConfig config) {
        synchronized (SHARED) {
            Map<Map<String, Object>, WeakReference<PacketStreamEditor>> byConfig =
                    SHARED.computeIfAbsent(kernel, k -> new java.util.HashMap<>());
            WeakReference<PacketStreamEditor> ref = byConfig.get(config.asRegistryValues());
            PacketStreamEditor e = ref == null ? null : ref.get();
            if (e == null) {
                e = new PacketStreamEditor(config, kernel);
                byConfig.put(config.asRegistryValues(), new WeakReference<>(e));
            }
            return e;
        }
    }

    public PacketStreamEditor(StmeditConfig config, FwpsKernel kernel) {
        this.config = config;
        this.kernel = kernel;
    }

    /** Set by {@code stop}: no new connections, no more edits; existing connections keep being renumbered. */
    private volatile boolean stopping;

    /** The edit of one direction's data, as the two sets chain it; it stops editing when the callout stops. */
    StreamTransform transform() {
        StreamTransform t = new FindReplace(config.stringToFind(), config.stringX());
        if (config.multipleCallouts()) t = StreamTransform.chain(t, new FindReplace(config.stringX(), config.stringToReplace()));
        return StreamTransform.stoppable(t, () -> stopping);
    }

    public FwpsCallout callout(UUID key) {
        return new FwpsCallout(key, 0, this::classify, null, null, this::control);
    }

    private void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                          ClassifyContext ctx, FwpsFilter filter, long flowContext, FwpsClassifyOut out) {
        if (!(layerData instanceof NetBufferList nbl) || !out.canWrite()) return;
        FwpsKernel k = kernel != null ? kernel : ctx.kernel();
        if (k == null) return;
        kernel = k;
        InjectionHandle h = handle();
        FwpsPacketInjectionState st = k.queryPacketInjectionState(h, nbl);
        if (st == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF
                || st == FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF) {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return;
        }
        Layer layer = in.layer();
        boolean outbound = layer == Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4 || layer == Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V6;
        // At INBOUND_IPPACKET the data starts after the IP header: reach back to it, as WFP callouts do.
        int back = outbound ? 0 : meta.ipHeaderSize;
        nbl.retreat(back);
        byte[] pkt = nbl.toByteArray();
        nbl.advance(back);
        TcpStreamRewriter rw = rewriterFor(pkt, outbound);
        if (rw == null) {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return;
        }
        List<byte[]> packets = rw.rewrite(pkt, outbound);
        if (packets.size() == 1 && Arrays.equals(packets.getFirst(), pkt)) {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return;
        }
        rewritten.incrementAndGet();
        int ifIndex = (int) value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX);
        int subIf = (int) Math.max(0, value(in, Conditions.FWPM_CONDITION_SUB_INTERFACE_INDEX));
        for (byte[] p : packets) {
            NetBufferList n = NetBufferList.wrap(p);
            NtStatus s = outbound
                    ? k.injectNetworkSendAsync(h, null, 0, meta.compartmentId, n, null, null)
                    : k.injectNetworkReceiveAsync(h, null, 0, meta.compartmentId, ifIndex, subIf, n, null, null);
            if (!s.isSuccess()) injectFailures.incrementAndGet(); // as a lost packet: TCP sends it again
        }
        out.absorb();
    }

    private InjectionHandle handle() {
        InjectionHandle h = handle;
        if (h == null) {
            synchronized (this) {
                if (handle == null) handle = kernel.injectionHandleCreate(AddressFamily.AF_UNSPEC,
                        FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
                h = handle;
            }
        }
        return h;
    }

    private static long value(FwpsIncomingValues in, io.jwfp.engine.layer.ConditionKey c) {
        int i = in.layer().fieldIndex(c);
        return i < 0 || in.isEmpty(i) ? -1 : in.keyLo(i);
    }

    /** The connection's rewriter; a new one for a SYN that the configuration selects; else null. */
    private synchronized TcpStreamRewriter rewriterFor(byte[] pkt, boolean outbound) {
        MemorySegment seg = MemorySegment.ofArray(pkt);
        if (!PacketParser.parseIp(seg, 0, pkt.length, parsed) || parsed.protocol() != IpProtocol.TCP
                || parsed.transportHeaderSize() < 20) {
            return null;
        }
        int sport = parsed.srcPort(), dport = parsed.dstPort();
        int localPort = outbound ? sport : dport, remotePort = outbound ? dport : sport;
        String src = parsed.ipVersion() == 4 ? Long.toHexString(parsed.srcV4() & 0xFFFF_FFFFL)
                : Long.toHexString(parsed.srcHi()) + "." + Long.toHexString(parsed.srcLo());
        String dst = parsed.ipVersion() == 4 ? Long.toHexString(parsed.dstV4() & 0xFFFF_FFFFL)
                : Long.toHexString(parsed.dstHi()) + "." + Long.toHexString(parsed.dstLo());
        String key = (outbound ? src + "/" + dst : dst + "/" + src) + "/" + localPort + "/" + remotePort;
        TcpStreamRewriter rw = connections.get(key);
        int flags = TcpStreamRewriter.u16(pkt, (int) parsed.transportOffset() + 12) & TcpView.FLAGS_MASK;
        boolean syn = (flags & (TcpView.FLAG_SYN | TcpView.FLAG_ACK)) == TcpView.FLAG_SYN;
        if (syn && (rw == null || rw.isClosed())) {
            rw = null;
            connections.remove(key);
            if (!stopping && selects(localPort, remotePort, outbound)) {
                if (connections.size() >= MAX_CONNECTIONS) evict();
                rw = new TcpStreamRewriter(transform(), transform());
                connections.put(key, rw);
            }
        }
        return rw;
    }

    private boolean selects(int localPort, int remotePort, boolean outboundConnection) {
        if (config.inspectionLocalPort() != 0 && localPort != config.inspectionLocalPort()) return false;
        if (config.inspectionRemotePort() != 0 && remotePort != config.inspectionRemotePort()) return false;
        return switch (config.inspectionDirection()) {
            case StmeditConfig.DIRECTION_OUTBOUND -> outboundConnection;
            case StmeditConfig.DIRECTION_INBOUND -> !outboundConnection;
            default -> true;
        };
    }

    private void evict() {
        var it = connections.entrySet().iterator();
        boolean any = false;
        while (it.hasNext()) {
            if (it.next().getValue().isClosed()) {
                it.remove();
                any = true;
            }
        }
        if (!any) {
            it = connections.entrySet().iterator();
            it.next();
            it.remove(); // the oldest
        }
    }

    /**
     * {@code stats}; {@code stop}: edit nothing more (held bytes go out unedited with the next data) and take no new
     * connection, but keep renumbering the connections already edited — once lengths changed, their two ends count
     * differently and would break without it. Stop, wait until {@code stats} shows every connection closed, then
     * remove the policy.
     */
    private Object control(String command, Map<String, Object> arguments) {
        if (command.equals("stop")) stopping = true;
        else if (!command.equals("stats")) throw new IllegalArgumentException("unknown command '" + command + "' (expected: stats, stop)");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stopping", stopping);
        synchronized (this) {
            m.put("connections", (long) connections.size());
            long closed = connections.values().stream().filter(TcpStreamRewriter::isClosed).count();
            m.put("closed", closed);
            Map<String, Long> sum = new java.util.TreeMap<>();
            // Counters and current sizes add up over the connections; the high-water marks are the highest one.
            for (TcpStreamRewriter rw : connections.values()) {
                rw.stats().forEach((k, v) -> sum.merge(k, v, k.endsWith("Max") ? Long::max : Long::sum));
            }
            m.putAll(sum);
        }
        m.put("packetsRewritten", rewritten.get());
        m.put("injectFailures", injectFailures.get());
        return m;
    }

    /** The provider: {@code stmedit-packet}, for OUTBOUND_IPPACKET_V4/V6 and INBOUND_IPPACKET_V4/V6. */
    public static final class Provider implements CalloutProvider {
        static final Set<String> KEYS = Set.of(StmeditConfig.STRING_TO_FIND, StmeditConfig.STRING_X,
                StmeditConfig.STRING_TO_REPLACE, StmeditConfig.MULTIPLE_CALLOUTS, StmeditConfig.INSPECTION_LOCAL_PORT,
                StmeditConfig.INSPECTION_REMOTE_PORT, StmeditConfig.INSPECTION_DIRECTION);

        @Override
        public String id() {
            return "stmedit-packet";
        }

        @Override
        public String description() {
            return "stmedit at the IP packet layers: per-connection TCP payload rewriting (SEQ/ACK/SACK moved)";
        }

        @Override
        public FwpsCallout create(UUID key, Map<String, Object> config) {
            return create(key, config, null);
        }

        @Override
        public FwpsCallout create(UUID key, Map<String, Object> config, FwpsKernel kernel) {
            return shared(kernel, StmeditConfig.parse(config, KEYS, id())).callout(key);
        }
    }
}

package io.jwfp.shim.pcap.replay;

import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.flow.FlowKey;
import io.jwfp.engine.flow.FlowKeyTable;
import io.jwfp.engine.kernel.FwpsInjectCompleteFn;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.InjectionTags;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Indications;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.PacketLayerWalk;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.EthernetView;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.PacketRewrite;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.shim.pcap.CaptureFormatException;
import io.jwfp.shim.pcap.CaptureReader;
import io.jwfp.shim.pcap.CaptureRecord;
import io.jwfp.shim.pcap.LinkTypes;
import io.jwfp.shim.pcap.PcapngWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a capture through WFP's layers as one host saw it: the host owns the {@code --local} prefixes, so a packet
 * from a local address to a remote one is sent (outbound), the reverse received (inbound), one between two local
 * addresses is loopback (sent, then received, both with FWP_CONDITION_FLAG_IS_LOOPBACK), and one between two remote
 * addresses is forwarded (FWPM_LAYER_IPFORWARD). The layers, in Windows' order (the NFQUEUE shim's, wfp-semantics §4):
 * <ul>
 *   <li>outbound: ALE_AUTH_CONNECT (first packet of a new flow) → ALE_FLOW_ESTABLISHED (datagram flows, with their
 *   first packet) → DATAGRAM_DATA (UDP, ICMP queries) → OUTBOUND_ICMP_ERROR → OUTBOUND_TRANSPORT →
 *   OUTBOUND_IPPACKET;</li>
 *   <li>inbound: INBOUND_IPPACKET → INBOUND_TRANSPORT (REQUIRES_ALE_CLASSIFY on a new flow) → INBOUND_ICMP_ERROR →
 *   ALE_AUTH_RECV_ACCEPT (new flow) → ALE_FLOW_ESTABLISHED (datagram flows with their first packet; TCP when its
 *   handshake completes: the SYN-ACK of a connect, the final ACK of an accept) → DATAGRAM_DATA.</li>
 * </ul>
 * Flows are tracked from the packets: ALE classifies a flow once. A TCP flow starts with a SYN; one whose SYN is not in
 * the capture is authorized at its first packet (opened by the side that sent the SYN of a SYN-ACK, else by the side
 * with the higher port) and established at once; a SYN after a FIN or RST starts a new flow on the same 5-tuple; a RST
 * opens nothing. Datagram flows start with their first packet and end after {@link #DATAGRAM_IDLE_NANOS} of capture
 * time without one. A flow an ALE layer blocked stays blocked: its later packets are dropped under the same decision
 * without being classified again. A layer without filters is skipped. A block ends the packet's walk.
 *
 * <p>Callouts run as on the other shims ({@link ReplayKernel}): a packet a callout replaced is written modified. What
 * was permitted is written to the output capture, frames that carry no IP packet included (WFP's IP layers never see
 * them); malformed IP packets are counted and dropped, as the IP stack would drop them.
 *
 * <p>A replay holds its own {@link BaseFilteringEngine} with the policy applied. Not thread-safe: one thread replays;
 * a replay of a known flow's packet allocates nothing.
 */
public final class Replay extends PacketLayerWalk {
    /** Capture time after which a datagram (UDP, ICMP) flow without packets has ended (Windows' UDP idle time). */
    public static final long DATAGRAM_IDLE_NANOS = 60_000_000_000L;
    /** Packets callouts may inject per capture record, to stop a callout that injects its own packets again. */
    static final int MAX_INJECTED_PER_RECORD = 64;
    private static final int COMPARTMENT = 1;
    private static final int PROGRESS_EVERY = 1 << 14;

    /** Told of progress while a capture replays (every 16384 packets, and once at the end). */
    @FunctionalInterface
    public interface Progress {
        void update(long bytesRead, long bytesTotal, long packets);
    }

    private final BaseFilteringEngine bfe;
    private final FilterEngine engine;
    private final ReplayKernel kernel;
    private final LocalPrefixes local;

    // Reused per packet.
    private final EthernetView eth = new EthernetView();
    private final FwpsIncomingValues in = new FwpsIncomingValues();
    private final FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
    private final ClassifyResult result = new ClassifyResult();
    private FlowKeyTable<ReplayFlow> flows = new FlowKeyTable<>(1 << 14);
    private final Map<Long, ReplayFlow> flowsByHandle = new HashMap<>();
    private long nextFlowHandle = 1;

    // The run in progress.
    private ReplaySummary summary;
    private PcapngWriter out;
    private int[] outInterface = new int[4];
    private int rawInterface = -1;
    private MemorySegment fileSeg;
    private NetBufferList fileNbl;
    private long nowNanos;

    // The packet being classified: the capture's bytes, or a replacement or injected packet.
    private MemorySegment seg;
    private long ipOff;
    private int ipLen;
    private boolean loopback;
    private ReplayFlow flow;
    private boolean classifying;
    private Injection pending;
    private Injection applied;
    private final ArrayDeque<Injection> injections = new ArrayDeque<>();
    private int injectedThisRecord;

    /** A packet a callout injected: the complete IP packet, and where it re-enters the path. */
    private record Injection(ReplayKernel.Kind kind, InjectionHandle handle, NetBufferList list, byte[] bytes,
                             FwpsInjectCompleteFn completionFn, Object completionContext) {}

    private Replay(BaseFilteringEngine bfe, ReplayKernel kernel, LocalPrefixes local) {
        this.bfe = bfe;
        this.engine = bfe.filterEngine();
        this.kernel = kernel;
        this.local = local;
        kernel.attach(this);
    }

    /**
     * A replay against {@code policy}: a fresh engine with the policy's objects added in one transaction and its
     * callouts registered (implementations found on the class path).
     *
     * @throws io.jwfp.policy.PolicyException if the policy cannot be applied
     */
    public static Replay of(Policy policy, LocalPrefixes local) {
        FilterEngine fe = new FilterEngine();
        ReplayKernel k = new ReplayKernel(fe);
        fe.setKernel(k);
        BaseFilteringEngine bfe = BaseFilteringEngine.open(fe, null);
        // Net events would record every drop (an allocation per blocked packet); the summary counts them instead.
        bfe.setNetEventCollection(false, false);
        try (var session = bfe.openSession(FwpmSession.named("jwfp replay"))) {
            PolicyApplier.apply(policy, session, PolicyApplier.Mode.ADD);
        }
        return new Replay(bfe, k, local);
    }

    /** The engine the policy was applied to. */
    public BaseFilteringEngine bfe() {
        return bfe;
    }

    /**
     * Replays every packet of {@code reader}, writing what is permitted to {@code out} (null: nothing written). A
     * malformed or truncated record ends the replay: what came before is written and flushed, and the summary's
     * {@link ReplaySummary#problem()} names the record; the exception is then rethrown.
     *
     * @throws CaptureFormatException after the summary of what came before is complete (see {@link #lastSummary})
     */
    public ReplaySummary run(CaptureReader reader, PcapngWriter out, Progress progress)
            throws IOException, CaptureFormatException {
        ReplaySummary s = new ReplaySummary();
        s.output = out != null;
        summary = s;
        this.out = out;
        Arrays.fill(outInterface, -1);
        rawInterface = -1;
        fileSeg = null;
        if (flows.size() > 0) flows = new FlowKeyTable<>(1 << 14); // every run starts without flows
        CaptureRecord r = new CaptureRecord();
        long start = System.nanoTime();
        try {
            while (reader.next(r)) {
                record(r);
                if (progress != null && (s.records & (PROGRESS_EVERY - 1)) == 0) {
                    progress.update(reader.position(), reader.size(), s.records);
                }
            }
        } catch (CaptureFormatException e) {
            s.problem = e.getMessage();
            throw e;
        } finally {
            endFlows();
            s.elapsedNanos = System.nanoTime() - start;
            if (out != null) out.flush();
            if (progress != null) progress.update(reader.position(), reader.size(), s.records);
        }
        return s;
    }

    /** The summary of the last {@link #run} (also when it ended with an exception). */
    public ReplaySummary lastSummary() {
        return summary;
    }

    // ------------------------------------------------------------------------------------------------ records

    private void record(CaptureRecord r) throws IOException {
        ReplaySummary s = summary;
        s.records++;
        nowNanos = r.timestampNanos();
        MemorySegment file = r.segment();
        if (file != fileSeg) {
            fileSeg = file;
            fileNbl = NetBufferList.of(file, 0, file.byteSize());
        }
        int lt = r.linkType();
        long frame = r.dataOffset();
        int frameLen = r.capturedLength();
        if (!LinkTypes.isSupported(lt)) {
            s.unsupportedLink++;
            writeFrame(r, 0, null, 0, 0);
            return;
        }
        int ipo = LinkTypes.ipOffset(lt, file, frame, frameLen, eth);
        if (ipo < 0) {
            if (ipo == LinkTypes.TRUNCATED) {
                s.unparsed++; // shorter than its link header: nothing the stack would take
            } else {
                s.notIp++;
                writeFrame(r, 0, null, 0, 0);
            }
            return;
        }
        if (!PacketParser.parseIp(file, frame + ipo, frameLen - ipo, parsed)) {
            s.unparsed++;
            return;
        }
        s.ipPackets++;
        seg = file;
        ipOff = frame + ipo;
        ipLen = parsed.ipLength();
        nbl = fileNbl;
        nbl.setInjectionTag(null);
        applied = null;
        pending = null;
        lastAbsorbed = false;
        injectedThisRecord = 0;
        boolean ok = walk();
        if (ok) {
            s.permitted++;
            if (applied != null) {
                s.modified++;
                writeFrame(r, ipo, seg, ipOff, ipLen); // the link header kept, the IP packet the callout made
            } else {
                writeFrame(r, 0, null, 0, 0);
            }
        } else if (lastAbsorbed) {
            s.absorbed++;
        } else {
            s.blocked++;
        }
        if (applied != null) complete(applied, NtStatus.STATUS_SUCCESS);
        drainInjections();
    }

    /** Classifies the current packet on its path by direction; true when it goes on. */
    private boolean walk() {
        v6 = parsed.ipVersion() == 6;
        boolean srcLocal, dstLocal;
        boolean group;
        if (v6) {
            srcLocal = local.isLocalV6(parsed.srcHi(), parsed.srcLo());
            dstLocal = local.isLocalV6(parsed.dstHi(), parsed.dstLo());
            group = (parsed.dstHi() >>> 56) == 0xFF;
        } else {
            int dst = parsed.dstV4();
            srcLocal = local.isLocalV4(parsed.srcV4());
            dstLocal = local.isLocalV4(dst);
            group = (dst >>> 28) == 0xE || dst == -1;
        }
        // Multicast and broadcast: this host sends its own and receives the others'.
        if (group) dstLocal = !srcLocal;
        loopback = srcLocal && dstLocal;
        if (loopback) {
            summary.loopback++;
            return outbound(false) && inbound(false);
        }
        if (srcLocal) {
            summary.outbound++;
            return outbound(false);
        }
        if (dstLocal) {
            summary.inbound++;
            return inbound(false);
        }
        summary.forwarded++;
        flow = null;
        return forward(COMPARTMENT);
    }

    /** The facts of the current packet in the current direction, and its flow if one is known. */
    @Override
    protected void packetFacts() {
        facts.fromPacket(parsed, inbound);
        facts.compartmentId = COMPARTMENT;
        if (loopback) facts.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        flow = hasFlowKey() ? flows.find(v6, parsed.protocol(), facts.localHi, facts.localLo,
                FlowKey.localPort(parsed, inbound), facts.remoteHi, facts.remoteLo, FlowKey.remotePort(parsed, inbound))
                : null;
    }

    private boolean hasFlowKey() {
        return !parsed.has(ParsedPacket.ICMP_ERROR)
                && (parsed.has(ParsedPacket.HAS_TRANSPORT) || parsed.has(ParsedPacket.HAS_PORTS));
    }

    @Override
    protected boolean opensFlow() {
        return flow == null && hasFlowKey();
    }

    // ------------------------------------------------------------------------------------------------ ALE

    /**
     * The ALE part of a packet that is not an ICMP error (see the class comment); false when the packet is dropped.
     */
    @Override
    protected boolean ale() {
        if (!hasFlowKey()) return true; // a non-first fragment, or a protocol without a header jwfp reads: no flow
        int proto = parsed.protocol();
        boolean tcp = proto == IpProtocol.TCP;
        int tcpFlags = tcp ? parsed.tcpFlags() : 0;
        boolean syn = (tcpFlags & TcpView.FLAG_SYN) != 0;
        boolean ack = (tcpFlags & TcpView.FLAG_ACK) != 0;
        ReplayFlow f = flow;
        if (f != null) {
            boolean renewed = tcp ? syn && !ack && f.closing
                    : nowNanos - f.lastSeenNanos > DATAGRAM_IDLE_NANOS;
            if (renewed) {
                endFlow(f); // a new connection on the same 5-tuple, or a datagram flow that idled out
                f = null;
                flow = null;
            }
        }
        if (f == null) {
            if (tcp && (tcpFlags & TcpView.FLAG_RST) != 0) return true; // a RST opens nothing
            boolean opener = !tcp || syn && !ack ? inbound : openedInbound(syn);
            f = new ReplayFlow(nextFlowHandle++, v6, proto, facts.localHi, facts.localLo,
                    FlowKey.localPort(parsed, inbound), facts.remoteHi, facts.remoteLo,
                    FlowKey.remotePort(parsed, inbound), opener, ReplaySummary.LAYERS.size());
            f.lastSeenNanos = nowNanos;
            flows.insert(f);
            flowsByHandle.put(f.handle, f);
            flow = f;
            summary.flowsTotal++;
            Layer auth = v(opener ? FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 : FWPM_LAYER_ALE_AUTH_CONNECT_V4);
            if (!classifyAle(auth, f, opener, aleData(auth))) return blockFlow(f, auth);
            boolean midstream = tcp && !(syn && !ack);
            if ((!tcp || midstream) && !flowEstablished(f, !tcp)) return false;
        } else {
            f.lastSeenNanos = nowNanos;
            if (f.blocked()) {
                // Decided once: the packets of a refused flow are dropped under the same decision.
                summary.count(f.blockedSlot, f.blockedCell, f);
                lastAbsorbed = false;
                return false;
            }
            if (tcp && !f.established && inbound && handshakeDone(f, syn, ack) && !flowEstablished(f, false)) {
                return false;
            }
        }
        if (tcp) {
            if (!inbound) f.sentOutbound = true;
            if ((tcpFlags & (TcpView.FLAG_FIN | TcpView.FLAG_RST)) != 0) f.closing = true;
        }
        return true;
    }

    /** Who opened a TCP flow whose SYN the capture does not hold: the SYN-ACK's receiver, else the higher port. */
    private boolean openedInbound(boolean synAck) {
        if (synAck) return !inbound; // we answer the peer's SYN: the peer opened it
        int lp = FlowKey.localPort(parsed, inbound), rp = FlowKey.remotePort(parsed, inbound);
        return rp > lp;
    }

    /** The inbound packet that completes a handshake: the SYN-ACK of a connect, the final ACK of an accept. */
    private static boolean handshakeDone(ReplayFlow f, boolean syn, boolean ack) {
        return f.inbound ? ack && !syn && f.sentOutbound : syn && ack;
    }

    /** The ALE layers' layer data: the packet for datagrams and accepts, none for a TCP connect (as on Windows). */
    private NetBufferList aleData(Layer layer) {
        if (parsed.protocol() == IpProtocol.TCP && (layer == FWPM_LAYER_ALE_AUTH_CONNECT_V4
                || layer == FWPM_LAYER_ALE_AUTH_CONNECT_V6)) {
            return null;
        }
        return nbl;
    }

    private boolean classifyAle(Layer layer, ReplayFlow f, boolean flowInbound, Object data) {
        int savedDirection = facts.direction;
        facts.direction = flowInbound ? ConditionFlags.FWP_DIRECTION_INBOUND : ConditionFlags.FWP_DIRECTION_OUTBOUND;
        boolean ok = classify(layer, data);
        facts.direction = savedDirection;
        return ok;
    }

    private boolean flowEstablished(ReplayFlow f, boolean withPacket) {
        Layer layer = v(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
        if (!classifyAle(layer, f, f.inbound, withPacket ? nbl : null)) return blockFlow(f, layer);
        f.established = true;
        return true;
    }

    /** An ALE layer blocked the flow: remember the decision for its later packets. Returns false. */
    private boolean blockFlow(ReplayFlow f, Layer layer) {
        if (!f.blocked()) {
            f.blockedSlot = ReplaySummary.slot(layer);
            f.blockedCell = lastCell;
            summary.flowsBlocked++;
        }
        return false;
    }

    private void endFlow(ReplayFlow f) {
        flows.remove(f);
        flowsByHandle.remove(f.handle);
        if (engine.flowContexts().size() > 0) engine.flowDeleted(f.handle);
    }

    /** The replay is over: every flow ends (flow contexts go to their callouts' flowDeleteFn). */
    private void endFlows() {
        if (engine.flowContexts().size() > 0) {
            List<Long> handles = new ArrayList<>(flowsByHandle.keySet());
            for (long h : handles) engine.flowDeleted(h);
        }
        flowsByHandle.clear();
    }

    boolean flowExists(long handle) {
        return flowsByHandle.containsKey(handle);
    }

    // ------------------------------------------------------------------------------------------------ classify

    private int lastCell;
    /** The last classification absorbed the packet without a replacement. */
    private boolean lastAbsorbed;

    /**
     * Classifies the current packet (or ALE operation) at {@code layer} and counts the decision; true when the
     * packet goes on. Skips layers without filters.
     */
    @Override
    protected boolean classify(Layer layer, Object data) {
        if (!engine.hasFilters(layer)) return true;
        prepare(layer, data);
        classifying = true;
        try {
            engine.classify(in, meta, data, result);
        } finally {
            classifying = false;
        }
        ReplaySummary.Outcome outcome;
        boolean goesOn;
        Injection p = pending;
        pending = null;
        if (result.isBlock() && result.isAbsorbed()) {
            if (p != null && replace(p)) {
                outcome = ReplaySummary.Outcome.MODIFY;
                goesOn = true;
            } else {
                if (p != null) complete(p, NtStatus.STATUS_INVALID_PARAMETER); // not a packet: the original stays absorbed
                outcome = ReplaySummary.Outcome.ABSORB;
                goesOn = false;
            }
        } else {
            if (p != null) injections.add(p); // the original goes on; the injected packet follows it
            goesOn = !result.isBlock();
            outcome = goesOn ? ReplaySummary.Outcome.PERMIT : ReplaySummary.Outcome.BLOCK;
        }
        CompiledFilter d = result.decidingFilter();
        lastCell = summary.cell(d == null ? 0 : d.filterId(), d == null ? null : d.name(), outcome);
        summary.count(ReplaySummary.slot(layer), lastCell, flow);
        lastAbsorbed = outcome == ReplaySummary.Outcome.ABSORB;
        return goesOn;
    }

    private void prepare(Layer layer, Object data) {
        in.reset(layer);
        facts.fillInto(in);
        meta.reset();
        packetMetadata(meta, COMPARTMENT, flow == null ? 0 : flow.handle);
        if (data == nbl) Indications.place(nbl, layer, inbound, parsed, ipOff, ipLen);
    }

    // ------------------------------------------------------------------------------------------------ injection

    /**
     * A copy of the packet being classified when {@code list} is the list over it: only the packet's bytes, with the
     * same data offset relative to the IP header; null for any other list.
     */
    NetBufferList copyOfCurrent(NetBufferList list) {
        if (list != nbl || nbl == null) return null;
        byte[] bytes = new byte[ipLen];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, ipOff, bytes, 0, ipLen);
        long off = Math.max(0, list.dataOffset() - ipOff);
        return NetBufferList.wrap(bytes, (int) off, (int) Math.min(list.dataLength(), ipLen - off));
    }

    /** A callout injected {@code list} (see {@link ReplayKernel}). */
    NtStatus injected(ReplayKernel.Kind kind, InjectionHandle h, NetBufferList list, FwpsInjectCompleteFn fn,
                      Object ctx, InetAddress remote) {
        boolean kindInbound = kind == ReplayKernel.Kind.NETWORK_RECEIVE || kind == ReplayKernel.Kind.TRANSPORT_RECEIVE;
        byte[] bytes;
        if (kind == ReplayKernel.Kind.TRANSPORT_SEND) {
            if (!classifying) return NtStatus.STATUS_NOT_SUPPORTED; // no IP header to send it with
            bytes = PacketRewrite.fromInjected(true, list, remote, seg, ipOff, parsed.ipHeaderSize(), parsed.ipVersion());
        } else {
            if (list.dataLength() < 1) return NtStatus.STATUS_INVALID_PARAMETER;
            int version = (list.segment().get(ValueLayout.JAVA_BYTE, list.dataOffset()) >> 4) & 0xF;
            bytes = PacketRewrite.fromInjected(false, list, null, null, 0, 0, version);
        }
        if (bytes == null) return NtStatus.STATUS_INVALID_PARAMETER;
        if (summary == null || injectedThisRecord >= MAX_INJECTED_PER_RECORD) return NtStatus.STATUS_FWP_TCPIP_NOT_READY;
        injectedThisRecord++;
        InjectionTags.markInjected(h, list);
        Injection inj = new Injection(kind, h, list, bytes, fn, ctx);
        if (classifying && pending == null && kindInbound == inbound) {
            pending = inj; // becomes the packet if the callout absorbs the original (clone, modify, inject, absorb)
        } else {
            injections.add(inj);
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /** Makes an injected packet the current one; false when it does not parse. */
    private boolean replace(Injection r) {
        MemorySegment s = MemorySegment.ofArray(r.bytes());
        ParsedPacket check = new ParsedPacket();
        if (!PacketParser.parseIp(s, 0, r.bytes().length, check) || check.ipVersion() != parsed.ipVersion()) return false;
        seg = s;
        ipOff = 0;
        ipLen = r.bytes().length;
        PacketParser.parseIp(s, 0, ipLen, parsed);
        nbl = NetBufferList.of(s, 0, ipLen);
        InjectionTags.markInjected(r.handle(), nbl);
        ReplayFlow f = flow;
        int direction = facts.direction; // an ALE layer's is the flow's
        facts.fromPacket(parsed, inbound);
        facts.direction = direction;
        facts.compartmentId = COMPARTMENT;
        if (loopback) facts.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        flow = f;
        if (applied != null) complete(applied, NtStatus.STATUS_SUCCESS); // an earlier replacement was replaced again
        applied = r;
        return true;
    }

    /** Classifies the packets callouts injected (and runs their work items), after the current record. */
    private void drainInjections() throws IOException {
        while (true) {
            Injection inj = injections.poll();
            if (inj == null) {
                if (kernel.runWorkItems()) continue;
                return;
            }
            byte[] bytes = inj.bytes();
            seg = MemorySegment.ofArray(bytes);
            ipOff = 0;
            ipLen = bytes.length;
            applied = null;
            pending = null;
            if (!PacketParser.parseIp(seg, 0, ipLen, parsed)) {
                complete(inj, NtStatus.STATUS_INVALID_PARAMETER);
                continue;
            }
            nbl = NetBufferList.of(seg, 0, ipLen);
            InjectionTags.markInjected(inj.handle(), nbl);
            v6 = parsed.ipVersion() == 6;
            loopback = false;
            boolean ok = switch (inj.kind()) {
                case NETWORK_SEND -> outbound(true);
                case TRANSPORT_SEND -> outbound(false);
                case NETWORK_RECEIVE -> inbound(false);
                case TRANSPORT_RECEIVE -> inbound(true);
            };
            if (ok) {
                summary.injected++;
                writeRaw(seg, ipOff, ipLen);
            } else {
                summary.injectedDropped++;
            }
            if (applied != null) complete(applied, NtStatus.STATUS_SUCCESS);
            complete(inj, NtStatus.STATUS_SUCCESS);
        }
    }

    private static void complete(Injection r, NtStatus status) {
        if (r.completionFn() != null) r.completionFn().complete(r.completionContext(), r.list(), status, false);
    }

    // ------------------------------------------------------------------------------------------------ output

    /**
     * Writes the record's frame: as captured, or ({@code rest} not null) its first {@code keep} bytes (the link
     * header) followed by {@code restLen} bytes of {@code rest}.
     */
    private void writeFrame(CaptureRecord r, int keep, MemorySegment rest, long restOff, int restLen) throws IOException {
        if (out == null) return;
        int id = outInterface(r.interfaceId(), r.linkType());
        if (rest == null) {
            out.writePacket(id, r.timestampNanos(), r.originalLength(), r.segment(), r.dataOffset(), r.capturedLength());
        } else {
            out.writePacket(id, r.timestampNanos(), keep + restLen, r.segment(), r.dataOffset(), keep, rest, restOff,
                    restLen);
        }
        summary.written++;
    }

    /** Writes a packet a callout injected, on an interface of raw IP packets. */
    private void writeRaw(MemorySegment s, long off, int len) throws IOException {
        if (out == null) return;
        if (rawInterface < 0) rawInterface = out.addInterface(LinkTypes.RAW, 0);
        out.writePacket(rawInterface, nowNanos, len, s, off, len);
        summary.written++;
    }

    private int outInterface(int captureInterface, int linkType) throws IOException {
        if (captureInterface >= outInterface.length) {
            int old = outInterface.length;
            outInterface = Arrays.copyOf(outInterface, Math.max(captureInterface + 1, old * 2));
            Arrays.fill(outInterface, old, outInterface.length, -1);
        }
        int id = outInterface[captureInterface];
        if (id < 0) {
            id = out.addInterface(linkType, 0);
            outInterface[captureInterface] = id;
        }
        return id;
    }
}

package io.jwfp.shim.nfqueue.live;

import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.flow.FlowKey;
import io.jwfp.engine.kernel.FwpsInjectCompleteFn;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.InjectionTags;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Indications;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.PacketLayerWalk;
import io.jwfp.engine.value.ClassifyFacts;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.PacketRewrite;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.repr.Ipv4Header;
import io.jwfp.packet.repr.Ipv6Header;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.shim.nfqueue.NfPacket;
import io.jwfp.shim.nfqueue.PacketHandler;
import io.jwfp.shim.nfqueue.Verdict;
import io.jwfp.shim.nfqueue.VerdictSink;
import io.jwfp.shim.nfqueue.natives.Constants;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The WFP layers for one queued packet, in Windows' order (wfp-semantics §4, seed-samples §10):
 * <ul>
 *   <li>outbound (LOCAL_OUT): ALE_AUTH_CONNECT (first packet of a new flow) or the reauthorization of its flow →
 *   ALE_FLOW_ESTABLISHED (non-TCP, with the first packet) → DATAGRAM_DATA (UDP) → OUTBOUND_ICMP_ERROR (ICMP errors)
 *   → OUTBOUND_TRANSPORT → OUTBOUND_IPPACKET;</li>
 *   <li>inbound (LOCAL_IN): INBOUND_IPPACKET → INBOUND_TRANSPORT → INBOUND_ICMP_ERROR (ICMP errors) →
 *   ALE_AUTH_RECV_ACCEPT (new flow) or reauthorization → ALE_FLOW_ESTABLISHED (non-TCP with the first packet; TCP
 *   with the first established inbound packet: the SYN-ACK of a connect, the final ACK of an accept) →
 *   DATAGRAM_DATA;</li>
 *   <li>forwarded (FORWARD): IPFORWARD.</li>
 * </ul>
 * A layer without filters is skipped ({@link FilterEngine#hasFilters}); the flow table is kept either way. A block
 * ends the walk: the packet is dropped (NF_DROP), and unless a callout absorbed it the block is reported as a net
 * event and indicated at the layer's discard twin. A permitted packet is returned with NF_REPEAT and the DECIDED mark
 * carrying the flow bits (see {@link RulePlan}), possibly with a payload a callout rewrote (see {@link LiveKernel}).
 *
 * <p>One instance per queue thread (confined): its parser, incoming values, metadata, facts, classify result and
 * list are reused, so a packet of a known flow is classified without allocating.
 */
public final class PacketPipeline extends PacketLayerWalk implements PacketHandler {
    private static final ThreadLocal<PacketPipeline> CURRENT = new ThreadLocal<>();
    /** The one compartment Linux has (per network namespace). */
    private static final int COMPARTMENT = 1;

    private final LiveRuntime rt;
    private final FilterEngine engine;
    private final FwpsIncomingValues in = new FwpsIncomingValues();
    private final FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
    private final ClassifyResult result = new ClassifyResult();

    // The packet being classified (the receive buffer, or a callout's replacement).
    private MemorySegment seg;
    private long ipOff;
    private int ipLen;
    private MemorySegment receiveBuffer;
    private NetBufferList receiveNbl;
    // The mark of the packet being walked (the conntrack state its ALE part reads).
    private int walkMark;
    private int inIf;
    private int outIf;
    private int queueUid;
    private Flow flow;
    private int persist;
    private boolean classifying;
    // A replacement a callout injected during the current classifyFn (see offerReplacement).
    private Replacement pending;
    private Replacement applied;
    // Out of band (see LiveKernel): where deferred verdicts go, the hold the current packet may become (created when a
    // callout clones or pends it), whether the last block was an absorb, the classification in progress.
    private final DeferredVerdicts deferred;
    private final Object pendToken = new Object();
    private final HoldSink holdSink = new HoldSink();
    private int hook;
    private Hold open;
    private boolean absorbedLast;
    private boolean pendable;
    private boolean completionReauth;
    private Layer currentLayer;
    private Object currentData;
    private Hold resuming;
    private boolean resumePayload;

    // The RST a TCP flow blocked at ALE_FLOW_ESTABLISHED hands its local socket instead of the blocked packet.
    private byte[] abortReset;
    // The packet is a straggler of an aborted flow (dropped unclassified): its drop reason for the metrics.
    private boolean abortedStraggler;

    // Packets the same classifyFn injected after the first (several packets for one); see InjectedTrain.
    private final InjectedTrain train;

    /** A packet a callout injected in place of the one it absorbed. */
    record Replacement(LiveKernel.Kind kind, InjectionHandle handle, NetBufferList list,
                       FwpsInjectCompleteFn completionFn, Object completionContext, InetAddress remote) {}

    /** A pipeline that cannot hold packets (an absorbed packet is dropped at once). */
    public PacketPipeline(LiveRuntime rt) {
        this(rt, null);
    }

    /**
     * @param deferred where the verdicts of held packets go (the queue this pipeline serves); null: packets are never
     *                 held
     */
    public PacketPipeline(LiveRuntime rt, DeferredVerdicts deferred) {
        this.rt = rt;
        this.engine = rt.engine();
        this.deferred = deferred;
        if (rt.kernel() != null) rt.kernel().attach(rt);
        this.train = new InjectedTrain(rt);
    }

    /** The pipeline whose classification runs on this thread, or null (for {@link LiveKernel}). */
    static PacketPipeline current() {
        return CURRENT.get();
    }

    /** The queue's callback: the conntrack attributes, when the kernel sends them, override the mark bits. */
    @Override
    public void onPacket(NfPacket p, VerdictSink verdicts) {
        int mark = p.hasMark() ? p.mark() : 0;
        if (p.ctInfo() >= 0) mark = (mark & ~(Marks.CT_NEW | Marks.CT_EST | Marks.CT_REPLY)) | ctBits(p.ctInfo());
        handle(p.buffer(), p.payloadOffset(), p.payloadLength(), p.hook(), mark, p.inIfindex(), p.outIfindex(),
                p.hasUid() ? p.uid() : -1, p.isTruncated(), p.id(), verdicts);
    }

    /** The mark bits for an {@code enum ip_conntrack_info} value. */
    static int ctBits(int ctInfo) {
        return switch (ctInfo) {
            case NfPacket.CT_NEW, NfPacket.CT_RELATED -> Marks.CT_NEW;
            case NfPacket.CT_RELATED_REPLY -> Marks.CT_NEW | Marks.CT_REPLY;
            case NfPacket.CT_ESTABLISHED -> Marks.CT_EST;
            case NfPacket.CT_ESTABLISHED_REPLY -> Marks.CT_EST | Marks.CT_REPLY;
            default -> 0;
        };
    }

    /**
     * Classifies one packet and gives its verdict. The primitive form of {@link #onPacket}, which tests drive with
     * captured packets.
     *
     * @param buffer   memory holding the packet (the queue's receive buffer)
     * @param offset   where its IP header starts
     * @param length   its length
     * @param hook     netfilter hook ({@code NF_INET_LOCAL_OUT}, {@code LOCAL_IN}, {@code FORWARD})
     * @param mark     the packet mark as queued (jwfp's CT_* and flow bits included)
     * @param uid      the socket owner from the queue, or -1
     * @param truncated whether the queue cut the packet (then it cannot be replaced)
     */
    public void handle(MemorySegment buffer, long offset, int length, int hook, int mark, int inIfindex,
                       int outIfindex, int uid, boolean truncated, int packetId, VerdictSink verdicts) {
        rt.stats().increment(LiveStats.PACKETS);
        CURRENT.set(this);
        try {
            seg = buffer;
            ipOff = offset;
            ipLen = length;
            inIf = inIfindex;
            outIf = outIfindex;
            queueUid = uid;
            flow = null;
            persist = mark & Marks.PERSIST;
            pending = null;
            applied = null;
            this.hook = hook;
            open = null;
            absorbedLast = false;
            resuming = null;
            resumePayload = false;
            completionReauth = false;
            abortReset = null;
            abortedStraggler = false;
            train.clear();
            if (length <= 0 || !PacketParser.parseIp(buffer, offset, length, parsed)) {
                rt.stats().increment(LiveStats.UNPARSED);
                permit(verdicts, packetId, mark);
                return;
            }
            nbl = listOver(buffer);
            v6 = parsed.ipVersion() == 6;
            boolean ok = switch (hook) {
                case Constants.NF_INET_LOCAL_OUT -> outbound(mark, false);
                case Constants.NF_INET_LOCAL_IN -> inbound(mark, false);
                case Constants.NF_INET_FORWARD -> forward(COMPARTMENT);
                default -> true;
            };
            finish(ok, verdicts, packetId, mark, truncated, deferred);
        } finally {
            CURRENT.set(null); // not remove(): a new thread-local entry per packet would allocate
        }
    }

    /**
     * The verdict after the walk. A packet that ends absorbed while a callout holds a clone of it or pended its
     * operation is held instead of dropped: no verdict now, {@link LiveKernel} gives it later.
     */
    private void finish(boolean ok, VerdictSink verdicts, int packetId, int mark, boolean truncated,
                        DeferredVerdicts target) {
        Hold h = open;
        open = null;
        if (!ok) {
            if (h != null && absorbedLast && target != null && !truncated) {
                byte[] bytes = new byte[ipLen];
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, ipOff, bytes, 0, ipLen);
                boolean kept = rt.kernel().hold(h, bytes, packetId, hook, mark, inIf, outIf, queueUid, target);
                if (kept) {
                    if (resuming != null) rt.kernel().retire(resuming); // the same queued packet, held anew
                    if (applied != null) complete(applied, NtStatus.STATUS_SUCCESS);
                    return;
                }
            } else if (h != null) {
                rt.kernel().release(h);
            }
            if (abortReset != null) {
                // The connection is aborted: the blocked packet's place goes to a RST for the local socket.
                verdicts.verdict(packetId, Verdict.REPEAT.code(), VerdictSink.WITH_MARK | VerdictSink.WITH_PAYLOAD,
                        verdictMark(mark), 0, MemorySegment.ofArray(abortReset), 0, abortReset.length);
            } else {
                verdicts.drop(packetId);
            }
            train.dropped();
            // A packet whose clones the callout freed before it could be held counts where the held ones do.
            if (h != null && h.abandoned()) {
                rt.stats().increment(LiveStats.HELD_DROPPED);
            } else {
                rt.stats().increment(LiveStats.BLOCKED);
                rt.metrics().dropped(abortedStraggler ? LiveMetrics.Drop.ABORTED_FLOW
                        : absorbedLast ? LiveMetrics.Drop.CALLOUT_ABSORB : LiveMetrics.Drop.FILTER_BLOCK);
            }
            if (applied != null) complete(applied, NtStatus.STATUS_SUCCESS); // the replacement was dropped later on
            return;
        }
        if (h != null) rt.kernel().release(h);
        if ((applied != null || resumePayload) && !truncated) {
            verdicts.verdict(packetId, Verdict.REPEAT.code(), VerdictSink.WITH_MARK | VerdictSink.WITH_PAYLOAD,
                    verdictMark(mark), 0, seg, ipOff, ipLen);
            if (applied != null) rt.stats().increment(LiveStats.MODIFIED);
            rt.stats().increment(LiveStats.PERMITTED);
            if (applied != null) complete(applied, NtStatus.STATUS_SUCCESS);
            train.sendAfter(this, verdicts);
        } else {
            permit(verdicts, packetId, mark);
            train.refused(); // nothing replaced (a truncated packet): the rest cannot follow it
        }
    }

    // ------------------------------------------------------------------------------------------------ out of band

    /**
     * Out of band (the kernel's out-of-band thread only): classifies a held packet again and gives its deferred
     * verdict. {@code bytes} is the packet as it goes on (the callout's injected clone, or the held packet itself);
     * {@code injector} the handle that injected it (null for the completion of a pended connect). {@code kind} says
     * where the walk starts: a network send at OUTBOUND_IPPACKET, a transport send with the ALE layers, a transport
     * receive after INBOUND_IPPACKET, a network receive (and a completed connect) from the start.
     */
    void resume(Hold h, byte[] bytes, LiveKernel.Kind kind, io.jwfp.engine.kernel.InjectionHandle injector,
                boolean connectCompletion) {
        CURRENT.set(this);
        try {
            if (!begin(h, bytes, kind != null, connectCompletion || h.reauthOnInjection())) {
                holdSink.drop(h.packetId);
                return;
            }
            if (injector != null) InjectionTags.markInjected(injector, nbl);
            boolean ok = h.hook == Constants.NF_INET_LOCAL_IN
                    ? inbound(h.mark, kind == LiveKernel.Kind.TRANSPORT_RECEIVE)
                    : outbound(h.mark, kind == LiveKernel.Kind.NETWORK_SEND);
            finish(ok, holdSink, h.packetId, h.mark, false, h.target);
        } finally {
            CURRENT.set(null);
            resuming = null;
            completionReauth = false;
        }
    }

    /**
     * Out of band: the reauthorization (CLASSIFY_COMPLETION) of a pended datagram connect, at the ALE layers only:
     * the callout absorbed the first datagram and injects its clone itself once it permitted. True if permitted.
     */
    boolean reauthorizeConnect(Hold h) {
        CURRENT.set(this);
        try {
            if (!begin(h, h.bytes, false, true)) return false;
            inbound = false;
            packetFacts();
            boolean ok = ale(h.mark);
            if (open != null) rt.kernel().release(open); // nothing more is held on a reauthorization
            open = null;
            return ok;
        } finally {
            CURRENT.set(null);
            resuming = null;
            completionReauth = false;
        }
    }

    private boolean begin(Hold h, byte[] bytes, boolean payload, boolean completion) {
        MemorySegment s = MemorySegment.ofArray(bytes);
        seg = s;
        ipOff = 0;
        ipLen = bytes.length;
        hook = h.hook;
        inIf = h.inIf;
        outIf = h.outIf;
        queueUid = h.uid;
        flow = null;
        persist = h.mark & Marks.PERSIST;
        pending = null;
        applied = null;
        open = null;
        absorbedLast = false;
        abortReset = null;
        abortedStraggler = false;
        train.clear();
        resuming = h;
        resumePayload = payload;
        completionReauth = completion;
        holdSink.hold = h;
        if (!PacketParser.parseIp(s, 0, bytes.length, parsed)) return false;
        nbl = NetBufferList.of(s, 0, bytes.length);
        v6 = parsed.ipVersion() == 6;
        return true;
    }

    /** The verdicts of a resumed packet: its deferred verdict, through the kernel (once). */
    private final class HoldSink implements VerdictSink {
        Hold hold;

        @Override
        public void verdict(int packetId, int verdictCode, int options, int mark, int connmark, MemorySegment payload,
                            long payloadOffset, int payloadLength) {
            rt.kernel().finish(hold, verdictCode, options, mark, payload, payloadOffset, payloadLength);
        }

        @Override
        public void flush() {}
    }

    /** The token a pendable ALE classification offers as its completion handle. */
    boolean isPendToken(Object completionHandle) {
        return completionHandle == pendToken && classifying && pendable;
    }

    /** FwpsPendOperation0 on the classification in progress (the caller checked {@link #isPendToken}). */
    Hold.Pend pend() {
        Hold h = heldCandidate();
        if (h.pend() != null) return null;
        return rt.kernel().pend(h, currentLayer, currentData == null);
    }

    private Hold heldCandidate() {
        if (open == null) open = new Hold(inbound);
        return open;
    }

    private void permit(VerdictSink verdicts, int packetId, int mark) {
        verdicts.verdict(packetId, Verdict.REPEAT, verdictMark(mark));
        rt.stats().increment(LiveStats.PERMITTED);
    }

    /** Other users' mark bits untouched; DECIDED and the flow bits for the connmark. */
    private int verdictMark(int mark) {
        return (mark & ~Marks.MASK) | Marks.DECIDED | persist;
    }

    /** A list over the queue's receive buffer, made once per buffer and repositioned for every packet. */
    private NetBufferList listOver(MemorySegment buffer) {
        if (buffer != receiveBuffer) {
            receiveBuffer = buffer;
            receiveNbl = NetBufferList.of(buffer, 0, buffer.byteSize());
        }
        receiveNbl.setInjectionTag(null);
        return receiveNbl;
    }

    // ------------------------------------------------------------------------------------------------ paths

    /** The outbound walk ({@link PacketLayerWalk#outbound}) of a packet queued with {@code mark}. */
    private boolean outbound(int mark, boolean networkOnly) {
        walkMark = mark;
        return outbound(networkOnly);
    }

    /** The inbound walk ({@link PacketLayerWalk#inbound}) of a packet queued with {@code mark}. */
    private boolean inbound(int mark, boolean fromTransport) {
        walkMark = mark;
        return inbound(fromTransport);
    }

    @Override
    protected boolean opensFlow() {
        return (walkMark & Marks.CT_NEW) != 0 && findFlow() == null;
    }

    @Override
    protected boolean ale() {
        return ale(walkMark);
    }

    @Override
    protected void forwardFacts() {
        interfaceFacts(inIf);
        if (outIf > 0) {
            facts.forwardIfIndex = outIf;
            facts.forwardIfLuid = rt.interfaces().luid(outIf);
        }
    }

    // ------------------------------------------------------------------------------------------------ ALE

    /**
     * The ALE part of a packet that is not an ICMP error: its flow is looked up; a new flow (conntrack NEW) is
     * authorized at ALE_AUTH_CONNECT (outbound) or ALE_AUTH_RECV_ACCEPT (inbound); an established one jwfp does not know
     * (it predates this jwfpd) and a known one whose authorizing layer changed since are reauthorized there; then
     * ALE_FLOW_ESTABLISHED where due. Returns false when the packet must be dropped.
     */
    private boolean ale(int mark) {
        if (!parsed.has(ParsedPacket.HAS_TRANSPORT) && !parsed.has(ParsedPacket.HAS_PORTS)) {
            return true; // a non-first fragment or a protocol without a header jwfp reads: no flow
        }
        int proto = parsed.protocol();
        long seq = rt.clock().seq();
        Flow f = findFlow();
        if (f != null && f.aborted) {
            // A TCP flow aborted at ALE_FLOW_ESTABLISHED: its stragglers are dropped unclassified (the flow was
            // decided once). A new conntrack flow on the same 5-tuple is a new connection.
            if ((mark & Marks.CT_NEW) == 0) {
                rt.stats().increment(LiveStats.ABORTED_FLOW_PACKETS);
                abortedStraggler = true;
                return false;
            }
            rt.flows().end(f);
            flow = null;
            f = null;
        }
        if (f == null) {
            boolean ctNew = (mark & Marks.CT_NEW) != 0;
            if (!ctNew && (mark & Marks.CT_EST) == 0) {
                return true; // untracked or INVALID in conntrack: no flow to authorize
            }
            if (!ctNew && proto == IpProtocol.TCP && (parsed.tcpFlags() & TcpView.FLAG_RST) != 0) {
                // A RST opens nothing. Conntrack kills a connection whose only answer is a RST (a SYN to a closed
                // port) at once, so its destroy event can end the flow before the RST reaches the queue.
                return true;
            }
            boolean reply = (mark & Marks.CT_REPLY) != 0;
            boolean flowInbound = ctNew ? inbound : inbound != reply;
            Layer authLayer = v(flowInbound ? FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 : FWPM_LAYER_ALE_AUTH_CONNECT_V4);
            ProcessInfo proc = aleNeeded() ? process() : null;
            long handle = rt.flows().newHandle();
            rt.stats().increment(ctNew && !completionReauth ? LiveStats.ALE_NEW_FLOWS : LiveStats.ALE_REAUTHORIZATIONS);
            int reason = completionReauth ? ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION
                    : ctNew ? 0 : ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_POLICY_CHANGE;
            if (!classifyAle(authLayer, handle, proc, reason, flowInbound, aleData(authLayer))) return false;
            f = rt.flows().create(handle, v6, proto, facts.localHi, facts.localLo, flowPort(true), facts.remoteHi,
                    facts.remoteLo, flowPort(false), flowInbound);
            f.authLayer = authLayer;
            f.authSeq = seq;
            f.process = proc;
            f.established = (mark & Marks.EST_DONE) != 0;
            flow = f;
            if (ctNew && proto != IpProtocol.TCP && !flowEstablished(f, true)) return false;
        } else {
            flow = f;
            f.lastSeenNanos = System.nanoTime();
            Layer a = f.authLayer;
            if (a != null && rt.clock().stale(a, f.authSeq)) {
                rt.stats().increment(LiveStats.ALE_REAUTHORIZATIONS);
                if (!classifyAle(a, f.handle, f.process, ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_POLICY_CHANGE,
                        f.inbound, aleData(a))) {
                    rt.flows().end(f); // a failed reauthorization tears the flow down (wfp-semantics §4.10)
                    return false;
                }
                f.authSeq = seq;
            }
        }
        if (proto == IpProtocol.TCP && inbound && !f.established && (mark & Marks.CT_EST) != 0
                && !flowEstablished(f, false)) {
            return false;
        }
        persist = (f.established ? Marks.EST_DONE : 0) | Marks.gen(rt.clock().generation());
        return true;
    }

    private Flow findFlow() {
        if (flow != null) return flow;
        return rt.flows().find(v6, parsed.protocol(), facts.localHi, facts.localLo, flowPort(true), facts.remoteHi,
                facts.remoteLo, flowPort(false));
    }

    /** The flow key's ports: TCP/UDP ports; for ICMP the echo id as local port (WFP keys ICMP flows by id). */
    private int flowPort(boolean local) {
        return local ? FlowKey.localPort(parsed, inbound) : FlowKey.remotePort(parsed, inbound);
    }

    /** Whether any ALE layer of this IP version holds filters (else the process lookup is not worth its cost). */
    private boolean aleNeeded() {
        return engine.hasFilters(v(FWPM_LAYER_ALE_AUTH_CONNECT_V4)) || engine.hasFilters(v(FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4))
                || engine.hasFilters(v(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4));
    }

    private ProcessInfo process() {
        int proto = parsed.protocol();
        return rt.processes().resolve(proto, v6, facts.localHi, facts.localLo, flowPort(true), facts.remoteHi,
                facts.remoteLo, flowPort(false), queueUid);
    }

    /** The ALE layers' layer data: the packet for datagrams, none for a TCP connect (as on Windows). */
    private NetBufferList aleData(Layer layer) {
        boolean tcp = parsed.protocol() == IpProtocol.TCP;
        if (tcp && layer.shortName().startsWith("ALE_AUTH_CONNECT")) return null;
        return nbl;
    }

    /**
     * Classifies at an ALE authorization layer with the flow's process and user. A reauthorization ({@code reason}
     * not 0: policy change, or the completion of a pended operation) carries FWP_CONDITION_FLAG_IS_REAUTHORIZE and the
     * reason, and the packet's direction. An initial classification offers a completion handle (it may be pended).
     */
    private boolean classifyAle(Layer layer, long flowHandle, ProcessInfo proc, int reason, boolean flowInbound,
                                Object data) {
        int savedFlags = facts.flags;
        int savedDirection = facts.direction;
        aleFacts(proc);
        if (reason != 0) {
            facts.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE;
            facts.reauthReason = reason;
        } else {
            facts.direction = flowInbound ? ConditionFlags.FWP_DIRECTION_INBOUND : ConditionFlags.FWP_DIRECTION_OUTBOUND;
            pendable = true;
        }
        boolean ok;
        try {
            ok = classify(layer, data, flowHandle, proc);
        } finally {
            pendable = false;
        }
        facts.flags = savedFlags;
        facts.direction = savedDirection;
        facts.reauthReason = 0;
        clearAleFacts();
        return ok;
    }

    /**
     * ALE_FLOW_ESTABLISHED for a flow; a block ends a datagram flow and aborts a TCP connection (decision S5, see
     * {@link #abort}).
     */
    private boolean flowEstablished(Flow f, boolean withPacket) {
        rt.stats().increment(LiveStats.FLOW_ESTABLISHED);
        int savedDirection = facts.direction;
        aleFacts(f.process);
        facts.direction = f.inbound ? ConditionFlags.FWP_DIRECTION_INBOUND : ConditionFlags.FWP_DIRECTION_OUTBOUND;
        boolean ok = classify(v(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4),
                withPacket && parsed.protocol() != IpProtocol.TCP ? nbl : null, f.handle, f.process);
        facts.direction = savedDirection;
        clearAleFacts();
        if (!ok) {
            if (f.protocol == IpProtocol.TCP && inbound && parsed.has(ParsedPacket.HAS_TRANSPORT)) {
                abort(f);
            } else {
                rt.flows().end(f);
            }
            return false;
        }
        f.established = true;
        return true;
    }

    /**
     * Aborts the TCP connection whose inbound packet (the SYN-ACK of a connect, the final ACK of an accept) was blocked
     * at ALE_FLOW_ESTABLISHED, as the simulator does (decision S5): the local socket gets a RST in the blocked packet's
     * place (so a connect fails at once instead of timing out on retransmitted SYN-ACKs), the peer gets one through
     * the raw socket (so it forgets the half-open connection), and the flow stays in the table marked aborted until
     * conntrack forgets it, its flow contexts released: its stragglers are dropped without another classification,
     * so FLOW_ESTABLISHED is classified once per connection.
     */
    private void abort(Flow f) {
        rt.flows().abort(f);
        rt.stats().increment(LiveStats.FLOWS_ABORTED);
        int flags = parsed.tcpFlags();
        long seq = (parsed.tcpSeq() + ((flags & TcpView.FLAG_SYN) != 0 ? 1 : 0)) & 0xFFFF_FFFFL;
        // To the local socket, from the peer: RST+ACK acknowledging what the socket sent (accepted in SYN-SENT too).
        TcpHeader toLocal = new TcpHeader(parsed.srcPort(), parsed.dstPort(), seq, parsed.tcpAck(),
                TcpView.FLAG_RST | TcpView.FLAG_ACK, 0, 0, List.of());
        // To the peer, from us: <SEQ=SEG.ACK><CTL=RST>, exactly the sequence number the peer expects next.
        TcpHeader toPeer = new TcpHeader(parsed.dstPort(), parsed.srcPort(), parsed.tcpAck(), 0, TcpView.FLAG_RST, 0, 0,
                List.of());
        byte[] peerReset;
        if (v6) {
            abortReset = Packets.tcp(Ipv6Header.of(parsed.srcHi(), parsed.srcLo(), parsed.dstHi(), parsed.dstLo(),
                    IpProtocol.TCP, 0), toLocal, new byte[0]);
            peerReset = Packets.tcp(Ipv6Header.of(parsed.dstHi(), parsed.dstLo(), parsed.srcHi(), parsed.srcLo(),
                    IpProtocol.TCP, 0), toPeer, new byte[0]);
        } else {
            abortReset = Packets.tcp(Ipv4Header.of(parsed.srcV4(), parsed.dstV4(), IpProtocol.TCP, 0), toLocal, new byte[0]);
            peerReset = Packets.tcp(Ipv4Header.of(parsed.dstV4(), parsed.srcV4(), IpProtocol.TCP, 0), toPeer, new byte[0]);
        }
        if (!rt.kernel().sendOwn(MemorySegment.ofArray(peerReset), 0, peerReset.length).isSuccess()) {
            rt.stats().increment(LiveStats.INJECTIONS_REFUSED); // the peer times out its half-open connection instead
        }
    }

    private void aleFacts(ProcessInfo proc) {
        if (proc != null) {
            facts.appId = proc.appId();
            facts.userToken = proc.token();
        }
    }

    private void clearAleFacts() {
        facts.appId = null;
        facts.userToken = null;
    }

    // ------------------------------------------------------------------------------------------------ classify

    @Override
    protected boolean classify(Layer layer, Object data) {
        Flow f = flow;
        return classify(layer, data, f == null ? 0 : f.handle, null);
    }

    /**
     * Classifies the current packet (or ALE operation) at {@code layer}; returns true if it may go on. Skips layers
     * without filters. A block that is not absorbed is indicated at the discard twin.
     */
    private boolean classify(Layer layer, Object data, long flowHandle, ProcessInfo proc) {
        if (!engine.hasFilters(layer)) return true;
        rt.stats().increment(LiveStats.CLASSIFICATIONS);
        prepare(layer, data, flowHandle, proc);
        classifying = true;
        currentLayer = layer;
        currentData = data;
        long started = System.nanoTime();
        try {
            engine.classify(in, meta, data, result);
        } finally {
            classifying = false;
            currentData = null;
        }
        rt.metrics().classified(layer, result, System.nanoTime() - started);
        if (pending != null) {
            Replacement r = pending;
            pending = null;
            if (result.isBlock() && result.isAbsorbed()) {
                if (replace(r)) return true;
                complete(r, NtStatus.STATUS_INVALID_PARAMETER); // not a packet: the original stays absorbed
                rt.stats().increment(LiveStats.INJECTIONS_REFUSED);
                train.refused();
            } else {
                sendAdditional(r);
                train.sendAsAdditional(this);
            }
        }
        if (!result.isBlock()) return true;
        if (result.isAbsorbed()) {
            rt.stats().increment(LiveStats.ABSORBED);
            absorbedLast = true;
            return false;
        }
        Layer d = layer.discardLayer();
        if (d != null && engine.hasFilters(d)) {
            long filterId = result.filterId();
            prepare(d, data, flowHandle, proc);
            meta.setDiscard(FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_GENERAL,
                    FwpsIncomingMetadataValues.FWPS_DISCARD_FIREWALL_POLICY, filterId);
            long discardStarted = System.nanoTime();
            engine.classify(in, meta, data, result);
            rt.metrics().classified(d, result, System.nanoTime() - discardStarted);
        }
        return false;
    }

    private void prepare(Layer layer, Object data, long flowHandle, ProcessInfo proc) {
        in.reset(layer);
        facts.fillInto(in);
        meta.reset();
        packetMetadata(meta, COMPARTMENT, flowHandle);
        if (proc != null && layer.isAle()) {
            if (proc.pid() >= 0) {
                meta.setProcess(proc.pid(), proc.path(), proc.token());
            } else if (proc.token() != null) {
                meta.token = proc.token();
                meta.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_TOKEN;
            }
            if (proc.inode() != 0) meta.setTransportEndpointHandle(proc.inode());
        } else if (!layer.isAle() && flow != null && flow.process != null && flow.process.inode() != 0) {
            // The socket's endpoint at the transport and datagram layers too, as on Windows: a callout that absorbs a
            // packet there send-injects its clone on it (FwpsInjectTransportSendAsync).
            meta.setTransportEndpointHandle(flow.process.inode());
        }
        if (pendable) meta.setCompletionHandle(pendToken);
        if (inbound && inIf > 0) {
            meta.sourceInterfaceIndex = inIf;
            meta.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_SOURCE_INTERFACE_INDEX;
        }
        if (data == nbl) place(layer);
    }

    /** Moves the list's data to where {@code layer} indicates the packet (wfp-semantics §3.3). */
    private void place(Layer layer) {
        Indications.place(nbl, layer, inbound, parsed, ipOff, ipLen);
    }

    // ------------------------------------------------------------------------------------------------ facts

    /** The current packet's facts, seen from this host (local = our side). */
    @Override
    protected void packetFacts() {
        ClassifyFacts c = facts.fromPacket(parsed, inbound);
        int ifindex = inbound ? inIf : outIf;
        if (ifindex == Interfaces.LOOPBACK_INDEX) c.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        c.compartmentId = COMPARTMENT;
        interfaceFacts(ifindex);
    }

    private void interfaceFacts(int ifindex) {
        if (ifindex > 0) {
            facts.ifIndex = ifindex;
            facts.ifType = rt.interfaces().type(ifindex);
            facts.ifLuid = rt.interfaces().luid(ifindex);
        }
    }

    // ------------------------------------------------------------------------------------------------ injection

    /** Whether a classifyFn of this pipeline is running on the calling thread. */
    boolean isClassifying() {
        return classifying;
    }

    /** Whether the packet being classified travels inbound. */
    boolean isInbound() {
        return inbound;
    }

    /**
     * A copy of the packet being classified when {@code list} is this pipeline's list over it: only the packet's bytes
     * (the receive buffer around it holds other packets), with the same data offset relative to the IP header. Null
     * for any other list.
     */
    NetBufferList copyOfCurrent(NetBufferList list) {
        if (list != nbl) return null;
        byte[] bytes = new byte[ipLen];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, ipOff, bytes, 0, ipLen);
        long off = Math.max(0, list.dataOffset() - ipOff);
        NetBufferList copy = NetBufferList.wrap(bytes, (int) off, (int) Math.min(list.dataLength(), ipLen - off));
        // The callout may absorb the packet and inject this copy later: the packet may have to be held for it.
        rt.kernel().cloned(heldCandidate(), copy);
        return copy;
    }

    /**
     * A callout injects {@code list} while classifying the current packet (clone, modify, inject, absorb: WFP's way
     * to change a packet). If the callout then blocks with ABSORB, the injected packet replaces the current one: the
     * remaining layers see it, and the verdict carries its bytes. Packets injected after the first during the same
     * classifyFn (a callout that makes several packets of one, like a TCP payload editor) follow it right after the
     * verdict ({@link InjectedTrain}). Called by {@link LiveKernel}.
     */
    NtStatus offerReplacement(LiveKernel.Kind kind, InjectionHandle handle, NetBufferList list,
                              FwpsInjectCompleteFn completionFn, Object completionContext, InetAddress remote) {
        if (remote != null && (remote instanceof Inet6Address) != v6) return NtStatus.STATUS_INVALID_PARAMETER;
        Replacement r = new Replacement(kind, handle, list, completionFn, completionContext, remote);
        if (pending != null) {
            train.add(r); // the second and later packets follow the first (see InjectedTrain)
            return NtStatus.STATUS_SUCCESS;
        }
        pending = r;
        return NtStatus.STATUS_SUCCESS;
    }

    /** Makes the replacement the current packet; false when its bytes are not a packet jwfp can send. */
    private boolean replace(Replacement r) {
        byte[] bytes = packetOf(r);
        if (bytes == null) return false;
        MemorySegment s = MemorySegment.ofArray(bytes);
        seg = s;
        ipOff = 0;
        ipLen = bytes.length;
        PacketParser.parseIp(s, 0, bytes.length, parsed);
        nbl = NetBufferList.of(s, 0, bytes.length);
        InjectionTags.markInjected(r.handle(), nbl);
        Flow f = flow;
        packetFacts();
        flow = f;
        applied = r;
        return true;
    }

    /**
     * The complete IP packet a replacement stands for, lengths and checksums fixed, or null when it is not one jwfp
     * can send (it does not parse, or its IP version differs from the packet it was made from).
     */
    byte[] packetOf(Replacement r) {
        return packetOf(r.kind(), r.list(), r.remote(), seg, ipOff, parsed.ipHeaderSize(), parsed.ipVersion());
    }

    /**
     * The complete IP packet an injected list stands for, lengths and checksums fixed, or null when it is not one jwfp
     * can send ({@link PacketRewrite#fromInjected}).
     */
    static byte[] packetOf(LiveKernel.Kind kind, NetBufferList l, InetAddress remote, MemorySegment header,
                           long headerOff, int headerSize, int ipVersion) {
        return PacketRewrite.fromInjected(kind == LiveKernel.Kind.TRANSPORT_SEND, l, remote, header, headerOff,
                headerSize, ipVersion);
    }

    /**
     * The callout injected a packet but let the original go on (or blocked it without absorbing): an additional
     * packet, which jwfp sends through its raw socket when the packet is outbound. Inbound additions cannot be
     * delivered from user space.
     */
    void sendAdditional(Replacement r) {
        boolean outbound = r.kind() == LiveKernel.Kind.NETWORK_SEND || r.kind() == LiveKernel.Kind.TRANSPORT_SEND;
        byte[] bytes = outbound ? packetOf(r) : null;
        NtStatus status = bytes == null ? NtStatus.STATUS_NOT_SUPPORTED
                : rt.kernel().sendOwn(MemorySegment.ofArray(bytes), 0, bytes.length);
        if (!status.isSuccess()) rt.stats().increment(LiveStats.INJECTIONS_REFUSED);
        complete(r, status);
    }

    static void complete(Replacement r, NtStatus status) {
        if (r.completionFn() != null) r.completionFn().complete(r.completionContext(), r.list(), status, false);
    }
}

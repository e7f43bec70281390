package io.jwfp.callouts.samples.inspect;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.CompletionContext;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.FwpsStatusException;
import io.jwfp.engine.kernel.FwpsTransportSendParams;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.repr.Packets;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Microsoft's Transport Inspect sample ({@code inspect}, seed-samples §4): everything to or from one remote address
 * — TCP, UDP, ICMP echo — is held and handed to a worker, which lets it through unchanged or drops it, as
 * {@code BlockTraffic} says at the moment it looks. One instance is the "driver": its four callouts (ALE_AUTH_CONNECT,
 * ALE_AUTH_RECV_ACCEPT, OUTBOUND_TRANSPORT, INBOUND_TRANSPORT of the configured address's family) share its queue,
 * its injection handle and its setting.
 *
 * <ul>
 *   <li><b>ALE connect / recv-accept, initial classify</b>: the operation is pended (FwpsPendOperation0), the first
 *   packet (a datagram, an echo request, an inbound SYN) cloned and held, BLOCK + ABSORB.</li>
 *   <li><b>Worker, pended connect</b>: records the decision and completes the operation. Outbound, the engine then
 *   reauthorizes the connect and the callout answers with the recorded decision (a block is audited: a classify-drop
 *   net event at ALE_AUTH_CONNECT); a permitted first datagram is send-injected. Inbound, a permit completes with the
 *   cloned packet and receive-injects it; a block completes without it.</li>
 *   <li><b>Transport layers</b>: every packet not injected by this driver is cloned, held and absorbed; inbound
 *   packets that still need an ALE decision are permitted here (the ALE layers hold them). The worker
 *   reinjects permitted clones (transport send on the packet's endpoint, or transport receive on its interface) and
 *   frees blocked ones — silently, as in the sample.</li>
 *   <li><b>Loop guard</b>: a packet this driver injected (FwpsQueryPacketInjectionState0: by self, or previously by
 *   self) is permitted at once wherever it is seen again.</li>
 * </ul>
 *
 * <p>Deliberate differences from the sample, each for a defect or a Linux/jwfp reality:
 * <ul>
 *   <li>An outbound packet whose endpoint is gone (the last ACK of an active close: upstream issue #234, the BOT Man
 *   article's experiment 2), or that the stack sent without one (a RST), is sent at the network layer with an IP
 *   header built here and a recomputed checksum, instead of being lost.</li>
 *   <li>A reauthorization that is not the one a completion caused (a policy change) is answered at once with the
 *   current setting instead of being held as data: holding a reauthorized packet would tear the flow down.</li>
 *   <li>The first datagram of a permitted connect is injected by the worker right after the completion, not from the
 *   reauthorization classify; the order is the same and it does not depend on when the engine reauthorizes.</li>
 *   <li>No IPsec handling (jwfp has no IPsec); reinjected IPv6 packets are the original bytes — no extension header
 *   is ever added (upstream issue #1338).</li>
 * </ul>
 *
 * <p>Thread safety: classify may run on several threads at once; the run-time setting is a volatile flag; pended
 * and held work goes through a lock-free queue drained by one work item at a time
 * ({@link FwpsKernel#queueWorkItem}), so the worker keeps the order packets were held in.
 */
public final class Inspect {
    /** What the worker does with a held item. */
    private sealed interface Work permits PendedConnect, HeldPacket {}

    /** A pended ALE connect or accept and its first packet (null for a TCP connect). */
    private record PendedConnect(boolean outbound, Tuple tuple, CompletionContext completion, NetBufferList packet,
                                 Where where) implements Work {}

    /** A held packet: outbound starting at the transport header, inbound at the IP header. */
    private record HeldPacket(boolean outbound, NetBufferList packet, Where where) implements Work {}

    /** A connection's 5-tuple as the ALE layer sees it (ICMP type and code in the port slots). */
    record Tuple(int protocol, long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {}

    /** Where a held packet goes back: its endpoint and addresses (outbound), its interface (inbound). */
    private record Where(IpVersion version, int protocol, InetAddress local, InetAddress remote, long endpointHandle,
                         long remoteScopeId, int compartmentId, int interfaceIndex, int subInterfaceIndex) {}

    private final FwpsKernel kernel;
    private final InetAddress remoteAddressToInspect;
    private final IpVersion version;
    private final long remoteHi;
    private final long remoteLo;
    private volatile boolean blockTraffic;
    private final InjectionHandle injection;
    private final Queue<Work> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean workerQueued = new AtomicBoolean();
    /** Outbound connects the worker completed, waiting for their reauthorization. */
    private final Map<Tuple, ActionType> decided = new ConcurrentHashMap<>();
    private final AtomicLong pended = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong injectedAtNetworkLayer = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong injectFailures = new AtomicLong();

    /**
     * A driver instance.
     *
     * @param kernel the engine's callout runtime; null (e.g. {@code jwfp explain}) decides at once, holding nothing
     */
    Inspect(FwpsKernel kernel, InetAddress remoteAddressToInspect, boolean blockTraffic) {
        this.kernel = kernel;
        this.remoteAddressToInspect = remoteAddressToInspect;
        this.version = remoteAddressToInspect instanceof Inet4Address ? IpVersion.V4 : IpVersion.V6;
        if (version == IpVersion.V4) {
            remoteHi = 0;
            remoteLo = InetBits.v4((Inet4Address) remoteAddressToInspect) & 0xFFFF_FFFFL;
        } else {
            remoteHi = InetBits.v6Hi((Inet6Address) remoteAddressToInspect);
            remoteLo = InetBits.v6Lo((Inet6Address) remoteAddressToInspect);
        }
        this.blockTraffic = blockTraffic;
        this.injection = kernel == null ? null : kernel.injectionHandleCreate(AddressFamily.AF_UNSPEC,
                FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT | FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
    }

    /** The run-time callout for one of the driver's callout objects (the layer decides the role at classify). */
    FwpsCallout callout(UUID calloutKey) {
        return new FwpsCallout(calloutKey, 0, this::classify, null, null, this::control);
    }

    /** The current setting. */
    public boolean blockTraffic() {
        return blockTraffic;
    }

    // ---------------------------------------------------------------- classify

    void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, ClassifyContext ctx,
                  FwpsFilter filter, long flowContext, FwpsClassifyOut out) {
        if (!out.canWrite()) return;
        Layer layer = in.layer();
        Layer v4 = layer.ipVersion() == IpVersion.V6 ? layer.otherIpVersion() : layer;
        NetBufferList nbl = layerData instanceof NetBufferList n ? n : null;
        if (nbl != null && injection != null && ownInjection(nbl)) {
            permit(out, filter);
            return;
        }
        if (layer.ipVersion() != version || !remoteMatches(in)) {
            permit(out, filter); // not the inspected peer: a filter broader than the sample's; leave it alone
            return;
        }
        if (kernel == null) {
            decideNow(out, filter); // no callout runtime (jwfp explain): nothing can be held, the setting decides
            return;
        }
        switch (v4) {
            case FWPM_LAYER_ALE_AUTH_CONNECT_V4 -> ale(in, meta, nbl, filter, out, true);
            case FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 -> ale(in, meta, nbl, filter, out, false);
            case FWPM_LAYER_OUTBOUND_TRANSPORT_V4 -> transport(in, meta, nbl, filter, out, true);
            case FWPM_LAYER_INBOUND_TRANSPORT_V4 -> transport(in, meta, nbl, filter, out, false);
            default -> throw new IllegalStateException("inspect has no callout at " + layer.name()
                    + " (its layers: ALE_AUTH_CONNECT, ALE_AUTH_RECV_ACCEPT, OUTBOUND_TRANSPORT, INBOUND_TRANSPORT)");
        }
    }

    private boolean ownInjection(NetBufferList nbl) {
        FwpsPacketInjectionState s = kernel.queryPacketInjectionState(injection, nbl);
        return s == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF
                || s == FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF;
    }

    private void ale(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, NetBufferList nbl, FwpsFilter filter,
                     FwpsClassifyOut out, boolean connect) {
        long flags = value(in, Conditions.FWPM_CONDITION_FLAGS);
        Tuple tuple = tuple(in);
        if ((flags & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) == 0) {
            CompletionContext completion;
            try {
                completion = kernel.pendOperation(meta.completionHandle);
            } catch (FwpsStatusException cannotPend) {
                decideNow(out, filter);
                return;
            }
            NetBufferList first = nbl == null ? null : clone(nbl, meta, tuple.protocol(), !connect);
            pended.incrementAndGet();
            enqueue(new PendedConnect(connect, tuple, completion, first, where(in, meta)));
            out.absorb();
            return;
        }
        long reason = value(in, Conditions.FWPM_CONDITION_REAUTHORIZE_REASON);
        boolean afterCompletion = reason > 0 && (reason & ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION) != 0;
        if (connect) {
            ActionType decision = decided.remove(tuple);
            if (decision != null) {
                if (decision == ActionType.FWP_ACTION_BLOCK) out.blockHard(); // audited: the connect fails visibly
                else permit(out, filter);
                return;
            }
        } else if (afterCompletion && nbl != null) {
            // A packet of an accept the worker completed without permitting (a retransmitted SYN, say): held as data,
            // so a block stays silent and a permit lets it in later.
            hold(new HeldPacket(false, clone(nbl, meta, tuple.protocol(), true), where(in, meta)));
            out.absorb();
            return;
        }
        decideNow(out, filter);
    }

    private void transport(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, NetBufferList nbl,
                           FwpsFilter filter, FwpsClassifyOut out, boolean outbound) {
        if (!outbound) {
            long flags = value(in, Conditions.FWPM_CONDITION_FLAGS);
            if ((flags & ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY) != 0
                    || meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_ALE_CLASSIFY_REQUIRED)) {
                permit(out, filter); // the first packet of a flow: ALE_AUTH_RECV_ACCEPT holds it
                return;
            }
        }
        int protocol = (int) value(in, Conditions.FWPM_CONDITION_IP_PROTOCOL);
        hold(new HeldPacket(outbound, clone(nbl, meta, protocol, !outbound), where(in, meta)));
        out.absorb();
    }

    private void hold(HeldPacket p) {
        held.incrementAndGet();
        enqueue(p);
    }

    /**
     * A clone of the indicated packet: outbound it starts where the layer indicates (the transport header), inbound
     * at the IP header. Inbound, the layer's data starts after the transport header — for ICMP at the ICMP header,
     * which the indication counts as data — so the clone retreats by the IP header and, except for ICMP, the
     * transport header.
     */
    private NetBufferList clone(NetBufferList nbl, FwpsIncomingMetadataValues meta, int protocol, boolean toIpHeader) {
        NetBufferList c = kernel.allocateCloneNetBufferList(nbl, 0);
        if (toIpHeader) {
            boolean icmp = protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6;
            c.retreat(meta.ipHeaderSize + (icmp ? 0 : meta.transportHeaderSize));
        }
        return c;
    }

    private void permit(FwpsClassifyOut out, FwpsFilter filter) {
        out.actionType = ActionType.FWP_ACTION_PERMIT;
        if ((filter.flags() & FilterFlags.FWPS_FILTER_FLAG_CLEAR_ACTION_RIGHT) != 0) {
            out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
        }
    }

    private void decideNow(FwpsClassifyOut out, FwpsFilter filter) {
        if (blockTraffic) out.blockHard();
        else permit(out, filter);
    }

    // ---------------------------------------------------------------- the worker

    private void enqueue(Work w) {
        queue.add(w);
        if (workerQueued.compareAndSet(false, true)) kernel.queueWorkItem(this::work);
    }

    /** One wake-up of the worker: drains the queue, then lets the next enqueue wake it again. */
    private void work() {
        do {
            boolean block = blockTraffic; // read once per wake-up, as the sample re-reads the registry
            for (Work w; (w = queue.poll()) != null; ) {
                switch (w) {
                    case PendedConnect c -> complete(c, block);
                    case HeldPacket p -> {
                        if (block) drop(p.packet());
                        else inject(p);
                    }
                }
            }
            workerQueued.set(false);
        } while (!queue.isEmpty() && workerQueued.compareAndSet(false, true));
    }

    private void complete(PendedConnect c, boolean block) {
        ActionType decision = block ? ActionType.FWP_ACTION_BLOCK : ActionType.FWP_ACTION_PERMIT;
        if (c.outbound()) {
            decided.put(c.tuple(), decision);
            kernel.completeOperation(c.completion(), null);
            if (c.packet() == null) return;
            if (block) drop(c.packet());
            else inject(new HeldPacket(true, c.packet(), c.where()));
        } else if (!block && c.packet() != null) {
            kernel.completeOperation(c.completion(), c.packet());
            inject(new HeldPacket(false, c.packet(), c.where()));
        } else {
            kernel.completeOperation(c.completion(), null);
            if (c.packet() != null) drop(c.packet());
        }
    }

    private void drop(NetBufferList p) {
        dropped.incrementAndGet();
        kernel.freeCloneNetBufferList(p);
    }

    private void inject(HeldPacket p) {
        Where w = p.where();
        AddressFamily af = w.version() == IpVersion.V4 ? AddressFamily.AF_INET : AddressFamily.AF_INET6;
        NtStatus s;
        if (p.outbound()) {
            s = NtStatus.STATUS_INVALID_PARAMETER;
            if (w.endpointHandle() != 0) {
                FwpsTransportSendParams params = new FwpsTransportSendParams(w.remote());
                params.remoteScopeId = w.remoteScopeId();
                s = kernel.injectTransportSendAsync(injection, null, w.endpointHandle(), 0, params, af,
                        w.compartmentId(), p.packet(), this::injected, null);
            }
            if (!s.isSuccess()) s = injectAtNetworkLayer(p);
        } else {
            s = kernel.injectTransportReceiveAsync(injection, null, null, 0, af, w.compartmentId(),
                    w.interfaceIndex(), w.subInterfaceIndex(), p.packet(), this::injected, null);
        }
        if (s.isSuccess()) {
            injected.incrementAndGet();
        } else {
            injectFailures.incrementAndGet();
            kernel.freeCloneNetBufferList(p.packet());
        }
    }

    /** The endpoint is gone or there was none: the same bytes under an IP header of our own, at the network layer. */
    private NtStatus injectAtNetworkLayer(HeldPacket p) {
        Where w = p.where();
        byte[] ip = Packets.withIpHeader(w.local(), w.remote(), w.protocol(), p.packet().toByteArray());
        kernel.freeCloneNetBufferList(p.packet());
        NtStatus s = kernel.injectNetworkSendAsync(injection, null, 0, w.compartmentId(), NetBufferList.wrap(ip),
                this::injected, null);
        if (s.isSuccess()) injectedAtNetworkLayer.incrementAndGet();
        return s;
    }

    private void injected(Object context, NetBufferList nbl, NtStatus status, boolean dispatchLevel) {
        kernel.freeCloneNetBufferList(nbl);
    }

    // ---------------------------------------------------------------- control (the registry and counters)

    Object control(String command, Map<String, Object> arguments) {
        String owner = "inspect " + command;
        return switch (command) {
            case "set" -> {
                io.jwfp.callouts.samples.Settings s = io.jwfp.callouts.samples.Settings.of(owner, arguments,
                        java.util.Set.of("BlockTraffic", "block"));
                if (s.has("BlockTraffic") == s.has("block")) {
                    throw new IllegalArgumentException(owner + ": give BlockTraffic=0|1 (or block=0|1)");
                }
                blockTraffic = s.flag(s.has("block") ? "block" : "BlockTraffic", false);
                yield status();
            }
            case "status" -> {
                io.jwfp.callouts.samples.Settings.of(owner, arguments, java.util.Set.of());
                yield status();
            }
            default -> throw io.jwfp.callouts.samples.Settings.unknownCommand("inspect", command,
                    "set BlockTraffic=0|1", "status");
        };
    }

    /** The setting and what the driver did so far. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("RemoteAddressToInspect", remoteAddressToInspect.getHostAddress());
        m.put("BlockTraffic", blockTraffic ? 1 : 0);
        m.put("pendedOperations", pended.get());
        m.put("heldPackets", held.get());
        m.put("injected", injected.get());
        m.put("injectedAtNetworkLayer", injectedAtNetworkLayer.get());
        m.put("dropped", dropped.get());
        m.put("injectFailures", injectFailures.get());
        m.put("queued", queue.size());
        return m;
    }

    // ---------------------------------------------------------------- incoming values

    private boolean remoteMatches(FwpsIncomingValues in) {
        int i = in.layer().fieldIndex(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS);
        if (i < 0 || in.isEmpty(i)) return false;
        return version == IpVersion.V4 ? (in.keyLo(i) & 0xFFFF_FFFFL) == remoteLo
                : in.keyHi(i) == remoteHi && in.keyLo(i) == remoteLo;
    }

    private static long value(FwpsIncomingValues in, ConditionKey c) {
        int i = in.layer().fieldIndex(c);
        return i < 0 || in.isEmpty(i) ? -1 : in.keyLo(i);
    }

    private static long hi(FwpsIncomingValues in, ConditionKey c) {
        int i = in.layer().fieldIndex(c);
        return i < 0 || in.isEmpty(i) ? 0 : in.keyHi(i);
    }

    private Tuple tuple(FwpsIncomingValues in) {
        return new Tuple((int) value(in, Conditions.FWPM_CONDITION_IP_PROTOCOL),
                hi(in, Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS), value(in, Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS),
                (int) value(in, Conditions.FWPM_CONDITION_IP_LOCAL_PORT),
                hi(in, Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS), value(in, Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS),
                (int) value(in, Conditions.FWPM_CONDITION_IP_REMOTE_PORT));
    }

    private InetAddress address(FwpsIncomingValues in, ConditionKey c) {
        return version == IpVersion.V4 ? InetBits.toInet4((int) value(in, c)) : InetBits.toInet6(hi(in, c), value(in, c));
    }

    private Where where(FwpsIncomingValues in, FwpsIncomingMetadataValues meta) {
        return new Where(version, (int) value(in, Conditions.FWPM_CONDITION_IP_PROTOCOL),
                address(in, Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS), address(in, Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS),
                meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_TRANSPORT_ENDPOINT_HANDLE)
                        ? meta.transportEndpointHandle : 0,
                meta.remoteScopeId, meta.compartmentId,
                (int) value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX),
                (int) Math.max(0, value(in, Conditions.FWPM_CONDITION_SUB_INTERFACE_INDEX)));
    }
}

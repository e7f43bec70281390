package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.flow.FlowKeyTable;
import io.jwfp.shim.nfqueue.Conntrack;
import io.jwfp.shim.nfqueue.CtTuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live ALE flow table: flows by 5-tuple (a {@link FlowKeyTable}: open addressing, so a lookup allocates nothing) and by handle. A flow
 * ends when conntrack forgets the connection ({@link #conntrackDestroyed}, from ctnetlink destroy events) or, where
 * events are unavailable or were lost, after an idle time ({@link #sweep}); its flow contexts then go to the callouts'
 * flowDeleteFn ({@link FilterEngine#flowDeleted}).
 *
 * <p>Thread-safe: short synchronized sections; flowDeleteFn runs outside the lock, on the thread that ended the flow.
 */
public final class FlowTable {
    private final FilterEngine engine;
    private final FlowKeyTable<Flow> table = new FlowKeyTable<>();
    private final Map<Long, Flow> byHandle = new HashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();

    public FlowTable(FilterEngine engine) {
        this.engine = engine;
    }

    /** The flow with this 5-tuple (local side first), or null. Allocates nothing. */
    public synchronized Flow find(boolean v6, int protocol, long lhi, long llo, int lport, long rhi, long rlo, int rport) {
        return table.find(v6, protocol, lhi, llo, lport, rhi, rlo, rport);
    }

    /** A fresh flow handle: ALE layers see it before the flow exists (FLOW_HANDLE metadata at ALE_AUTH_CONNECT). */
    public long newHandle() {
        return nextHandle.getAndIncrement();
    }

    /** Adds a flow under {@code handle} (the caller checked that none exists for the 5-tuple). */
    public synchronized Flow create(long handle, boolean v6, int protocol, long lhi, long llo, int lport, long rhi,
                                    long rlo, int rport, boolean inbound) {
        Flow f = new Flow(handle, v6, protocol, lhi, llo, lport, rhi, rlo, rport, inbound);
        f.lastSeenNanos = System.nanoTime();
        table.insert(f);
        byHandle.put(f.handle, f);
        created.incrementAndGet();
        return f;
    }

    /** The flow with this handle, or null. */
    public synchronized Flow byHandle(long handle) {
        return byHandle.get(handle);
    }

    /** Ends a flow: it leaves the table and its flow contexts go to flowDeleteFn. Idempotent. */
    public void end(Flow f) {
        synchronized (this) {
            if (f.ended) return;
            f.ended = true;
            table.remove(f);
            byHandle.remove(f.handle);
        }
        ended.incrementAndGet();
        engine.flowDeleted(f.handle);
    }

    /**
     * A TCP connection aborted at ALE_FLOW_ESTABLISHED: the flow stays, marked aborted, so its late packets are known
     * (and dropped) until conntrack forgets the connection; its flow contexts go to flowDeleteFn now.
     */
    public void abort(Flow f) {
        f.aborted = true;
        engine.flowDeleted(f.handle);
    }

    /**
     * Conntrack forgot a connection: ends the flows it carried, seen from either end (a loopback connection is a client
     * flow and a server flow on the same host).
     */
    public void conntrackDestroyed(Conntrack ct) {
        CtTuple o = ct.original();
        if (o.family() == 0 || o.protocol() < 0) return;
        boolean v6 = o.isIpv6();
        long sHi = v6 ? o.ipv6SourceHigh() : 0;
        long sLo = v6 ? o.ipv6SourceLow() : Integer.toUnsignedLong(o.ipv4Source());
        long dHi = v6 ? o.ipv6DestinationHigh() : 0;
        long dLo = v6 ? o.ipv6DestinationLow() : Integer.toUnsignedLong(o.ipv4Destination());
        int proto = o.protocol();
        boolean icmp = proto == 1 || proto == 58;
        int sPort = icmp ? o.icmpId() : o.sourcePort();
        int dPort = icmp ? 0 : o.destinationPort();
        // Outbound-initiated: local = original source. Inbound-initiated: local = original destination.
        Flow out = find(v6, proto, sHi, sLo, sPort, dHi, dLo, dPort);
        Flow in = icmp ? find(v6, proto, dHi, dLo, sPort, sHi, sLo, 0) : find(v6, proto, dHi, dLo, dPort, sHi, sLo, sPort);
        if (out != null) end(out);
        if (in != null) end(in);
    }

    /**
     * Ends flows idle for longer than their lifetime: {@code datagramIdleNanos} for connectionless protocols (WFP's 60 s
     * ALE flow lifetime), {@code streamIdleNanos} for TCP (a safety net when destroy events are lost).
     *
     * @return how many flows ended
     */
    public int sweep(long nowNanos, long datagramIdleNanos, long streamIdleNanos) {
        List<Flow> idle = new ArrayList<>();
        synchronized (this) {
            table.forEach(f -> {
                long limit = f.protocol == 6 ? streamIdleNanos : datagramIdleNanos;
                if (nowNanos - f.lastSeenNanos > limit) idle.add(f);
            });
        }
        for (Flow f : idle) end(f);
        return idle.size();
    }

    /** Ends every flow (the shim stops). */
    public void clear() {
        List<Flow> all;
        synchronized (this) {
            all = new ArrayList<>(byHandle.values());
        }
        for (Flow f : all) end(f);
    }

    public synchronized int size() {
        return table.size();
    }

    /** Flows created since start. */
    public long created() {
        return created.get();
    }

    /** Flows ended since start. */
    public long ended() {
        return ended.get();
    }

    /** A snapshot of the flows, for status and tests. */
    public synchronized List<Flow> flows() {
        return new ArrayList<>(byHandle.values());
    }
}

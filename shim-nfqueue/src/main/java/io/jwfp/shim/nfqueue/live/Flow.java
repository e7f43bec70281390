package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.flow.FlowKey;
import io.jwfp.engine.layer.Layer;

/**
 * One ALE flow as the live shim knows it: a 5-tuple seen from this host (local and remote side), the layer that
 * authorized it and under which policy, whether ALE_FLOW_ESTABLISHED was classified, and the process behind it. The
 * key fields never change; the rest is written by the queue thread handling the flow's packets (netfilter's flow hash
 * keeps a flow on one queue) and read by status and cleanup under the table's lock.
 */
public final class Flow extends FlowKey {
    final long handle;
    /** The layer that authorized the flow (ALE_AUTH_CONNECT or ALE_AUTH_RECV_ACCEPT of its IP version). */
    volatile Layer authLayer;
    /** The policy sequence number the flow was (re)authorized under. */
    volatile long authSeq;
    volatile boolean established;
    /** True when the peer opened the flow (authorized at RECV_ACCEPT). */
    final boolean inbound;
    volatile long lastSeenNanos;
    volatile ProcessInfo process;
    /**
     * Set when a block at ALE_FLOW_ESTABLISHED aborted the TCP connection: the flow stays in the table (its packets are
     * dropped unclassified) until conntrack forgets it; its flow contexts have been released.
     */
    volatile boolean aborted;
    /** Set once the flow left the table; its flow contexts have been released. */
    volatile boolean ended;

    Flow(long handle, boolean v6, int protocol, long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
         int remotePort, boolean inbound) {
        super(v6, protocol, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        this.handle = handle;
        this.inbound = inbound;
    }

    /** The flow handle (FWPS_METADATA_FIELD_FLOW_HANDLE, the flowId of FwpsFlowAssociateContext0). */
    public long handle() {
        return handle;
    }

    public int protocol() {
        return protocol;
    }

    public int localPort() {
        return localPort;
    }

    public int remotePort() {
        return remotePort;
    }

    public boolean isInbound() {
        return inbound;
    }

    public boolean isEstablished() {
        return established;
    }

    public Layer authLayer() {
        return authLayer;
    }

    /** The process that owns the flow's socket, or null when unknown. */
    public ProcessInfo process() {
        return process;
    }

    @Override
    public String toString() {
        return "Flow[" + handle + " proto " + protocol + " " + localPort + "->" + remotePort + (inbound ? " in" : " out")
                + (authLayer == null ? "" : " by " + authLayer.shortName()) + (established ? " established" : "") + "]";
    }
}

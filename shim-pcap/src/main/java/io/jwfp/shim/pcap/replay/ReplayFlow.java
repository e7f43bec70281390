package io.jwfp.shim.pcap.replay;

import io.jwfp.engine.flow.FlowKey;

/**
 * One ALE flow of a replayed capture: its 5-tuple seen from the local side, who opened it, how far its TCP handshake
 * got, and, once an ALE layer blocked it, that decision (its later packets are dropped under it without another
 * classification, as WFP drops the packets of a connection it refused). Confined to the replay's thread.
 */
final class ReplayFlow extends FlowKey {
    final long handle;
    /** True when the peer opened the flow (authorized at ALE_AUTH_RECV_ACCEPT). */
    final boolean inbound;
    /** ALE_FLOW_ESTABLISHED was classified (and permitted). */
    boolean established;
    /** A local packet answered the peer's SYN (an accept's handshake then completes with the peer's ACK). */
    boolean sentOutbound;
    /** A FIN or RST was seen: a later SYN on the same 5-tuple is a new connection. */
    boolean closing;
    /** Set when an ALE layer blocked the flow: the counters' layer slot and cell its later packets are counted at. */
    int blockedSlot = -1;
    int blockedCell;
    /** Capture time of the flow's last packet (datagram flows idle out). */
    long lastSeenNanos;
    /**
     * Per counter slot, the cell this flow was last counted in (+1; 0: never), so a flow counts once per layer and
     * decision however many packets it has; {@code extra} holds further cells of a flow whose decisions at one layer
     * differ (rare), allocated only then.
     */
    final int[] lastCell;
    int[][] extra;

    ReplayFlow(long handle, boolean v6, int protocol, long localHi, long localLo, int localPort, long remoteHi,
               long remoteLo, int remotePort, boolean inbound, int slots) {
        super(v6, protocol, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        this.handle = handle;
        this.inbound = inbound;
        this.lastCell = new int[slots];
    }

    boolean blocked() {
        return blockedSlot >= 0;
    }

    /** Whether the flow is counted in {@code cell} of {@code slot} for the first time (and records it). */
    boolean firstIn(int slot, int cell) {
        int c = cell + 1;
        int last = lastCell[slot];
        if (last == c) return false;
        if (last == 0) {
            lastCell[slot] = c;
            return true;
        }
        // A second decision at the same layer: remember every cell seen there.
        if (extra == null) extra = new int[lastCell.length][];
        int[] seen = extra[slot];
        if (seen == null) {
            extra[slot] = new int[] {last, c};
            lastCell[slot] = c;
            return true;
        }
        for (int s : seen) {
            if (s == c) {
                lastCell[slot] = c;
                return false;
            }
        }
        int[] grown = java.util.Arrays.copyOf(seen, seen.length + 1);
        grown[seen.length] = c;
        extra[slot] = grown;
        lastCell[slot] = c;
        return true;
    }
}

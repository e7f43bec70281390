package io.jwfp.shim.sim.trace;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;

/**
 * One classification a host's filter engine made.
 *
 * @param host        the host's name
 * @param event       what was classified: bind, listen, connect, SYN, SYN-ACK, ACK, data, FIN, RST, datagram,
 *                    echo-request, echo-reply, port-unreachable, established, close, release, ...
 * @param layer       the layer
 * @param direction   the traffic direction, NONE for socket operations
 * @param action      the final action (PERMIT or BLOCK)
 * @param filterId    the deciding filter's run-time id, 0 for the layer default
 * @param filterName  the deciding filter's name, null for the layer default
 * @param absorbed    blocked with FWPS_CLASSIFY_OUT_FLAG_ABSORB (silent)
 * @param reauthorize a reauthorization (FWP_CONDITION_FLAG_IS_REAUTHORIZE)
 * @param injected    the packet was injected by a callout
 * @param loopback    FWP_CONDITION_FLAG_IS_LOOPBACK
 * @param packetId    the packet's id (see {@link Transmission#packetId()}), 0 for none
 * @param summary     the packet or operation in words, e.g. {@code 10.200.0.1:49152 > 10.200.0.2:80 [S]}
 */
public record Classification(long seq, long timeNanos, String host, String event, Layer layer, Direction direction,
                             ActionType action, long filterId, String filterName, boolean absorbed,
                             boolean reauthorize, boolean injected, boolean loopback, long packetId, String summary)
        implements TraceEntry {
    /** True if the classification blocked. */
    public boolean blocked() {
        return action == ActionType.FWP_ACTION_BLOCK;
    }

    /** True for the MAC frame layers. */
    public boolean isMacLayer() {
        return layer.ipVersion() == null;
    }

    /** The flags worth printing: absorbed, reauth, injected, loopback, joined with ','; empty if none. */
    public String flagText() {
        StringBuilder sb = new StringBuilder();
        if (absorbed) sb.append("absorbed");
        if (reauthorize) sb.append(sb.isEmpty() ? "" : ",").append("reauth");
        if (injected) sb.append(sb.isEmpty() ? "" : ",").append("injected");
        if (loopback) sb.append(sb.isEmpty() ? "" : ",").append("loopback");
        return sb.toString();
    }
}

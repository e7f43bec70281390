package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.layer.Layer;
import java.util.function.Predicate;

/**
 * What one netfilter hook of one IP family must send to user space, derived from which WFP layers hold filters (the
 * table in {@code docs/live-layers.md}). A layer with nothing on it costs nothing: if no field below is set, jwfp
 * installs no rule at that hook.
 *
 * @param all                every packet (a packet layer such as OUTBOUND_IPPACKET or INBOUND_TRANSPORT has filters)
 * @param udp                every UDP packet (DATAGRAM_DATA has filters)
 * @param icmp               every ICMP packet, for the ICMP error layers and for DATAGRAM_DATA (echo and other
 *                           non-error messages are indicated there)
 * @param newFlows           first packets of new conntrack flows (ALE_AUTH_CONNECT / RECV_ACCEPT / FLOW_ESTABLISHED)
 * @param reauthOriginal     established packets in the conntrack original direction whose flow was authorized under
 *                           an older ALE policy generation (reauthorization)
 * @param reauthReply        the same in the reply direction
 * @param tcpEstablishedOnce the first established inbound TCP packet of each flow (ALE_FLOW_ESTABLISHED)
 */
public record QueueDemand(boolean all, boolean udp, boolean icmp, boolean newFlows, boolean reauthOriginal,
                          boolean reauthReply, boolean tcpEstablishedOnce) {
    public static final QueueDemand NONE = new QueueDemand(false, false, false, false, false, false, false);

    /** Whether the hook needs any rule. */
    public boolean any() {
        return all || udp || icmp || newFlows || reauthOriginal || reauthReply || tcpEstablishedOnce;
    }

    /** Whether only ALE traffic (new flows, reauthorization, establishment) is queued: the fast path. */
    public boolean aleOnly() {
        return any() && !all && !udp && !icmp;
    }

    /** The netfilter hooks jwfp uses. */
    public enum Hook {
        OUTPUT, INPUT, FORWARD;

        /** jwfp's chain for the hook. */
        public String chain() {
            return "JWFP-" + name();
        }
    }

    /** The demand at {@code hook} for IPv4 ({@code v6 = false}) or IPv6, given which layers hold filters. */
    public static QueueDemand of(Hook hook, boolean v6, Predicate<Layer> hasFilters) {
        Predicate<Layer> has = l -> hasFilters.test(v6 ? l.otherIpVersion() : l);
        boolean connect = has.test(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4);
        boolean accept = has.test(Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4);
        boolean established = has.test(Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
        boolean datagram = has.test(Layer.FWPM_LAYER_DATAGRAM_DATA_V4);
        return switch (hook) {
            // Outbound flows have the conntrack original direction at OUTPUT; inbound ones the reply direction.
            case OUTPUT -> new QueueDemand(
                    has.test(Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4) || has.test(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4),
                    datagram, datagram || has.test(Layer.FWPM_LAYER_OUTBOUND_ICMP_ERROR_V4), connect || established,
                    connect, accept, false);
            case INPUT -> new QueueDemand(
                    has.test(Layer.FWPM_LAYER_INBOUND_IPPACKET_V4) || has.test(Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4),
                    datagram, datagram || has.test(Layer.FWPM_LAYER_INBOUND_ICMP_ERROR_V4), accept || established,
                    accept, connect, established);
            case FORWARD -> new QueueDemand(has.test(Layer.FWPM_LAYER_IPFORWARD_V4), false, false, false, false,
                    false, false);
        };
    }

    @Override
    public String toString() {
        if (!any()) return "nothing";
        if (all) return "every packet";
        StringBuilder sb = new StringBuilder();
        if (udp) sb.append("udp, ");
        if (icmp) sb.append("icmp, ");
        if (newFlows) sb.append("new flows, ");
        if (reauthOriginal || reauthReply) sb.append("reauthorization, ");
        if (tcpEstablishedOnce) sb.append("first established tcp packet, ");
        return sb.substring(0, sb.length() - 2);
    }
}

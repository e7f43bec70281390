package io.jwfp.bfe.netevent;

import io.jwfp.engine.layer.Layer;
import java.time.Instant;

/**
 * FWPM_NET_EVENT (classify drop / allow): what a filter decided about one packet or connection. Addresses are text;
 * unknown members are null (objects) or -1 (numbers).
 *
 * @param sequence   a number that grows by one per event, for following a log
 * @param type       CLASSIFY_DROP or CLASSIFY_ALLOW
 * @param timeStamp  when the classification happened
 * @param layer      the layer that decided
 * @param filterId   the run-time id of the deciding filter (0 when the layer default decided)
 * @param filterName the deciding filter's display name (or key), null for the layer default
 * @param direction  FWP_DIRECTION_INBOUND or FWP_DIRECTION_OUTBOUND
 * @param ipVersion  4 or 6, -1 unknown
 * @param ipProtocol IP protocol number, -1 unknown
 * @param localAddr  local address
 * @param localPort  local port (ICMP type), -1 unknown
 * @param remoteAddr remote address
 * @param remotePort remote port (ICMP code), -1 unknown
 * @param appId      the application (executable path), null unknown
 * @param userId     the user (uid), -1 unknown
 * @param userName   the user's name, null unknown
 * @param loopback   FWP_CONDITION_FLAG_IS_LOOPBACK was set
 * @param reauthorize the classification was a reauthorization
 * @param veto       a callout vetoed a hard permit (Windows audits this as 5153)
 */
public record NetEvent(long sequence, Type type, Instant timeStamp, Layer layer, long filterId, String filterName,
                       String direction, int ipVersion, int ipProtocol, String localAddr, int localPort,
                       String remoteAddr, int remotePort, String appId, long userId, String userName,
                       boolean loopback, boolean reauthorize, boolean veto) {

    /** FWPM_NET_EVENT_TYPE. */
    public enum Type {
        FWPM_NET_EVENT_TYPE_CLASSIFY_DROP,
        FWPM_NET_EVENT_TYPE_CLASSIFY_ALLOW
    }

    /** The run-time layer id. */
    public int layerId() {
        return layer.layerId();
    }

    NetEvent withSequence(long seq) {
        return new NetEvent(seq, type, timeStamp, layer, filterId, filterName, direction, ipVersion, ipProtocol,
                localAddr, localPort, remoteAddr, remotePort, appId, userId, userName, loopback, reauthorize, veto);
    }

    /** One line for people: time, type, layer, filter, direction, 5-tuple, app, user. */
    public String describe() {
        String proto = ipProtocol < 0 ? "?" : io.jwfp.engine.value.Values.protocolName(ipProtocol);
        return timeStamp + " " + (type == Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP ? "DROP " : "ALLOW")
                + " " + layer.name() + " filter " + filterId + (filterName != null ? " (" + filterName + ")" : "")
                + " " + direction.replace("FWP_DIRECTION_", "").toLowerCase(java.util.Locale.ROOT)
                + " " + proto + " " + endpoint(localAddr, localPort) + " -> " + endpoint(remoteAddr, remotePort)
                + (appId != null ? " app=" + appId : "") + (userId >= 0 ? " uid=" + userId : "")
                + (veto ? " veto" : "") + (reauthorize ? " reauth" : "") + (loopback ? " loopback" : "");
    }

    private static String endpoint(String addr, int port) {
        String a = addr == null ? "?" : addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr;
        return port < 0 ? a : a + ":" + port;
    }
}

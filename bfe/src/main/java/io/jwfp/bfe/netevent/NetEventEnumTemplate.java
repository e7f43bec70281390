package io.jwfp.bfe.netevent;

import io.jwfp.engine.layer.Layer;
import java.time.Instant;

/**
 * FWPM_NET_EVENT_ENUM_TEMPLATE0, simplified: null members match anything.
 *
 * @param startTime  events at or after
 * @param endTime    events at or before
 * @param type       only this type
 * @param layer      only this layer
 * @param filterId   only this deciding filter (null = any)
 * @param ipProtocol only this protocol (null = any)
 * @param remoteAddr only this remote address (text, as in events)
 * @param remotePort only this remote port
 * @param appId      only this application path
 */
public record NetEventEnumTemplate(Instant startTime, Instant endTime, NetEvent.Type type, Layer layer,
                                   Long filterId, Integer ipProtocol, String remoteAddr, Integer remotePort,
                                   String appId) {
    public static final NetEventEnumTemplate ALL = new NetEventEnumTemplate(null, null, null, null, null, null, null, null, null);

    public boolean matches(NetEvent e) {
        return (startTime == null || !e.timeStamp().isBefore(startTime))
                && (endTime == null || !e.timeStamp().isAfter(endTime))
                && (type == null || e.type() == type)
                && (layer == null || e.layer() == layer)
                && (filterId == null || e.filterId() == filterId)
                && (ipProtocol == null || e.ipProtocol() == ipProtocol)
                && (remoteAddr == null || remoteAddr.equals(e.remoteAddr()))
                && (remotePort == null || e.remotePort() == remotePort)
                && (appId == null || appId.equals(e.appId()));
    }
}

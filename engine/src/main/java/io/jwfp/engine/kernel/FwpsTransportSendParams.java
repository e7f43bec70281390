package io.jwfp.engine.kernel;

import java.net.InetAddress;

/**
 * FWPS_TRANSPORT_SEND_PARAMS1: where {@link FwpsKernel#injectTransportSendAsync} sends a transport packet when it is
 * not the endpoint's connected peer (datagram sockets), plus the scope id and the socket's control data. Mutable.
 */
public final class FwpsTransportSendParams {
    /** The remote address (null: the endpoint's). */
    public InetAddress remoteAddress;
    /** The IPv6 scope id of the remote address. */
    public long remoteScopeId;
    /** Ancillary data of the send (WSACMSGHDR), opaque here; may be null. */
    public Object controlData;

    public FwpsTransportSendParams() {}

    public FwpsTransportSendParams(InetAddress remoteAddress) {
        this.remoteAddress = remoteAddress;
    }
}

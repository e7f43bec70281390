package io.jwfp.engine.kernel;

import java.net.InetSocketAddress;

/**
 * FWPS_CONNECT_REQUEST0: the layer data of FWPM_LAYER_ALE_CONNECT_REDIRECT_V4/V6. Read-only as indicated; a callout
 * rewrites the copy {@link FwpsKernel#acquireWritableLayerDataPointer} returns and commits it with
 * {@link FwpsKernel#applyModifiedLayerData}. Only {@link #remoteAddressAndPort}, {@link #portReservationToken},
 * {@link #localRedirectTargetPID}, {@link #localRedirectHandle} and {@link #localRedirectContext} may be changed.
 * Not thread-safe.
 */
public final class FwpsConnectRequest {
    /** The local address and port (read-only). */
    public final InetSocketAddress localAddressAndPort;
    /** The remote address and port: the new destination when redirecting. */
    public InetSocketAddress remoteAddressAndPort;
    public long portReservationToken;
    /** PID of the local process that will accept a connection redirected to a local proxy. */
    public long localRedirectTargetPID;
    /** The request before the last modification by another callout, or null (read-only). */
    public final FwpsConnectRequest previousVersion;
    /** The filter id of the callout that produced this version (read-only). */
    public final long modifierFilterId;
    /** The redirect handle of the redirecting callout (required for the redirect to take effect). */
    public RedirectHandle localRedirectHandle;
    /** Context the proxy can query on the accepted connection (SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT). */
    public Object localRedirectContext;

    public FwpsConnectRequest(InetSocketAddress local, InetSocketAddress remote, FwpsConnectRequest previousVersion,
                              long modifierFilterId) {
        this.localAddressAndPort = local;
        this.remoteAddressAndPort = remote;
        this.previousVersion = previousVersion;
        this.modifierFilterId = modifierFilterId;
    }

    /** A writable copy whose {@link #previousVersion} is this request, as FwpsAcquireWritableLayerDataPointer0 makes. */
    public FwpsConnectRequest writableCopy(long modifierFilterId) {
        FwpsConnectRequest c = new FwpsConnectRequest(localAddressAndPort, remoteAddressAndPort, this, modifierFilterId);
        c.portReservationToken = portReservationToken;
        c.localRedirectTargetPID = localRedirectTargetPID;
        c.localRedirectHandle = localRedirectHandle;
        c.localRedirectContext = localRedirectContext;
        return c;
    }

    @Override
    public String toString() {
        return "FWPS_CONNECT_REQUEST0[" + localAddressAndPort + " -> " + remoteAddressAndPort + "]";
    }
}

package io.jwfp.engine.kernel;

import java.net.InetSocketAddress;

/**
 * FWPS_BIND_REQUEST0: the layer data of FWPM_LAYER_ALE_BIND_REDIRECT_V4/V6. A callout rewrites
 * {@link #localAddressAndPort} on the copy {@link FwpsKernel#acquireWritableLayerDataPointer} returns and commits it
 * with {@link FwpsKernel#applyModifiedLayerData}. Not thread-safe.
 */
public final class FwpsBindRequest {
    /** The local address and port being bound: modifiable. */
    public InetSocketAddress localAddressAndPort;
    public long portReservationToken;
    /** The request before the last modification, or null (read-only). */
    public final FwpsBindRequest previousVersion;
    /** The filter id of the callout that produced this version (read-only). */
    public final long modifierFilterId;

    public FwpsBindRequest(InetSocketAddress local, FwpsBindRequest previousVersion, long modifierFilterId) {
        this.localAddressAndPort = local;
        this.previousVersion = previousVersion;
        this.modifierFilterId = modifierFilterId;
    }

    /** A writable copy whose {@link #previousVersion} is this request. */
    public FwpsBindRequest writableCopy(long modifierFilterId) {
        FwpsBindRequest c = new FwpsBindRequest(localAddressAndPort, this, modifierFilterId);
        c.portReservationToken = portReservationToken;
        return c;
    }

    @Override
    public String toString() {
        return "FWPS_BIND_REQUEST0[" + localAddressAndPort + "]";
    }
}

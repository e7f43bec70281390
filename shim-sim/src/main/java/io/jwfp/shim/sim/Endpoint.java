package io.jwfp.shim.sim;

import io.jwfp.engine.layer.IpVersion;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What all simulated sockets share: the owning process, the family and protocol, the transport endpoint handle
 * (metadata TRANSPORT_ENDPOINT_HANDLE), the bound local address, and the last error. Not thread-safe.
 */
public abstract class Endpoint {
    final SimHost host;
    final SimProcess process;
    final IpVersion family;
    final int protocol;
    final long handle;
    InetSocketAddress local;
    boolean ownsPort;
    boolean closed;
    long parentHandle;
    /** Connection redirect records (the REDIRECT_RECORD_HANDLE), newest last; null when never redirected. */
    List<SimKernel.RedirectRecord> redirectRecords;
    /** Redirect records the proxy set (SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS). */
    List<SimKernel.RedirectRecord> proxyRecords;
    Object redirectContext;
    String error;

    Endpoint(SimHost host, SimProcess process, IpVersion family, int protocol) {
        this.host = host;
        this.process = process;
        this.family = family;
        this.protocol = protocol;
        this.handle = host.newEndpointHandle();
    }

    /** The transport endpoint handle. */
    public long endpointHandle() {
        return handle;
    }

    /** The local address and port once bound, or null. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The last error as its Winsock name (WSAEACCES, WSAECONNREFUSED, WSAETIMEDOUT, ...), or null. */
    public String error() {
        return error;
    }

    /** True once closed (ALE_ENDPOINT_CLOSURE has been classified). */
    public boolean isClosed() {
        return closed;
    }

    public SimProcess process() {
        return process;
    }

    /**
     * SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS: the redirect records of a connection a proxy accepted (the
     * redirected one), or null.
     */
    public List<SimKernel.RedirectRecord> queryRedirectRecords() {
        return redirectRecords == null ? null : List.copyOf(redirectRecords);
    }

    /** SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT: the context the redirecting callout attached, or null. */
    public Object queryRedirectContext() {
        return redirectContext;
    }

    /**
     * SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS: marks this socket's connection as the proxy's own, so the redirecting
     * callout sees FWPS_CONNECTION_REDIRECTED_BY_SELF.
     */
    public void setRedirectRecords(List<SimKernel.RedirectRecord> records) {
        proxyRecords = records == null ? null : new ArrayList<>(records);
    }
}

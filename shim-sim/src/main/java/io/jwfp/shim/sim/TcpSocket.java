package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.shim.sim.LayerPath.v;

import io.jwfp.engine.kernel.FwpsConnectRequest;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.packet.IpProtocol;
import io.jwfp.shim.sim.trace.Direction;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A simulated TCP socket: bind, listen, accept, connect, send, recv, shutdown, close. Calls never block: connect
 * starts the handshake and returns, {@link #accept()} returns null while no connection is ready, {@link #recv} returns
 * what has arrived; run the network to make progress.
 *
 * <p>WFP sees: bind at ALE_BIND_REDIRECT and ALE_RESOURCE_ASSIGNMENT; listen at ALE_AUTH_LISTEN; connect at
 * ALE_CONNECT_REDIRECT and ALE_AUTH_CONNECT; close at ALE_ENDPOINT_CLOSURE and ALE_RESOURCE_RELEASE.
 * Not thread-safe.
 */
public final class TcpSocket extends Endpoint {
    TcpConnection conn;
    InetSocketAddress remote;
    private boolean listening;
    private final Deque<TcpSocket> acceptQueue = new ArrayDeque<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean eof;
    private boolean shutdownSent;
    private boolean connecting;

    TcpSocket(SimHost host, SimProcess process, IpVersion family) {
        super(host, process, family, IpProtocol.TCP);
    }

    /** bind(): ALE_BIND_REDIRECT then ALE_RESOURCE_ASSIGNMENT; port 0 picks an ephemeral port. */
    public void bind(InetSocketAddress address) {
        if (local != null) throw new SimSocketException("WSAEINVAL", "already bound");
        host.bind(this, address, false);
    }

    /** listen(): ALE_AUTH_LISTEN. */
    public void listen() {
        if (local == null) throw new SimSocketException("WSAEINVAL", "not bound");
        Facts f = host.aleFacts("listen", this, Direction.NONE);
        Indication ind = host.path().enforce(v(FWPM_LAYER_ALE_AUTH_LISTEN_V4, family), f, null, null);
        if (!ind.permitted()) {
            error = "WSAEACCES";
            throw new SimSocketException("WSAEACCES", "listen blocked by filter " + ind.result.filterId());
        }
        listening = true;
        host.tcpListeners.computeIfAbsent(local.getPort(), k -> new ArrayList<>()).add(this);
    }

    static TcpSocket findListener(SimHost host, InetAddress addr, int port) {
        List<TcpSocket> l = host.tcpListeners.get(port);
        if (l == null) return null;
        TcpSocket wild = null;
        for (TcpSocket s : l) {
            if (s.closed || SimHost.version(addr) != s.family) continue;
            if (s.local.getAddress().equals(addr)) return s;
            if (s.local.getAddress().isAnyLocalAddress()) wild = s;
        }
        return wild;
    }

    void enqueueAccepted(TcpSocket s) {
        acceptQueue.add(s);
    }

    /** accept(): the next established connection, or null when none is ready. */
    public TcpSocket accept() {
        if (!listening) throw new SimSocketException("WSAEINVAL", "not listening");
        return acceptQueue.poll();
    }

    /**
     * connect(): binds implicitly if needed, then ALE_CONNECT_REDIRECT (a callout may redirect or pend) and
     * ALE_AUTH_CONNECT (a callout may pend); permitted, the SYN goes out. Failure shows in {@link #error()}.
     */
    public void connect(InetSocketAddress to) {
        if (conn != null || connecting) throw new SimSocketException("WSAEISCONN", "already connected");
        if (local == null) host.bind(this, new InetSocketAddress(SimHost.wildcard(family), 0), true);
        connecting = true;
        connectRedirect(to);
    }

    private InetAddress sourceFor(InetSocketAddress to) {
        InetAddress a = local.getAddress();
        if (!a.isAnyLocalAddress()) return a;
        InetAddress s = host.sourceFor(to.getAddress());
        if (s == null) throw new SimSocketException("WSAENETUNREACH", "no route to " + to);
        return s;
    }

    private void connectRedirect(InetSocketAddress to) {
        Facts f = host.aleFacts("connect", this, Direction.OUTBOUND);
        f.local = sourceFor(to);
        f.remote(to.getAddress(), to.getPort());
        f.redirectRecords = this;
        if (host.isLocal(to.getAddress())) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        FwpsConnectRequest req = new FwpsConnectRequest(new InetSocketAddress(f.local, local.getPort()), to, null, 0);
        Indication ind = host.path().classify(v(FWPM_LAYER_ALE_CONNECT_REDIRECT_V4, family), f, null, req);
        if (ind.classifyPended) {
            ind.onClassifyComplete = a -> {
                if (a == null) connectRedirect(to);
                else afterRedirect(to, ind, a);
            };
            return;
        }
        afterRedirect(to, ind, ind.result.action());
    }

    private void afterRedirect(InetSocketAddress to, Indication ind, ActionType action) {
        if (action == ActionType.FWP_ACTION_BLOCK && ind.modifiedLayerData == null) {
            fail("WSAEACCES");
            return;
        }
        InetSocketAddress target = to;
        if (ind.modifiedLayerData instanceof FwpsConnectRequest mod && mod.remoteAddressAndPort != null
                && !mod.remoteAddressAndPort.equals(to)) {
            target = mod.remoteAddressAndPort;
            if (redirectRecords == null) redirectRecords = new ArrayList<>();
            redirectRecords.add(new SimKernel.RedirectRecord(mod.localRedirectHandle, mod.modifierFilterId, to,
                    target, mod.localRedirectTargetPID));
            redirectContext = mod.localRedirectContext;
        }
        authConnect(target);
    }

    private void authConnect(InetSocketAddress to) {
        Layer layer = v(FWPM_LAYER_ALE_AUTH_CONNECT_V4, family);
        InetAddress src = sourceFor(to);
        local = new InetSocketAddress(src, local.getPort());
        Facts f = host.aleFacts("connect", this, Direction.OUTBOUND);
        f.remote(to.getAddress(), to.getPort());
        f.iface = host.outInterface(to.getAddress());
        long handle = host.flows().newHandle();
        f.flowHandle = handle;
        f.completionHandle = Boolean.TRUE;
        if (host.isLocal(to.getAddress())) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        if (redirectRecords != null) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_CONNECTION_REDIRECTED;
        Indication ind = host.path().enforce(layer, f, null, null);
        if (ind.pendedOperation != null) {
            ind.pendedOperation.onComplete = () -> {
                Facts r = f.copy();
                r.completionHandle = null;
                r.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE;
                r.reauthReason = ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION;
                Indication again = host.path().enforce(layer, r, null, null);
                if (again.permitted()) establish(handle, layer, to);
                else fail("WSAEACCES");
            };
            return;
        }
        if (ind.permitted()) establish(handle, layer, to);
        else fail("WSAEACCES");
    }

    private void establish(long handle, Layer layer, InetSocketAddress to) {
        AleFlows.Key key = new AleFlows.Key(IpProtocol.TCP, local.getAddress(), local.getPort(), to.getAddress(),
                to.getPort());
        AleFlows.Flow flow = host.flows().create(handle, key, layer, Direction.OUTBOUND, this);
        remote = to;
        conn = new TcpConnection(host, this, local, to, flow);
        host.tcpConnections.put(key, conn);
        register();
        conn.sendSyn();
    }

    private void register() {
        host.register(this);
    }

    private void fail(String err) {
        connecting = false;
        error = err;
    }

    void connected() {
        connecting = false;
    }

    void failed(String err) {
        connecting = false;
        if (error == null) error = err;
    }

    /** send(): the bytes go through the stream layer (outbound) and then TCP. */
    public void send(byte[] data) {
        if (conn == null || shutdownSent || conn.isDead()) throw new SimSocketException("WSAENOTCONN", "not connected");
        conn.out.offer(data, false);
    }

    /** recv(): up to {@code max} bytes that arrived (an empty array when none). */
    public byte[] recv(int max) {
        byte[] all = received.toByteArray();
        int n = Math.min(max, all.length);
        received.reset();
        received.write(all, n, all.length - n);
        return java.util.Arrays.copyOf(all, n);
    }

    /** Everything that arrived so far. */
    public byte[] recvAll() {
        return recv(Integer.MAX_VALUE);
    }

    /** Bytes waiting to be read. */
    public int available() {
        return received.size();
    }

    /** True once the peer's FIN passed the stream layer and everything before it was read. */
    public boolean isEof() {
        return eof && received.size() == 0;
    }

    void received(byte[] data) {
        received.writeBytes(data);
    }

    void receivedFin() {
        eof = true;
    }

    /** shutdown(SD_SEND): a FIN after the data (the stream layer sees the send disconnect first). */
    public void shutdownOutput() {
        if (conn == null || shutdownSent) return;
        shutdownSent = true;
        conn.out.offer(new byte[0], true);
    }

    /** closesocket(). */
    public void close() {
        if (closed) return;
        if (listening) {
            listening = false;
            host.tcpListeners.get(local.getPort()).remove(this);
            host.endpointClosure(this, null, () -> host.resourceRelease(this));
            return;
        }
        if (conn == null) {
            if (local != null) host.endpointClosure(this, null, () -> host.resourceRelease(this));
            else closed = true;
            return;
        }
        conn.appClosed = true;
        shutdownOutput();
        conn.maybeCloseEndpoint();
    }

    /** The TCP state (SYN_SENT, ESTABLISHED, ..., CLOSED), LISTEN, or NEW before connect. */
    public String state() {
        if (listening) return "LISTEN";
        return conn == null ? (connecting ? "CONNECTING" : "NEW") : conn.state.name();
    }

    /** True when the connection is established (or closing after having been). */
    public boolean isConnected() {
        return conn != null && conn.state != null && conn.state.ordinal() >= TcpConnection.State.ESTABLISHED.ordinal()
                && conn.state != TcpConnection.State.CLOSED;
    }

    /** Data segments this socket's connection sent, retransmissions and window probes included (ss -ti's segs_out). */
    public long segmentsSent() {
        return conn == null ? 0 : conn.segmentsSent;
    }

    /** Data segments sent again after a timeout (ss -ti's retrans). */
    public long segmentsRetransmitted() {
        return conn == null ? 0 : conn.segmentsRetransmitted;
    }

    /** Zero-window probes sent (the peer's stream layer held the data and closed its window). */
    public long windowProbes() {
        return conn == null ? 0 : conn.windowProbes;
    }

    /** Inbound bytes the stream layer holds for this connection (deferred, or waiting for more data). */
    public long streamLayerHeldBytes() {
        return conn == null ? 0 : conn.in.heldBytes();
    }

    /** The receive window this socket's connection would advertise now. */
    public int advertisedWindow() {
        return conn == null ? 0 : conn.receiveWindow();
    }

    /** The peer, once connecting or accepted. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }
}

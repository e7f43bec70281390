package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.shim.sim.LayerPath.v;
import static io.jwfp.packet.TcpView.*;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.TcpOption;
import io.jwfp.shim.sim.trace.Direction;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One TCP connection (RFC 9293, simplified): three-way handshake with MSS, segmentation, a fixed 65535-byte window,
 * go-back-N retransmission on timeout, out-of-order reassembly, FIN and RST, TIME_WAIT. Every segment is a real
 * packet built with the packet module and goes through {@link SimHost#transportSend}; stream data passes the stream
 * layer in both directions ({@link StreamChannel}).
 */
final class TcpConnection {
    enum State { SYN_SENT, SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED }

    static final int WINDOW = 65535;
    static final Duration INITIAL_RTO = Duration.ofSeconds(1);
    static final long MAX_RTO = Duration.ofSeconds(16).toNanos();
    static final int SYN_RETRIES = 5;
    static final int DATA_RETRIES = 8;
    static final Duration TIME_WAIT = Duration.ofSeconds(4);

    final SimHost host;
    final TcpSocket socket;
    final InetSocketAddress local;
    final InetSocketAddress remote;
    final AleFlows.Flow flow;
    TcpSocket listener;
    State state;
    private long iss;
    private long sndUna;
    private long sndNxt;
    private int sndWnd = WINDOW;
    private long rcvNxt;
    private long irs;
    private int mss;
    private final ByteArrayOutputStream unacked = new ByteArrayOutputStream();
    /** Bytes from sndUna on: sent but unacknowledged, then not yet sent. */
    private final ByteQueue sendBuf = new ByteQueue();
    /** The highest sequence number sent so far (a data segment below it is a retransmission). */
    private long sndMax;
    /** The window last advertised to the peer. */
    private int lastAdvertised = WINDOW;
    long segmentsSent;
    long segmentsRetransmitted;
    long windowProbes;
    private boolean finQueued;
    private boolean finSent;
    private long finSeq;
    private boolean finReceived;
    private final List<Object[]> outOfOrder = new ArrayList<>();
    private int retries;
    private long rto = INITIAL_RTO.toNanos();
    private Object timer;
    private boolean timerArmed;
    final StreamChannel in = new StreamChannel(this, true);
    final StreamChannel out = new StreamChannel(this, false);
    boolean appClosed;
    private boolean closureDone;

    TcpConnection(SimHost host, TcpSocket socket, InetSocketAddress local, InetSocketAddress remote,
                  AleFlows.Flow flow) {
        this.host = host;
        this.socket = socket;
        this.local = local;
        this.remote = remote;
        this.flow = flow;
        int ipHeader = version() == IpVersion.V4 ? 20 : 40;
        SimInterface i = host.outInterface(remote.getAddress());
        this.mss = (i == null ? 1500 : i.mtu()) - ipHeader - HEADER_LEN;
    }

    IpVersion version() {
        return SimHost.version(local.getAddress());
    }

    boolean isDead() {
        return state == State.CLOSED;
    }

    private static long add(long a, long n) {
        return (a + n) & 0xFFFF_FFFFL;
    }

    private static int diff(long a, long b) {
        return (int) (a - b);
    }

    // ---------------------------------------------------------------- receive entry (demultiplexing)

    /** A TCP segment passed the IP layers: find its connection or listener; none: discard and RST. */
    static void receive(SimHost host, SimPacket pkt, Facts f) {
        AleFlows.Key key = SimHost.key(pkt, Direction.INBOUND);
        TcpConnection conn = host.tcpConnections.get(key);
        int flags = pkt.p.tcpFlags();
        IpVersion v = pkt.version();
        if (conn == null) {
            TcpSocket listener = TcpSocket.findListener(host, key.local(), key.localPort());
            if (listener == null || (flags & FLAG_SYN) == 0 || (flags & FLAG_ACK) != 0) {
                boolean stealth = host.noEndpoint(pkt, f);
                if (!stealth && (flags & FLAG_RST) == 0) sendReset(host, pkt);
                return;
            }
            f.aleClassifyRequired = true;
            f.flags |= ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY;
            f.endpointHandle = listener.handle;
            if (!host.path().enforce(v(FWPM_LAYER_INBOUND_TRANSPORT_V4, v), f, pkt).permitted()) return;
            recvAccept(host, listener, pkt, key, f);
            return;
        }
        f.flowHandle = conn.flow.handle;
        f.endpointHandle = conn.socket.handle;
        if (!host.path().enforce(v(FWPM_LAYER_INBOUND_TRANSPORT_V4, v), f, pkt).permitted()) return;
        if (!host.reauthorize(conn.flow, pkt, Direction.INBOUND, f)) return;
        conn.segment(pkt);
    }

    /** The first SYN for a listener: ALE_AUTH_RECV_ACCEPT; permitted, a connection in SYN_RCVD answers SYN-ACK. */
    private static void recvAccept(SimHost host, TcpSocket listener, SimPacket pkt, AleFlows.Key key, Facts pf) {
        Indication ind = host.recvAccept(pkt, pf, listener, key);
        if (ind == null) return;
        AleFlows.Flow flow = host.flows().create(ind.facts.flowHandle, key, ind.layer, Direction.INBOUND, null);
        TcpSocket accepted = new TcpSocket(host, listener.process, listener.family);
        accepted.local = new InetSocketAddress(key.local(), key.localPort());
        accepted.parentHandle = listener.handle;
        host.register(accepted);
        flow.endpoint = accepted;
        TcpConnection c = new TcpConnection(host, accepted, accepted.local,
                new InetSocketAddress(key.remote(), key.remotePort()), flow);
        c.listener = listener;
        accepted.conn = c;
        accepted.remote = c.remote;
        TcpConnection client = host.tcpConnections.get(new AleFlows.Key(key.protocol(), key.remote(),
                key.remotePort(), key.local(), key.localPort()));
        if (client != null && client.socket.redirectRecords != null) {
            // A connection redirected to a local proxy: the proxy can query how it got here.
            accepted.redirectRecords = client.socket.redirectRecords;
            accepted.redirectContext = client.socket.redirectContext;
        }
        host.tcpConnections.put(key, c);
        c.acceptSyn(pkt);
    }

    /** The RST for a segment nobody wants (RFC 9293 §3.10.7.1), through OUTBOUND_TRANSPORT and OUTBOUND_IPPACKET. */
    static void sendReset(SimHost host, SimPacket offending) {
        SimPacket rst = SimPacket.ofIp(Packets.tcpResetFor(offending.ipBytes()), host.network().nextPacketId());
        host.transportSend(rst, null, null);
    }

    // ---------------------------------------------------------------- opening

    void sendSyn() {
        iss = host.network().random().nextLong(1L << 32);
        sndUna = iss;
        sndNxt = add(iss, 1);
        sndMax = sndNxt;
        state = State.SYN_SENT;
        emit(FLAG_SYN, iss, 0, new byte[0], List.of(new TcpOption.Mss(mss)));
        arm();
    }

    private void acceptSyn(SimPacket pkt) {
        ParsedPacket p = pkt.p;
        irs = p.tcpSeq();
        rcvNxt = add(irs, 1);
        peerMss(pkt);
        iss = host.network().random().nextLong(1L << 32);
        sndUna = iss;
        sndNxt = add(iss, 1);
        sndMax = sndNxt;
        state = State.SYN_RCVD;
        emit(FLAG_SYN | FLAG_ACK, iss, rcvNxt, new byte[0], List.of(new TcpOption.Mss(mss)));
        arm();
    }

    private void peerMss(SimPacket pkt) {
        int m = pkt.p.tcp().mss();
        if (m > 0) mss = Math.min(mss, m);
    }

    // ---------------------------------------------------------------- segment arrival

    void segment(SimPacket pkt) {
        ParsedPacket p = pkt.p;
        int flags = p.tcpFlags();
        long seq = p.tcpSeq();
        long ack = p.tcpAck();
        if ((flags & FLAG_RST) != 0) {
            if (state == State.SYN_SENT) {
                if ((flags & FLAG_ACK) != 0 && ack == sndNxt) abort("WSAECONNREFUSED", false);
            } else if (state == State.TIME_WAIT) {
                // Both FINs were exchanged: a RST (the peer's answer to a late duplicate after it closed) ends the
                // wait early without failing the application (RFC 1337's TIME-WAIT hazard; Windows' behaviour).
                finish();
            } else if (diff(seq, rcvNxt) >= 0 && diff(seq, rcvNxt) < WINDOW) {
                abort("WSAECONNRESET", false);
            }
            return;
        }
        switch (state) {
            case SYN_SENT -> {
                if ((flags & (FLAG_SYN | FLAG_ACK)) == (FLAG_SYN | FLAG_ACK) && ack == sndNxt) {
                    irs = seq;
                    rcvNxt = add(seq, 1);
                    sndUna = ack;
                    sndWnd = p.tcpWindow();
                    peerMss(pkt);
                    disarm();
                    retries = 0;
                    state = State.ESTABLISHED;
                    if (!host.flowEstablished(flow, socket, null, Direction.OUTBOUND)) {
                        abort("WSAECONNABORTED", true);
                        return;
                    }
                    ackNow();
                    socket.connected();
                    output();
                }
                return;
            }
            case SYN_RCVD -> {
                if ((flags & FLAG_SYN) != 0 && (flags & FLAG_ACK) == 0) {
                    if (seq == irs) emit(FLAG_SYN | FLAG_ACK, iss, rcvNxt, new byte[0], List.of(new TcpOption.Mss(mss)));
                    return;
                }
                if ((flags & FLAG_ACK) == 0 || ack != sndNxt) return;
                sndUna = ack;
                sndWnd = p.tcpWindow();
                disarm();
                retries = 0;
                state = State.ESTABLISHED;
                if (!host.flowEstablished(flow, socket, null, Direction.INBOUND)) {
                    abort("WSAECONNABORTED", true);
                    return;
                }
                listener.enqueueAccepted(socket);
            }
            case CLOSED -> {
                return;
            }
            default -> {
                if ((flags & FLAG_SYN) != 0) {
                    ackNow(); // our ACK of the handshake was lost; the peer repeats its SYN-ACK
                    return;
                }
            }
        }
        if ((flags & FLAG_ACK) != 0) onAck(ack, p.tcpWindow());
        if (state == State.CLOSED) return;
        byte[] payload = pkt.payload();
        boolean fin = (flags & FLAG_FIN) != 0;
        if (payload.length > 0 || fin) {
            if (!finReceived) accept(seq, payload, fin);
            ackNow();
        }
        afterInput();
        output();
    }

    private void onAck(long ack, int window) {
        sndWnd = window;
        if (diff(ack, sndUna) <= 0 || diff(ack, sndNxt) > 0) return;
        int acked = diff(ack, sndUna);
        int dataAcked = Math.min(acked, sendBuf.length());
        sendBuf.drop(dataAcked);
        boolean finAcked = finSent && ack == add(finSeq, 1);
        sndUna = ack;
        retries = 0;
        rto = INITIAL_RTO.toNanos();
        if (sndUna == sndNxt) disarm();
        else arm(true);
        if (finAcked) {
            switch (state) {
                case FIN_WAIT_1 -> state = State.FIN_WAIT_2;
                case CLOSING -> enterTimeWait();
                case LAST_ACK -> finish();
                default -> { }
            }
        }
    }

    /** In-order bytes go up; others wait in the reassembly list. */
    private void accept(long seq, byte[] payload, boolean fin) {
        int d = diff(seq, rcvNxt);
        if (d > 0) {
            if (d < WINDOW) outOfOrder.add(new Object[] {seq, payload, fin});
            return;
        }
        deliverFrom(seq, payload, fin);
        boolean progress = true;
        while (progress && !finReceived) {
            progress = false;
            for (int i = 0; i < outOfOrder.size(); i++) {
                Object[] o = outOfOrder.get(i);
                long s = (Long) o[0];
                byte[] b = (byte[]) o[1];
                if (diff(s, rcvNxt) <= 0) {
                    outOfOrder.remove(i);
                    deliverFrom(s, b, (Boolean) o[2]);
                    progress = true;
                    break;
                }
            }
        }
    }

    private void deliverFrom(long seq, byte[] payload, boolean fin) {
        int skip = diff(rcvNxt, seq);
        if (skip < 0) return;
        if (skip < payload.length) {
            byte[] fresh = Arrays.copyOfRange(payload, skip, payload.length);
            rcvNxt = add(rcvNxt, fresh.length);
            in.offer(fresh, false);
        }
        if (fin && diff(add(seq, payload.length), rcvNxt) == 0 && !finReceived) {
            finReceived = true;
            rcvNxt = add(rcvNxt, 1);
            switch (state) {
                case ESTABLISHED -> state = State.CLOSE_WAIT;
                case FIN_WAIT_1 -> state = State.CLOSING;
                case FIN_WAIT_2 -> state = State.TIME_WAIT;
                default -> { }
            }
            in.offer(new byte[0], true);
        }
    }

    /** TIME_WAIT is entered once the final ACK went out. */
    private void afterInput() {
        if (state == State.TIME_WAIT && !timeWaitStarted) enterTimeWait();
    }

    private boolean timeWaitStarted;

    private void enterTimeWait() {
        if (timeWaitStarted) return;
        timeWaitStarted = true;
        state = State.TIME_WAIT;
        disarm();
        maybeCloseEndpoint();
        host.network().clock().schedule(TIME_WAIT, this::finish);
    }

    // ---------------------------------------------------------------- sending

    /** Permitted outbound stream data. */
    void appendSend(byte[] data) {
        sendBuf.append(data);
        output();
    }

    /** The outbound stream ended (after the stream layer): FIN once the data is out. */
    void queueFin() {
        if (finQueued) return;
        finQueued = true;
        if (state == State.ESTABLISHED) state = State.FIN_WAIT_1;
        else if (state == State.CLOSE_WAIT) state = State.LAST_ACK;
        output();
    }

    private boolean canSend() {
        return switch (state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, LAST_ACK, CLOSING -> true;
            default -> false;
        };
    }

    void output() {
        if (!canSend()) return;
        while (true) {
            long dataEnd = finSent ? add(sndNxt, -1) : sndNxt;
            int sent = diff(dataEnd, sndUna);
            int unsent = sendBuf.length() - sent;
            int inflight = diff(sndNxt, sndUna);
            if (unsent > 0 && inflight < sndWnd && !finSent) {
                int n = Math.min(Math.min(mss, unsent), sndWnd - inflight);
                segmentsSent++;
                if (diff(dataEnd, sndMax) < 0) segmentsRetransmitted++;
                emit(FLAG_ACK | FLAG_PSH, dataEnd, rcvNxt, sendBuf.copy(sent, n), List.of());
                sndNxt = add(sndNxt, n);
                if (diff(sndNxt, sndMax) > 0) sndMax = sndNxt;
                arm();
                continue;
            }
            if (unsent > 0 && sndWnd == 0 && inflight == 0 && !finSent) {
                arm(); // the persist timer: probe the zero window in case the window update is lost
                return;
            }
            if (finQueued && !finSent && unsent == 0) {
                finSeq = sndNxt;
                emit(FLAG_FIN | FLAG_ACK, sndNxt, rcvNxt, new byte[0], List.of());
                sndNxt = add(sndNxt, 1);
                finSent = true;
                arm();
            }
            return;
        }
    }

    /**
     * The window to advertise: the fixed buffer less what the inbound stream layer holds (a callout deferred the
     * stream or asked for more data), so a deferred flow closes the peer's window as a full receive buffer would.
     */
    int receiveWindow() {
        return (int) Math.max(0, WINDOW - in.heldBytes());
    }

    /** The inbound stream layer released held data: tell the peer once the window has opened noticeably. */
    void windowMaybeOpened() {
        if (state == State.CLOSED || state == State.SYN_SENT || state == State.SYN_RCVD) return;
        int w = receiveWindow();
        if (w - lastAdvertised >= Math.min(mss, WINDOW / 2) || (lastAdvertised == 0 && w > 0)) ackNow();
    }

    private void ackNow() {
        emit(FLAG_ACK, sndNxt, rcvNxt, new byte[0], List.of());
    }

    private void emit(int flags, long seq, long ack, byte[] payload, List<TcpOption> options) {
        lastAdvertised = receiveWindow();
        TcpHeader h = new TcpHeader(local.getPort(), remote.getPort(), seq, (flags & FLAG_ACK) != 0 ? ack : 0, flags,
                lastAdvertised, 0, options);
        byte[] ip = Packets.tcp(local.getAddress(), remote.getAddress(), h, payload);
        SimPacket pkt = SimPacket.ofIp(ip, host.network().nextPacketId());
        host.transportSend(pkt, socket, flow);
    }

    // ---------------------------------------------------------------- timers

    private void arm() {
        arm(false);
    }

    private void arm(boolean restart) {
        if (timerArmed && !restart) return;
        host.network().clock().cancel(timer);
        timerArmed = true;
        timer = host.network().clock().scheduleNanos(rto, this::timeout);
    }

    private void disarm() {
        timerArmed = false;
        host.network().clock().cancel(timer);
        timer = null;
    }

    private void timeout() {
        timerArmed = false;
        timer = null;
        if (state == State.CLOSED || state == State.TIME_WAIT) return;
        retries++;
        int max = state == State.SYN_SENT || state == State.SYN_RCVD ? SYN_RETRIES : DATA_RETRIES;
        if (retries > max) {
            abort("WSAETIMEDOUT", false);
            return;
        }
        rto = Math.min(rto * 2, MAX_RTO);
        switch (state) {
            case SYN_SENT -> emit(FLAG_SYN, iss, 0, new byte[0], List.of(new TcpOption.Mss(mss)));
            case SYN_RCVD -> emit(FLAG_SYN | FLAG_ACK, iss, rcvNxt, new byte[0], List.of(new TcpOption.Mss(mss)));
            default -> {
                if (sndWnd == 0 && sndNxt == sndUna && !finSent && sendBuf.length() > 0) {
                    // Zero-window probe (RFC 9293 §3.8.6.1): one byte beyond the window; the peer answers with
                    // its current window. Probing does not count as a retry.
                    retries--;
                    windowProbes++;
                    segmentsSent++;
                    emit(FLAG_ACK | FLAG_PSH, sndNxt, rcvNxt, sendBuf.copy(0, 1), List.of());
                    sndNxt = add(sndNxt, 1);
                    if (diff(sndNxt, sndMax) > 0) sndMax = sndNxt;
                    break;
                }
                // Go back N: everything unacknowledged goes again.
                sndNxt = sndUna;
                finSent = false;
                output();
            }
        }
        arm();
    }

    // ---------------------------------------------------------------- closing

    /** Ends the connection at once; with {@code rst} a RST tells the peer. */
    void abort(String error, boolean rst) {
        if (state == State.CLOSED) return;
        if (rst && state != State.SYN_SENT) emit(FLAG_RST | FLAG_ACK, sndNxt, rcvNxt, new byte[0], List.of());
        socket.error = socket.error == null ? error : socket.error;
        socket.failed(error);
        finish();
    }

    /** CLOSED: the flow ends (flow contexts released), the endpoint closes if the application closed it. */
    void finish() {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        disarm();
        host.tcpConnections.remove(flow.key, this);
        host.flows().end(flow);
        maybeCloseEndpoint();
        if (socket.closed) host.resourceRelease(socket);
    }

    void maybeCloseEndpoint() {
        if (!appClosed || closureDone) return;
        if (state != State.TIME_WAIT && state != State.CLOSED) return;
        closureDone = true;
        host.endpointClosure(socket, remote, () -> {
            if (state == State.CLOSED) host.resourceRelease(socket);
        });
    }

    /**
     * The bytes from sndUna on, in one array with a moving start: appending and dropping acknowledged bytes cost
     * what they move, not the whole buffer (a 64 MiB send must not copy 64 MiB per ACK).
     */
    static final class ByteQueue {
        private byte[] buf = new byte[4096];
        private int start;
        private int end;

        int length() {
            return end - start;
        }

        void append(byte[] data) {
            if (end + data.length > buf.length) {
                int len = length();
                byte[] n = len + data.length > buf.length / 2 ? new byte[Math.max(buf.length * 2, len + data.length)] : buf;
                System.arraycopy(buf, start, n, 0, len);
                buf = n;
                start = 0;
                end = len;
            }
            System.arraycopy(data, 0, buf, end, data.length);
            end += data.length;
        }

        void drop(int n) {
            start += n;
            if (start == end) start = end = 0;
        }

        byte[] copy(int from, int n) {
            return Arrays.copyOfRange(buf, start + from, start + from + n);
        }
    }

    /** Facts for a stream-layer classification of this connection. */
    Facts streamFacts(boolean inbound, boolean fin, int len) {
        Facts f = new Facts(fin ? "FIN" : "data");
        f.direction = inbound ? Direction.INBOUND : Direction.OUTBOUND;
        f.protocol = io.jwfp.packet.IpProtocol.TCP;
        f.local(local.getAddress(), local.getPort());
        f.remote(remote.getAddress(), remote.getPort());
        f.flowHandle = flow.handle;
        f.endpointHandle = socket.handle;
        if (host.isLocal(remote.getAddress())) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        f.summary = "stream " + SimPacket.host(local.getAddress()) + ":" + local.getPort() + (inbound ? " < " : " > ")
                + SimPacket.host(remote.getAddress()) + ":" + remote.getPort() + " len=" + len + (fin ? " FIN" : "");
        return f;
    }

    @Override
    public String toString() {
        return "tcp " + local + " -> " + remote + " " + state;
    }
}

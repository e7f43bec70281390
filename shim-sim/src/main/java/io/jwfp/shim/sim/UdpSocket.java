package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.shim.sim.LayerPath.v;

import io.jwfp.engine.kernel.FwpsConnectRequest;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.repr.Packets;
import io.jwfp.shim.sim.trace.Direction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A simulated UDP socket: bind, connect, send/sendto, recvfrom. The first datagram to (or from) a remote address and
 * port is authorized at ALE_CONNECT_REDIRECT/ALE_AUTH_CONNECT (or ALE_AUTH_RECV_ACCEPT) and ALE_FLOW_ESTABLISHED;
 * later ones of the same 5-tuple skip ALE until the flow has been idle for 60 s. Not thread-safe.
 */
public final class UdpSocket extends Endpoint {
    /** A received datagram. */
    public record Datagram(byte[] data, InetSocketAddress from) {}

    private final Deque<Datagram> queue = new ArrayDeque<>();
    private final List<String> errors = new ArrayList<>();
    private InetSocketAddress connected;

    UdpSocket(SimHost host, SimProcess process, IpVersion family) {
        super(host, process, family, IpProtocol.UDP);
    }

    /** bind(). */
    public void bind(InetSocketAddress address) {
        if (local != null) throw new SimSocketException("WSAEINVAL", "already bound");
        host.bind(this, address, false);
        host.udpSockets.computeIfAbsent(local.getPort(), k -> new ArrayList<>()).add(this);
    }

    private void ensureBound() {
        if (local != null) return;
        host.bind(this, new InetSocketAddress(SimHost.wildcard(family), 0), true);
        host.udpSockets.computeIfAbsent(local.getPort(), k -> new ArrayList<>()).add(this);
    }

    /** connect(): sets the default destination and accepts datagrams only from it (no classification here). */
    public void connect(InetSocketAddress to) {
        ensureBound();
        connected = to;
    }

    /** send() on a connected socket. */
    public void send(byte[] data) {
        if (connected == null) throw new SimSocketException("WSAENOTCONN", "not connected");
        sendTo(data, connected);
    }

    /** sendto(). */
    public void sendTo(byte[] data, InetSocketAddress to) {
        if (closed) throw new SimSocketException("WSAENOTSOCK", "closed");
        ensureBound();
        InetAddress src = source(to);
        SimPacket pkt = packet(src, to, data);
        AleFlows.Key key = key(src, to);
        AleFlows.Flow flow = host.flows().find(key);
        if (flow == null && host.flows().completionReauth.containsKey(key)) {
            host.transportSend(pkt, this, null);
            return;
        }
        if (flow == null) {
            Facts f = host.aleFacts("datagram", this, Direction.OUTBOUND);
            f.local = src;
            f.remote(to.getAddress(), to.getPort());
            f.redirectRecords = this;
            if (host.isLocal(to.getAddress())) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
            FwpsConnectRequest req = new FwpsConnectRequest(new InetSocketAddress(src, local.getPort()), to, null, 0);
            Indication ind = host.path().classify(v(FWPM_LAYER_ALE_CONNECT_REDIRECT_V4, family), f, null, req);
            boolean redirected = false;
            if (ind.modifiedLayerData instanceof FwpsConnectRequest mod && mod.remoteAddressAndPort != null
                    && !mod.remoteAddressAndPort.equals(to)) {
                if (redirectRecords == null) redirectRecords = new ArrayList<>();
                redirectRecords.add(new SimKernel.RedirectRecord(mod.localRedirectHandle, mod.modifierFilterId, to,
                        mod.remoteAddressAndPort, mod.localRedirectTargetPID));
                to = mod.remoteAddressAndPort;
                src = source(to);
                pkt = packet(src, to, data);
                key = key(src, to);
                redirected = true;
            } else if (ind.result.action() == ActionType.FWP_ACTION_BLOCK) {
                error = "WSAEACCES";
                return;
            }
            flow = host.flows().find(key);
            if (flow == null) flow = host.outboundDatagramFlow(pkt, this, key, redirected);
            if (flow == null) return;
        }
        Facts pf = host.packetFacts(pkt, Direction.OUTBOUND, host.outInterface(to.getAddress()));
        pf.process = process;
        if (!host.datagramData(pkt, pf, flow, this)) return;
        host.transportSend(pkt, this, flow);
    }

    private InetAddress source(InetSocketAddress to) {
        InetAddress a = local.getAddress();
        if (!a.isAnyLocalAddress()) return a;
        InetAddress s = host.sourceFor(to.getAddress());
        if (s == null) throw new SimSocketException("WSAENETUNREACH", "no route to " + to);
        return s;
    }

    private SimPacket packet(InetAddress src, InetSocketAddress to, byte[] data) {
        byte[] ip = Packets.udp(src, to.getAddress(), local.getPort(), to.getPort(), data);
        return SimPacket.ofIp(ip, host.network().nextPacketId());
    }

    private AleFlows.Key key(InetAddress src, InetSocketAddress to) {
        return new AleFlows.Key(IpProtocol.UDP, src, local.getPort(), to.getAddress(), to.getPort());
    }

    /** recvfrom(): the next datagram, or null. */
    public Datagram receive() {
        return queue.poll();
    }

    /** Datagrams waiting. */
    public int pending() {
        return queue.size();
    }

    /** Errors ICMP reported for datagrams this socket sent (WSAECONNRESET for port unreachable), oldest first. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    void icmpError(String err) {
        errors.add(err);
        error = err;
    }

    /** closesocket(): ALE_ENDPOINT_CLOSURE and ALE_RESOURCE_RELEASE; the socket's flows end. */
    public void close() {
        if (closed) return;
        if (local != null) {
            List<UdpSocket> l = host.udpSockets.get(local.getPort());
            if (l != null) l.remove(this);
            for (AleFlows.Flow f : host.flows().all()) if (f.endpoint == this) host.flows().end(f);
            host.endpointClosure(this, null, () -> host.resourceRelease(this));
        } else {
            closed = true;
        }
    }

    static UdpSocket find(SimHost host, InetAddress addr, int port) {
        List<UdpSocket> l = host.udpSockets.get(port);
        if (l == null) return null;
        UdpSocket wild = null;
        for (UdpSocket s : l) {
            if (s.closed || SimHost.version(addr) != s.family) continue;
            if (s.local.getAddress().equals(addr)) return s;
            if (s.local.getAddress().isAnyLocalAddress()) wild = s;
        }
        return wild;
    }

    /** A UDP datagram passed the IP layers. */
    static void receive(SimHost host, SimPacket pkt, Facts f) {
        AleFlows.Key key = SimHost.key(pkt, Direction.INBOUND);
        UdpSocket sock = find(host, key.local(), key.localPort());
        if (sock == null) {
            boolean stealth = host.noEndpoint(pkt, f);
            if (!stealth) host.sendPortUnreachable(pkt);
            return;
        }
        InetSocketAddress from = new InetSocketAddress(key.remote(), key.remotePort());
        boolean fromPeer = sock.connected == null || sock.connected.equals(from);
        AleFlows.Flow flow = host.flows().find(key);
        if (!fromPeer && flow == null) {
            host.count("udp-not-from-connected-peer");
            return;
        }
        if (!host.inboundTransport(pkt, f, sock, flow)) return;
        flow = host.inboundDatagramFlow(pkt, f, sock, key, flow);
        if (flow == null) return;
        if (!host.datagramData(pkt, f, flow, sock)) return;
        // A connected socket takes datagrams from its peer only. One that arrives on another flow of the socket (a
        // callout sent to that peer on the socket's behalf: ddproxy) is shown to WFP first, so a callout can
        // rewrite it into one from the peer; what is still not from the peer is dropped here.
        if (!fromPeer) {
            host.count("udp-not-from-connected-peer");
            return;
        }
        sock.queue.add(new Datagram(pkt.payload(), from));
    }
}

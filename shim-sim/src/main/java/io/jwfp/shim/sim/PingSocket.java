package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.shim.sim.LayerPath.v;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.packet.Icmpv4View;
import io.jwfp.packet.Icmpv6View;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import io.jwfp.shim.sim.trace.Direction;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * An ICMP echo socket ("ping"). Echo follows the UDP pattern at WFP (wfp-semantics §4.5, §4.7): the first request to
 * a peer is authorized at ALE_AUTH_CONNECT (ICMP type and code in the port fields), the peer's stack answers after
 * ALE_AUTH_RECV_ACCEPT. This class also holds the host's ICMP receive path: echo requests are answered by the
 * stack, replies go to the socket with their identifier, errors to the socket or connection they are about.
 * Not thread-safe.
 */
public final class PingSocket extends Endpoint {
    /** An echo reply. */
    public record Reply(InetAddress from, int sequence, byte[] data) {}

    private final List<Reply> replies = new ArrayList<>();
    private int id = -1;

    PingSocket(SimHost host, SimProcess process, IpVersion family) {
        super(host, process, family, family == IpVersion.V4 ? IpProtocol.ICMP : IpProtocol.ICMPV6);
    }

    /** The echo identifier, once the first request went out. */
    public int identifier() {
        return id;
    }

    /** Sends an echo request. */
    public void echo(InetAddress to, int sequence, byte[] data) {
        if (id < 0) {
            host.bind(this, new InetSocketAddress(SimHost.wildcard(family), 0), false);
            id = host.nextEchoIdentifier();
            host.pingSockets.put(id, this);
        }
        InetAddress src = host.sourceFor(to);
        if (src == null) throw new SimSocketException("WSAENETUNREACH", "no route to " + to);
        byte[] ip = family == IpVersion.V4
                ? Packets.icmpv4EchoRequest((Inet4Address) src, (Inet4Address) to, id, sequence, data)
                : Packets.icmpv6EchoRequest((Inet6Address) src, (Inet6Address) to, id, sequence, data);
        SimPacket pkt = SimPacket.ofIp(ip, host.network().nextPacketId());
        AleFlows.Key key = new AleFlows.Key(protocol, src, id, to, 0);
        AleFlows.Flow flow = host.flows().find(key);
        if (flow == null) flow = host.outboundDatagramFlow(pkt, this, key, false);
        if (flow == null) return;
        Facts pf = host.packetFacts(pkt, Direction.OUTBOUND, host.outInterface(to));
        pf.process = process;
        if (!host.datagramData(pkt, pf, flow, this)) return;
        host.transportSend(pkt, this, flow);
    }

    /** The replies received so far. */
    public List<Reply> replies() {
        return List.copyOf(replies);
    }

    /** closesocket(). */
    public void close() {
        if (closed) return;
        if (id >= 0) host.pingSockets.remove(id);
        for (AleFlows.Flow f : host.flows().all()) if (f.endpoint == this) host.flows().end(f);
        if (local != null) host.endpointClosure(this, null, () -> host.resourceRelease(this));
        else closed = true;
    }

    /** An ICMP or ICMPv6 packet passed the IP layers. */
    static void receive(SimHost host, SimPacket pkt, Facts f) {
        ParsedPacket p = pkt.p;
        if (SimHost.isIcmpErrorType(pkt)) {
            error(host, pkt, f);
            return;
        }
        boolean v4 = p.protocol() == IpProtocol.ICMP;
        int type = p.icmpType();
        if (type == (v4 ? Icmpv4View.TYPE_ECHO_REQUEST : Icmpv6View.TYPE_ECHO_REQUEST)) {
            answer(host, pkt, f);
        } else if (type == (v4 ? Icmpv4View.TYPE_ECHO_REPLY : Icmpv6View.TYPE_ECHO_REPLY)) {
            PingSocket s = host.pingSockets.get(p.icmpId());
            if (s == null) {
                host.noEndpoint(pkt, f);
                return;
            }
            AleFlows.Key key = SimHost.key(pkt, Direction.INBOUND);
            AleFlows.Flow flow = host.flows().find(key);
            if (!host.inboundTransport(pkt, f, s, flow)) return;
            flow = host.inboundDatagramFlow(pkt, f, s, key, flow);
            if (flow == null || !host.datagramData(pkt, f, flow, s)) return;
            byte[] echoData = java.util.Arrays.copyOfRange(pkt.ipBytes(), (int) (pkt.transportOffset() - pkt.ipOffset) + 8,
                    pkt.p.ipLength());
            s.replies.add(new Reply(pkt.src(), p.icmpSeq(), echoData));
        }
    }

    /** The stack answers an echo request (as the System process). */
    private static void answer(SimHost host, SimPacket pkt, Facts f) {
        PingSocket responder = host.responder(pkt.version());
        AleFlows.Key key = SimHost.key(pkt, Direction.INBOUND);
        AleFlows.Flow flow = host.flows().find(key);
        if (!host.inboundTransport(pkt, f, responder, flow)) return;
        flow = host.inboundDatagramFlow(pkt, f, responder, key, flow);
        if (flow == null || !host.datagramData(pkt, f, flow, responder)) return;
        ParsedPacket p = pkt.p;
        byte[] data = java.util.Arrays.copyOfRange(pkt.ipBytes(), (int) (pkt.transportOffset() - pkt.ipOffset) + 8,
                p.ipLength());
        InetAddress me = pkt.dst();
        InetAddress peer = pkt.src();
        byte[] ip = pkt.version() == IpVersion.V4
                ? Packets.icmpv4EchoReply((Inet4Address) me, (Inet4Address) peer, p.icmpId(), p.icmpSeq(), data)
                : Packets.icmpv6EchoReply((Inet6Address) me, (Inet6Address) peer, p.icmpId(), p.icmpSeq(), data);
        SimPacket reply = SimPacket.ofIp(ip, host.network().nextPacketId());
        Facts rf = host.packetFacts(reply, Direction.OUTBOUND, host.outInterface(peer));
        rf.process = responder.process;
        if (!host.datagramData(reply, rf, flow, responder)) return;
        host.transportSend(reply, responder, flow);
    }

    /** An ICMP error: INBOUND_TRANSPORT, INBOUND_ICMP_ERROR (fields from the quoted packet), then the endpoint. */
    private static void error(SimHost host, SimPacket pkt, Facts f) {
        ParsedPacket p = pkt.p;
        if (!p.has(ParsedPacket.HAS_INNER_PORTS)) {
            host.count("icmp-error-unmatched");
            return;
        }
        boolean v4 = p.innerIpVersion() == 4;
        InetAddress innerSrc = v4 ? InetBits.toInet4(p.innerSrcV4()) : InetBits.toInet6(p.innerSrcHi(), p.innerSrcLo());
        InetAddress innerDst = v4 ? InetBits.toInet4(p.innerDstV4()) : InetBits.toInet6(p.innerDstHi(), p.innerDstLo());
        f.embeddedProtocol = p.innerProtocol();
        f.embeddedRemote = innerDst;
        f.embeddedLocalPort = p.innerSrcPort();
        f.embeddedRemotePort = p.innerDstPort();
        Endpoint ep = null;
        TcpConnection conn = null;
        if (p.innerProtocol() == IpProtocol.UDP) {
            ep = UdpSocket.find(host, innerSrc, p.innerSrcPort());
        } else if (p.innerProtocol() == IpProtocol.TCP) {
            conn = host.tcpConnections.get(new AleFlows.Key(IpProtocol.TCP, innerSrc, p.innerSrcPort(), innerDst,
                    p.innerDstPort()));
            ep = conn == null ? null : conn.socket;
        }
        if (ep == null) {
            host.noEndpoint(pkt, f);
            return;
        }
        f.endpointHandle = ep.handle;
        if (!host.path().enforce(v(FWPM_LAYER_INBOUND_TRANSPORT_V4, pkt.version()), f, pkt).permitted()) return;
        if (!host.path().enforce(v(FWPM_LAYER_INBOUND_ICMP_ERROR_V4, pkt.version()), f, pkt).permitted()) return;
        if (ep instanceof UdpSocket u) u.icmpError("WSAECONNRESET");
        else if (conn != null && conn.state == TcpConnection.State.SYN_SENT) conn.abort("WSAECONNREFUSED", false);
    }
}

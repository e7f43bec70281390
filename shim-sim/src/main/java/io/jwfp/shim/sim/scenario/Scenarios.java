package io.jwfp.shim.sim.scenario;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.shim.sim.PingSocket;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.SimProcess;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.UdpSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The scenarios {@code jwfp trace} runs, each a small deterministic network and a few socket calls:
 *
 * <table>
 *   <tr><th>name</th><th>what happens</th></tr>
 *   <tr><td>tcp</td><td>the seed's picture: the server binds and listens on port 80, the client connects</td></tr>
 *   <tr><td>tcp-data</td><td>tcp, then a request and a response, then both close</td></tr>
 *   <tr><td>tcp-closed-port</td><td>the client connects to port 81 where nothing listens: RST</td></tr>
 *   <tr><td>udp</td><td>two datagrams to a UDP server on port 53 and its two answers</td></tr>
 *   <tr><td>udp-closed-port</td><td>a datagram to port 54 where nothing listens: ICMP port unreachable</td></tr>
 *   <tr><td>icmp-echo</td><td>two echo requests and their replies</td></tr>
 *   <tr><td>loopback-tcp</td><td>a TCP connection inside one host over the loopback address</td></tr>
 *   <tr><td>forward</td><td>tcp through a router between two subnets</td></tr>
 * </table>
 *
 * Addresses: client 10.200.0.1 / fd00:200::1, server 10.200.0.2 / fd00:200::2 on one link; for {@code forward},
 * client 10.200.1.1, router 10.200.1.254 and 10.200.2.254, server 10.200.2.1 (IPv6: fd00:201::/64, fd00:202::/64).
 * Processes: the server is {@code /usr/sbin/server} (pid 200), the client {@code /usr/bin/client} (pid 100), both
 * uid 1000.
 */
public final class Scenarios {
    private Scenarios() {}

    /** The outcome of a scenario run. */
    public record Run(String name, IpVersion version, SimNetwork network, List<String> hosts, String outcome) {}

    /** The scenario names. */
    public static List<String> names() {
        return List.of("tcp", "tcp-data", "tcp-closed-port", "udp", "udp-closed-port", "icmp-echo", "loopback-tcp",
                "forward");
    }

    /**
     * Runs a scenario with seed 1.
     *
     * @param configure called for each host (name, host) after the network is built and before any socket call,
     *                  e.g. to apply a policy
     * @throws IllegalArgumentException for an unknown name
     */
    public static Run run(String name, IpVersion v, BiConsumer<String, SimHost> configure) {
        SimNetwork net = new SimNetwork(1);
        Map<String, SimHost> hosts = new LinkedHashMap<>();
        boolean v4 = v == IpVersion.V4;
        switch (name) {
            case "loopback-tcp" -> hosts.put("host", net.addHost("host"));
            case "forward" -> {
                SimHost server = net.addHost("server");
                SimHost router = net.addHost("router");
                SimHost client = net.addHost("client");
                hosts.put("server", server);
                hosts.put("router", router);
                hosts.put("client", client);
                net.link(client.addInterface("eth0", v4 ? "10.200.1.1/24" : "fd00:201::1/64"),
                        router.addInterface("eth0", v4 ? "10.200.1.254/24" : "fd00:201::fe/64"));
                net.link(router.addInterface("eth1", v4 ? "10.200.2.254/24" : "fd00:202::fe/64"),
                        server.addInterface("eth0", v4 ? "10.200.2.1/24" : "fd00:202::1/64"));
                router.setForwarding(true);
                client.addRoute(v4 ? "0.0.0.0/0" : "::/0", v4 ? "10.200.1.254" : "fd00:201::fe");
                server.addRoute(v4 ? "0.0.0.0/0" : "::/0", v4 ? "10.200.2.254" : "fd00:202::fe");
            }
            default -> {
                if (!names().contains(name)) {
                    throw new IllegalArgumentException("unknown scenario '" + name + "' (expected one of "
                            + String.join(", ", names()) + ")");
                }
                SimHost server = net.addHost("server");
                SimHost client = net.addHost("client");
                hosts.put("server", server);
                hosts.put("client", client);
                net.link(client.addInterface("eth0", v4 ? "10.200.0.1/24" : "fd00:200::1/64"),
                        server.addInterface("eth0", v4 ? "10.200.0.2/24" : "fd00:200::2/64"));
            }
        }
        hosts.forEach(configure);
        String outcome = switch (name) {
            case "tcp" -> tcp(net, hosts, v, false);
            case "tcp-data" -> tcp(net, hosts, v, true);
            case "tcp-closed-port" -> closedPort(net, hosts, v);
            case "udp" -> udp(net, hosts, v, 53);
            case "udp-closed-port" -> udp(net, hosts, v, 54);
            case "icmp-echo" -> echo(net, hosts, v);
            case "loopback-tcp" -> loopback(net, hosts.get("host"), v);
            case "forward" -> forward(net, hosts, v);
            default -> throw new AssertionError(name);
        };
        return new Run(name, v, net, List.copyOf(hosts.keySet()), outcome);
    }

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code 10.200.0.1:49152} or {@code [fd00:200::1]:49152}. */
    public static String ep(InetSocketAddress a) {
        String h = text(a.getAddress());
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** An address as people write it: IPv6 in the RFC 5952 short form ({@code fd00:200::1}). */
    public static String text(InetAddress a) {
        return io.jwfp.shim.sim.InetText.of(a);
    }

    static SimProcess serverProcess(SimHost h) {
        return h.process(200, "/usr/sbin/server", 1000);
    }

    static SimProcess clientProcess(SimHost h) {
        return h.process(100, "/usr/bin/client", 1000);
    }

    private static String tcp(SimNetwork net, Map<String, SimHost> hosts, IpVersion v, boolean data) {
        InetAddress serverAddr = addr(v == IpVersion.V4 ? "10.200.0.2" : "fd00:200::2");
        return tcpBetween(net, hosts.get("server"), hosts.get("client"), serverAddr, v, data);
    }

    private static String forward(SimNetwork net, Map<String, SimHost> hosts, IpVersion v) {
        InetAddress serverAddr = addr(v == IpVersion.V4 ? "10.200.2.1" : "fd00:202::1");
        return tcpBetween(net, hosts.get("server"), hosts.get("client"), serverAddr, v, false);
    }

    private static String loopback(SimNetwork net, SimHost host, IpVersion v) {
        return tcpBetween(net, host, host, addr(v == IpVersion.V4 ? "127.0.0.1" : "::1"), v, false);
    }

    private static String tcpBetween(SimNetwork net, SimHost server, SimHost client, InetAddress serverAddr,
                                     IpVersion v, boolean data) {
        TcpSocket listener = serverProcess(server).tcpSocket(v);
        listener.bind(new InetSocketAddress(serverAddr, 80));
        listener.listen();
        TcpSocket c = clientProcess(client).tcpSocket(v);
        c.connect(new InetSocketAddress(serverAddr, 80));
        net.runUntilIdle();
        TcpSocket accepted = listener.accept();
        if (!c.isConnected() || accepted == null) {
            return "connect failed: " + (c.error() == null ? c.state() : c.error());
        }
        if (!data) return "connected " + ep(c.localAddress()) + " -> " + ep(c.remoteAddress());
        c.send("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        net.runUntilIdle();
        String request = new String(accepted.recvAll(), StandardCharsets.US_ASCII);
        accepted.send("HTTP/1.0 200 OK\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
        net.runUntilIdle();
        String response = new String(c.recvAll(), StandardCharsets.US_ASCII);
        c.close();
        net.runUntilIdle();
        boolean eof = accepted.isEof();
        accepted.close();
        net.runUntilIdle();
        listener.close();
        net.runUntilIdle();
        return "server read " + request.length() + " bytes, client read " + response.length() + " bytes ("
                + response.substring(response.lastIndexOf('\n') + 1) + "), server saw EOF: " + eof + ", client "
                + c.state() + ", server " + accepted.state();
    }

    private static String closedPort(SimNetwork net, Map<String, SimHost> hosts, IpVersion v) {
        InetAddress serverAddr = addr(v == IpVersion.V4 ? "10.200.0.2" : "fd00:200::2");
        TcpSocket c = clientProcess(hosts.get("client")).tcpSocket(v);
        c.connect(new InetSocketAddress(serverAddr, 81));
        net.runUntilIdle();
        return "connect: " + (c.isConnected() ? "connected" : c.error());
    }

    private static String udp(SimNetwork net, Map<String, SimHost> hosts, IpVersion v, int port) {
        InetAddress serverAddr = addr(v == IpVersion.V4 ? "10.200.0.2" : "fd00:200::2");
        UdpSocket s = serverProcess(hosts.get("server")).udpSocket(v);
        s.bind(new InetSocketAddress(serverAddr, 53));
        UdpSocket c = clientProcess(hosts.get("client")).udpSocket(v);
        InetSocketAddress to = new InetSocketAddress(serverAddr, port);
        c.sendTo("query 1".getBytes(StandardCharsets.US_ASCII), to);
        net.runUntilIdle();
        c.sendTo("query 2".getBytes(StandardCharsets.US_ASCII), to);
        net.runUntilIdle();
        int answered = 0;
        for (UdpSocket.Datagram d; (d = s.receive()) != null; answered++) {
            s.sendTo(("answer to " + new String(d.data(), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII),
                    d.from());
            net.runUntilIdle();
        }
        int got = c.pending();
        return "server received " + answered + " datagrams, client received " + got
                + (c.errors().isEmpty() ? "" : ", client errors " + c.errors());
    }

    private static String echo(SimNetwork net, Map<String, SimHost> hosts, IpVersion v) {
        InetAddress serverAddr = addr(v == IpVersion.V4 ? "10.200.0.2" : "fd00:200::2");
        PingSocket p = clientProcess(hosts.get("client")).pingSocket(v);
        p.echo(serverAddr, 1, "ping".getBytes(StandardCharsets.US_ASCII));
        net.runUntilIdle();
        p.echo(serverAddr, 2, "ping".getBytes(StandardCharsets.US_ASCII));
        net.runUntilIdle();
        return p.replies().size() + " replies";
    }
}

package io.jwfp.scenarios.support;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.shim.sim.PingSocket;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.SimSocketException;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.shim.sim.scenario.Testbed;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The programs the acceptance scenarios run on both ends (curl, a small HTTP server, a UDP echo server, ping, a TCP
 * sink), written for the simulated network. The simulator has no threads: a program is a poll function, and
 * {@link #run}/{@link #runUntil} advance the clock in {@link #STEP}s and let every program react in between — as if
 * they ran concurrently. Not thread-safe (the simulation's thread only).
 */
public final class Programs {
    /** How often programs react. */
    public static final Duration STEP = Duration.ofMillis(5);

    private final SimNetwork net;
    private final List<Runnable> polls = new ArrayList<>();

    public Programs(SimNetwork net) {
        this.net = net;
    }

    public SimNetwork network() {
        return net;
    }

    /** Runs the network for {@code d}, letting the programs react every {@link #STEP}. */
    public void run(Duration d) {
        long end = net.clock().nanos() + d.toNanos();
        while (net.clock().nanos() < end) {
            net.runFor(Duration.ofNanos(Math.min(STEP.toNanos(), end - net.clock().nanos())));
            poll();
        }
    }

    /** Runs until {@code done} holds or {@code max} passed; returns whether it holds. */
    public boolean runUntil(BooleanSupplier done, Duration max) {
        long end = net.clock().nanos() + max.toNanos();
        poll();
        while (!done.getAsBoolean() && net.clock().nanos() < end) {
            net.runFor(Duration.ofNanos(Math.min(STEP.toNanos(), end - net.clock().nanos())));
            poll();
        }
        return done.getAsBoolean();
    }

    private void poll() {
        for (Runnable p : polls.toArray(new Runnable[0])) p.run();
    }

    // ---------------------------------------------------------------- TCP servers

    /**
     * A TCP server: accepts every connection and hands what arrives to a handler, which may answer. Remembers each
     * connection and the bytes its application received.
     */
    public final class TcpServer {
        private final TcpSocket listener;
        private final BiConsumer<Connection, byte[]> handler;
        private final List<Connection> connections = new ArrayList<>();

        TcpServer(TcpSocket listener, BiConsumer<Connection, byte[]> handler) {
            this.listener = listener;
            this.handler = handler;
            polls.add(this::poll);
        }

        private void poll() {
            if (listener.isClosed()) return;
            for (TcpSocket s; (s = listener.accept()) != null; ) connections.add(new Connection(s));
            for (Connection c : connections) {
                byte[] in = c.socket.recvAll();
                if (in.length > 0) {
                    c.received(in);
                    handler.accept(c, in);
                }
                if (c.socket.isEof() && !c.closed) {
                    handler.accept(c, null);
                }
            }
        }

        /** The connections accepted so far. */
        public List<Connection> connections() {
            return List.copyOf(connections);
        }

        /** Connections whose application received at least one byte. */
        public long connectionsWithData() {
            return connections.stream().filter(c -> c.bytes > 0).count();
        }

        /** Stops listening. */
        public void close() {
            listener.close();
        }
    }

    /** An accepted connection of a {@link TcpServer}: what it received (counted and hashed), and the socket. */
    public static final class Connection {
        public final TcpSocket socket;
        private final StringBuilder text = new StringBuilder();
        private final MessageDigest sha256;
        private long bytes;
        private boolean closed;

        Connection(TcpSocket socket) {
            this.socket = socket;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        void received(byte[] b) {
            bytes += b.length;
            sha256.update(b);
            if (text.length() < 64 * 1024) text.append(new String(b, StandardCharsets.ISO_8859_1));
        }

        /** Bytes received. */
        public long bytes() {
            return bytes;
        }

        /** The first 64 KiB received, as text. */
        public String text() {
            return text.toString();
        }

        /** SHA-256 of everything received, in hex (call once, at the end). */
        public String sha256() {
            return HexFormat.of().formatHex(sha256.digest());
        }

        /** Sends and then closes (once). */
        public void reply(byte[] data) {
            if (closed) return;
            closed = true;
            if (data.length > 0) socket.send(data);
            socket.close();
        }
    }

    /** A server on {@code port} of every address of the family answering each request with {@code 200 OK} and {@code body}. */
    public TcpServer http(SimHost host, IpVersion v, int port, String body) {
        return tcpServer(host, new InetSocketAddress(any(v), port), (c, in) -> {
            if (in == null || c.text().contains("\r\n\r\n")) {
                c.reply(("HTTP/1.0 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    /** A server that only receives (and counts and hashes) what clients send, closing when they do. */
    public TcpServer sink(SimHost host, IpVersion v, int port) {
        return tcpServer(host, new InetSocketAddress(any(v), port), (c, in) -> {
            if (in == null) c.reply(new byte[0]);
        });
    }

    /** A TCP server bound to {@code at} (the server process of the host). */
    public TcpServer tcpServer(SimHost host, InetSocketAddress at, BiConsumer<Connection, byte[]> handler) {
        TcpSocket l = Testbed.server(host).tcpSocket(at.getAddress() instanceof java.net.Inet4Address ? IpVersion.V4 : IpVersion.V6);
        l.bind(at);
        l.listen();
        return new TcpServer(l, handler);
    }

    static InetAddress any(IpVersion v) {
        return Testbed.ip(v == IpVersion.V4 ? "0.0.0.0" : "::");
    }

    // ---------------------------------------------------------------- curl

    /**
     * What curl reported.
     *
     * @param ok      the response was complete (200 and the server closed)
     * @param error   why not (the socket error, or "timeout"), null when ok
     * @param body    the response body
     * @param elapsed from connect to the end
     */
    public record CurlResult(boolean ok, String error, String body, Duration elapsed) {}

    /** {@code curl -m max http://to/}: connects from the host's client process, sends a GET, reads to EOF. */
    public CurlResult curl(SimHost from, InetSocketAddress to, Duration max) {
        return curl(Testbed.client(from).tcpSocket(to.getAddress() instanceof java.net.Inet4Address ? IpVersion.V4
                : IpVersion.V6), to, max);
    }

    /** curl on a socket the caller made (e.g. one bound to a given source port first). */
    public CurlResult curl(TcpSocket c, InetSocketAddress to, Duration max) {
        long start = net.clock().nanos();
        try {
            c.connect(to);
        } catch (SimSocketException e) {
            return new CurlResult(false, e.getMessage(), "", Duration.ZERO);
        }
        StringBuilder response = new StringBuilder();
        boolean[] sent = {false};
        boolean done = runUntil(() -> {
            if (c.error() != null) return true;
            if (c.isConnected() && !sent[0]) {
                sent[0] = true;
                c.send(("GET / HTTP/1.0\r\nHost: " + to.getAddress().getHostAddress() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            response.append(new String(c.recvAll(), StandardCharsets.ISO_8859_1));
            return c.isEof();
        }, max.minusNanos(net.clock().nanos() - start));
        Duration elapsed = Duration.ofNanos(net.clock().nanos() - start);
        String r = response.toString();
        c.close();
        int blank = r.indexOf("\r\n\r\n");
        if (done && c.error() == null && r.startsWith("HTTP/1.0 200") && blank >= 0) {
            return new CurlResult(true, null, r.substring(blank + 4), elapsed);
        }
        return new CurlResult(false, c.error() != null ? c.error() : done ? "bad response: " + r : "timeout", r, elapsed);
    }

    /**
     * Connects from the host's client process, sends {@code data}, shuts its side down, and runs until the server's
     * application has read all of it and the end of the stream (or {@code max} passed). Returns the server side's
     * connection, or null if none was accepted.
     */
    public Connection upload(SimHost from, InetSocketAddress to, byte[] data, TcpServer server, Duration max) {
        TcpSocket c = Testbed.client(from).tcpSocket(to.getAddress() instanceof java.net.Inet4Address ? IpVersion.V4
                : IpVersion.V6);
        int before = server.connections().size();
        c.connect(to);
        long end = net.clock().nanos() + max.toNanos();
        if (!runUntil(() -> c.isConnected() || c.error() != null, max) || c.error() != null) return null;
        c.send(data);
        c.shutdownOutput();
        runUntil(() -> server.connections().size() > before && server.connections().get(before).socket.isEof(),
                Duration.ofNanos(Math.max(0, end - net.clock().nanos())));
        c.close();
        return server.connections().size() > before ? server.connections().get(before) : null;
    }

    // ---------------------------------------------------------------- UDP and ICMP

    /** A UDP echo server: its socket and the datagrams it answered. */
    public record UdpEcho(UdpSocket socket, List<UdpSocket.Datagram> answered) {}

    /** A UDP server answering each datagram with {@code prefix + data} to its sender. */
    public UdpEcho udpEcho(SimHost host, InetSocketAddress at, String prefix) {
        UdpSocket s = Testbed.server(host).udpSocket(at.getAddress() instanceof java.net.Inet4Address ? IpVersion.V4 : IpVersion.V6);
        s.bind(at);
        List<UdpSocket.Datagram> seen = new ArrayList<>();
        polls.add(() -> {
            if (s.isClosed()) return;
            for (UdpSocket.Datagram d; (d = s.receive()) != null; ) {
                seen.add(d);
                byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
                byte[] out = new byte[p.length + d.data().length];
                System.arraycopy(p, 0, out, 0, p.length);
                System.arraycopy(d.data(), 0, out, p.length, d.data().length);
                s.sendTo(out, d.from());
            }
        });
        return new UdpEcho(s, seen);
    }

    /**
     * Sends a datagram from {@code from} and waits up to {@code wait} for an answer; returns it, or null. Like
     * {@code nc -u -w}: one try.
     */
    public UdpSocket.Datagram udpAsk(UdpSocket from, InetSocketAddress to, byte[] data, Duration wait) {
        from.sendTo(data, to);
        UdpSocket.Datagram[] got = new UdpSocket.Datagram[1];
        runUntil(() -> got[0] != null || (got[0] = from.receive()) != null, wait);
        return got[0];
    }

    /** {@code ping -c1 -W wait}: true if the echo was answered in time. */
    public boolean ping(SimHost from, InetAddress to, int sequence, Duration wait) {
        PingSocket p = Testbed.client(from).pingSocket(to instanceof java.net.Inet4Address ? IpVersion.V4 : IpVersion.V6);
        p.echo(to, sequence, "ping".getBytes(StandardCharsets.US_ASCII));
        boolean answered = runUntil(() -> !p.replies().isEmpty(), wait);
        p.close();
        return answered;
    }
}

package io.jwfp.scenarios.nat;

import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.SimProcess;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.UdpSocket;
import io.jwfp.engine.layer.IpVersion;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Small server programs for the simulated hosts (the seed's "nc/socat/python servers"): they act whenever the network
 * has settled, and {@link #settle} alternates the two until nothing moves. Not thread-safe (the simulation is not).
 */
public final class Apps {
    private Apps() {}

    /** A server program; {@link #serve()} returns true if it did something (sent or closed). */
    public interface App {
        boolean serve();
    }

    /** Runs the network and the apps until the network is idle and no app has anything left to do. */
    public static void settle(SimNetwork net, App... apps) {
        for (int round = 0; round < 10_000; round++) {
            net.runUntilIdle();
            boolean moved = false;
            for (App a : apps) moved |= a.serve();
            if (!moved) return;
        }
        throw new IllegalStateException("the apps never settled");
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A UDP echo server: answers each datagram with {@code prefix + data}, to its sender. */
    public static final class UdpEcho implements App {
        public final UdpSocket socket;
        private final byte[] prefix;
        public final List<UdpSocket.Datagram> received = new ArrayList<>();

        public UdpEcho(SimProcess p, InetSocketAddress bind, String prefix) {
            socket = p.udpSocket(bind.getAddress() instanceof java.net.Inet4Address ? IpVersion.V4 : IpVersion.V6);
            socket.bind(bind);
            this.prefix = bytes(prefix);
        }

        @Override
        public boolean serve() {
            boolean moved = false;
            for (UdpSocket.Datagram d; (d = socket.receive()) != null; ) {
                received.add(d);
                byte[] out = new byte[prefix.length + d.data().length];
                System.arraycopy(prefix, 0, out, 0, prefix.length);
                System.arraycopy(d.data(), 0, out, prefix.length, d.data().length);
                socket.sendTo(out, d.from());
                moved = true;
            }
            return moved;
        }
    }

    /**
     * A TCP server that reads each connection until the client's FIN, records what it got and who sent it, answers
     * with {@code respond.apply(request)} and closes (an HTTP/1.0-style exchange).
     */
    public static final class TcpServer implements App {
        public final TcpSocket listener;
        private final Function<byte[], byte[]> respond;
        private final List<Conn> conns = new ArrayList<>();

        /** One accepted connection. */
        public static final class Conn {
            public final TcpSocket socket;
            public final InetSocketAddress peer;
            final ByteArrayOutputStream request = new ByteArrayOutputStream();
            boolean answered;

            Conn(TcpSocket s) {
                socket = s;
                peer = s.remoteAddress();
            }

            public byte[] request() {
                return request.toByteArray();
            }
        }

        public TcpServer(SimProcess p, InetSocketAddress bind, Function<byte[], byte[]> respond) {
            listener = p.tcpSocket(bind.getAddress() instanceof java.net.Inet4Address ? IpVersion.V4 : IpVersion.V6);
            listener.bind(bind);
            listener.listen();
            this.respond = respond;
        }

        /** A server that answers every request with the same text. */
        public static TcpServer answering(SimProcess p, InetSocketAddress bind, String answer) {
            return new TcpServer(p, bind, req -> bytes(answer));
        }

        public List<Conn> connections() {
            return List.copyOf(conns);
        }

        @Override
        public boolean serve() {
            boolean moved = false;
            for (TcpSocket s; (s = listener.accept()) != null; ) conns.add(new Conn(s));
            for (Conn c : conns) {
                if (c.socket.available() > 0) c.request.writeBytes(c.socket.recvAll());
                if (!c.answered && c.socket.isEof()) {
                    c.answered = true;
                    c.socket.send(respond.apply(c.request()));
                    c.socket.close();
                    moved = true;
                }
            }
            return moved;
        }
    }

    /** A client exchange: connect, send the request, half-close, then read until the server's FIN. */
    public static final class TcpClient implements App {
        public final TcpSocket socket;
        private final byte[] request;
        private final ByteArrayOutputStream response = new ByteArrayOutputStream();
        private boolean sent, closed;

        public TcpClient(SimProcess p, InetSocketAddress to, byte[] request) {
            this(p, null, to, request);
        }

        /** A client whose socket is bound to {@code bind} first (null: an implicit bind). */
        public TcpClient(SimProcess p, InetSocketAddress bind, InetSocketAddress to, byte[] request) {
            socket = p.tcpSocket(to.getAddress() instanceof java.net.Inet4Address ? IpVersion.V4 : IpVersion.V6);
            if (bind != null) socket.bind(bind);
            socket.connect(to);
            this.request = request;
        }

        @Override
        public boolean serve() {
            boolean moved = false;
            if (!sent && socket.isConnected()) {
                socket.send(request);
                socket.shutdownOutput();
                sent = moved = true;
            }
            if (socket.available() > 0) response.writeBytes(socket.recvAll());
            if (sent && !closed && socket.isEof()) {
                socket.close();
                closed = moved = true;
            }
            return moved;
        }

        public byte[] response() {
            return response.toByteArray();
        }

        /** True once the whole response arrived (the server's FIN). */
        public boolean done() {
            return closed;
        }
    }
}

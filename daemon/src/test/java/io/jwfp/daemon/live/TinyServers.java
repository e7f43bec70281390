package io.jwfp.daemon.live;

import io.jwfp.shim.nfqueue.NetworkNamespace;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Servers bound inside a namespace (setns on a throw-away thread: the socket keeps the namespace for life). */
final class TinyServers {
    private TinyServers() {}

    /** A server that answers every connection: "ok" over HTTP/1.0, or an echo of every byte. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();

        private Server(ServerSocket socket, boolean echo) {
            this.socket = socket;
            Thread.ofPlatform().daemon(true).name("tiny-server-" + socket.getLocalPort()).start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        accepted.incrementAndGet();
                        Thread.ofPlatform().daemon(true).start(() -> serve(c, echo));
                    } catch (Exception e) {
                        return; // closed
                    }
                }
            });
        }

        private void serve(Socket c, boolean echo) {
            try (c) {
                c.setSoTimeout(30_000);
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                if (echo) {
                    byte[] buf = new byte[4096];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        requests.incrementAndGet();
                        out.write(buf, 0, n); // what arrived together goes back together (one segment)
                        out.flush();
                    }
                    return;
                }
                byte[] buf = new byte[4096];
                int n = in.read(buf);
                if (n > 0) {
                    requests.incrementAndGet();
                    out.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (Exception e) {
                // reset or timed out: the next connection
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    /** An HTTP server on {@code host:port} in namespace {@code ns}. */
    static Server http(Path ns, String host, int port) throws Exception {
        return new Server(bind(ns, host, port), false);
    }

    /** An echo server on {@code host:port} in namespace {@code ns}. */
    static Server echo(Path ns, String host, int port) throws Exception {
        return new Server(bind(ns, host, port), true);
    }

    private static ServerSocket bind(Path ns, String host, int port) throws Exception {
        return NetworkNamespace.call(ns, () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            return s;
        });
    }

    /** A TCP connection opened from namespace {@code ns} (its packets go through that namespace's hooks). */
    static Socket connect(Path ns, String host, int port, int timeoutMillis) throws Exception {
        return NetworkNamespace.call(ns, () -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(1500);
            return s;
        });
    }

    /** Sends one byte and reads its echo; false when nothing comes back in time. */
    static boolean echoes(Socket s, int value) {
        try {
            s.getOutputStream().write(value);
            s.getOutputStream().flush();
            return s.getInputStream().read() == value;
        } catch (Exception e) {
            return false;
        }
    }
}

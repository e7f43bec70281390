package io.jwfp.daemon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in the Prometheus text format (version 0.0.4), served by the JDK's HttpServer on one thread of
 * its own; every scrape asks the collector afresh. Anything else is 404 (other paths) or 405 (other methods).
 *
 * <p>Thread-safe: scrapes run one at a time on the server's thread; {@link #close} may be called from any thread.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Parses {@code --metrics}: {@code PORT} (on 127.0.0.1), {@code ADDR:PORT} or {@code [IPV6]:PORT}; port 0 picks a
     * free one.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static InetSocketAddress parseAddress(String spec) {
        String host = "127.0.0.1";
        String port = spec;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            host = spec.substring(0, colon);
            port = spec.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("--metrics " + spec + ": write an IPv6 address in brackets, e.g. [::1]:9464");
            }
            if (host.isEmpty()) throw new IllegalArgumentException("--metrics " + spec + ": no address before ':'");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metrics " + spec + ": expected [ADDR:]PORT, e.g. 9464 or 0.0.0.0:9464");
        }
        if (p < 0 || p > 65535) throw new IllegalArgumentException("--metrics " + spec + ": port must be 0..65535");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--metrics " + spec + ": unknown address " + host);
        }
    }

    /**
     * Starts serving {@code collector} on {@code address}.
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static MetricsServer start(InetSocketAddress address, MultiCollector collector) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon(true)
                .name("jwfp-metrics").unstarted(r));
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                serve(exchange, collector);
            } catch (IOException | RuntimeException e) {
                LOG.warn("metrics request from {} failed: {}", exchange.getRemoteAddress(), e.toString());
            }
        });
        server.start();
        return new MetricsServer(server, executor);
    }

    private static void serve(HttpExchange exchange, MultiCollector collector) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
            reply(exchange, 404, "text/plain; charset=utf-8", "not found: jwfpd serves /metrics\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            reply(exchange, 405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        TEXT.write(body, collector.collect(), EscapingScheme.UNDERSCORE_ESCAPING);
        LOG.debug("scrape from {}: {} bytes", exchange.getRemoteAddress(), body.size());
        reply(exchange, 200, TEXT.getContentType(), method.equals("HEAD") ? null : body.toByteArray());
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        }
    }

    /** Where it listens (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops serving at once (a scrape in progress is cut). Safe to call twice. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

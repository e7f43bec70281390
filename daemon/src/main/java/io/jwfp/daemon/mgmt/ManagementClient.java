package io.jwfp.daemon.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A connection to jwfpd's management socket. Not thread-safe; one request at a time. */
public final class ManagementClient implements AutoCloseable {
    private final SocketChannel channel;
    private final OutputStream out;
    private final BufferedReader in;
    private long nextId = 1;

    private ManagementClient(SocketChannel channel) {
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    /** Connects; the exception message says what to check when no daemon listens. */
    public static ManagementClient connect(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("jwfpd is not running (no socket at " + socket + "; start it with `jwfpd --policy FILE`, "
                    + "or pass --socket)");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new ManagementClient(ch);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to jwfpd at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** A new request with an id and an op. */
    public ObjectNode request(String op) {
        ObjectNode n = Protocol.JSON.createObjectNode();
        n.put("id", nextId++);
        n.put("op", op);
        return n;
    }

    /** Sends a request and reads its answer. */
    public JsonNode call(ObjectNode request) throws IOException {
        send(request);
        return read();
    }

    /** Sends a streaming request; every line is handed to {@code lines} until the daemon or the caller closes. */
    public void stream(ObjectNode request, Consumer<JsonNode> lines) throws IOException {
        send(request);
        JsonNode n;
        while ((n = readOrNull()) != null) lines.accept(n);
    }

    private void send(ObjectNode request) throws IOException {
        out.write((request.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private JsonNode read() throws IOException {
        JsonNode n = readOrNull();
        if (n == null) throw new IOException("jwfpd closed the connection");
        return n;
    }

    private JsonNode readOrNull() throws IOException {
        String line = in.readLine();
        return line == null ? null : Protocol.JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

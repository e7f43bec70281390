package io.jwfp.daemon.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.UnixUsers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * jwfpd's management socket: a Unix domain socket whose clients are checked by their peer credentials (SO_PEERCRED):
 * root, or a member of the group the administrator names, may manage; anyone else is told so and disconnected. One
 * virtual thread per connection; each connection is one session.
 */
public final class ManagementServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("jwfpd");

    private final BaseFilteringEngine bfe;
    private final Path socket;
    private final String adminGroup;
    private final boolean allowRoot;
    private final Supplier<ObjectNode> status;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Binds the socket (replacing a stale one a crashed daemon left) and starts accepting.
     *
     * @param adminGroup members of this group may manage (null: root only)
     * @param allowRoot  whether root may manage (tests turn it off to check refusals)
     */
    public ManagementServer(BaseFilteringEngine bfe, Path socket, String adminGroup, boolean allowRoot,
                            Supplier<ObjectNode> status) throws IOException {
        this.bfe = bfe;
        this.socket = socket;
        this.adminGroup = adminGroup;
        this.allowRoot = allowRoot;
        this.status = status;
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.exists(socket)) {
            if (isLive(socket)) throw new IOException("another jwfpd is already listening on " + socket);
            Files.delete(socket); // a crashed daemon's leftover
        }
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(adminGroup == null ? "rw-------" : "rw-rw----"));
            if (adminGroup != null) {
                GroupPrincipal g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(adminGroup);
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(g);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot set the permissions of " + socket + ": " + e.getMessage());
        }
        this.acceptor = Thread.ofPlatform().daemon().name("jwfpd-accept").start(this::acceptLoop);
    }

    /** Whether a server listens on {@code socket} (a connection succeeds). */
    public static boolean isLive(Path socket) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) LOG.log(System.Logger.Level.ERROR, "accept failed: " + e.getMessage());
                return;
            }
            clients.add(c);
            Thread.ofVirtual().name("jwfpd-client").start(() -> serve(c));
        }
    }

    private void serve(SocketChannel c) {
        try (c; OutputStream os = Channels.newOutputStream(c);
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8))) {
            Object writeLock = new Object();
            java.util.function.Consumer<ObjectNode> send = n -> {
                synchronized (writeLock) {
                    try {
                        os.write((n.toString() + "\n").getBytes(StandardCharsets.UTF_8));
                        os.flush();
                    } catch (IOException e) {
                        // The client went away; the read loop will see EOF and end the session.
                    }
                }
            };
            UnixDomainPrincipal peer = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String user = peer.user().getName();
            FwpToken token = tokenOf(user);
            if (!authorized(user, peer.group().getName(), token)) {
                // Answer the first request (so the client reads a reason, not a reset), then hang up.
                String first = in.readLine();
                long id = 0;
                try {
                    id = first == null ? 0 : Protocol.JSON.readTree(first).path("id").asLong();
                } catch (IOException ignored) {
                    // not JSON: answer with id 0
                }
                send.accept(Protocol.error(id, "ACCESS_DENIED", "user '" + user + "' may not manage jwfpd (root"
                        + (adminGroup != null ? " or members of group '" + adminGroup + "'" : "") + " only)"));
                return;
            }
            try (Session session = new Session(bfe, status, -1, token == null ? -1 : token.uid(), user)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) continue;
                    JsonNode req;
                    try {
                        req = Protocol.JSON.readTree(line);
                    } catch (IOException e) {
                        send.accept(Protocol.error(0, "BAD_REQUEST", "not JSON: " + e.getMessage().lines().findFirst().orElse("")));
                        continue;
                    }
                    Runnable awaitClose = () -> {
                        try {
                            while (in.readLine() != null) { /* a following client only closes */ }
                        } catch (IOException ignored) {
                            // closed
                        }
                    };
                    send.accept(session.handle(req, send, awaitClose));
                }
            }
        } catch (IOException e) {
            if (!closed) LOG.log(System.Logger.Level.DEBUG, "client connection ended: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "management request failed", e);
        } finally {
            clients.remove(c);
        }
    }

    private static FwpToken tokenOf(String user) {
        try {
            return UnixUsers.token(user);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean authorized(String user, String primaryGroup, FwpToken token) {
        if (allowRoot && ("root".equals(user) || token != null && token.uid() == 0)) return true;
        if (adminGroup == null) return false;
        if (adminGroup.equals(primaryGroup)) return true;
        if (token == null) return false;
        try {
            String sid = UnixUsers.sid("group:" + adminGroup);
            return token.hasSid(sid);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The number of connected clients. */
    public int clientCount() {
        return clients.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (SocketChannel c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort
        }
        acceptor.interrupt();
    }
}

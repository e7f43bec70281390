package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Conntrack destroy events (ctnetlink, multicast group NFNLGRP_CONNTRACK_DESTROY): tells when the kernel forgets a
 * connection, so that a flow table in user space can end the flow at the same moment (jwfp calls the callouts'
 * flowDeleteFn then). Works without NFQA_CFG_F_CONNTRACK, which needs CONFIG_NETFILTER_NETLINK_GLUE_CT; needs
 * CONFIG_NF_CONNTRACK_EVENTS and the {@code nf_conntrack_netlink} module (loaded on demand when root opens the socket).
 *
 * <p>One platform thread ({@code jwfp-ct-events}) reads the events and calls the listener with a reused
 * {@link Conntrack} (valid only during the call). The kernel drops events when the socket buffer is full; that is
 * counted in {@link #lost()} (ENOBUFS episodes), never fatal. Start and close from any thread.
 */
public final class ConntrackEvents implements AutoCloseable {
    /** Called on the events thread for every destroyed connection; the entry is reused afterwards. */
    @FunctionalInterface
    public interface Listener {
        void destroyed(Conntrack entry);
    }

    private final NetlinkSocket socket;
    private final Listener listener;
    private final Thread thread;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile Throwable failure;

    private ConntrackEvents(NetlinkSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon(true).name("jwfp-ct-events").unstarted(this::run);
    }

    /**
     * Subscribes to destroy events of the namespace at {@code netns} (null: the caller's) and starts the thread.
     *
     * @throws NfQueueException when the kernel refuses (no ctnetlink, no CAP_NET_ADMIN): the message says why
     */
    public static ConntrackEvents start(Path netns, Listener listener) {
        NetlinkSocket s;
        try {
            s = NetlinkSocket.open(NETLINK_NETFILTER, 1 << (NFNLGRP_CONNTRACK_DESTROY - 1), 4 << 20, 250, netns);
        } catch (NfQueueException e) {
            throw new NfQueueException("conntrack destroy events unavailable (needs ctnetlink: CONFIG_NF_CT_NETLINK "
                    + "and CONFIG_NF_CONNTRACK_EVENTS): " + e.getMessage(), e.errno(), e);
        }
        ConntrackEvents c = new ConntrackEvents(s, listener);
        c.thread.start();
        return c;
    }

    private void run() {
        MemorySegment buf = socket.allocate(256 * 1024);
        Conntrack ct = new Conntrack();
        try {
            while (true) {
                long n = socket.receive(buf);
                if (n == -ENOBUFS) {
                    lost.incrementAndGet();
                    continue;
                }
                if (closed) return;
                if (n == 0) continue;
                long off = 0;
                while (off + NLMSG_HDRLEN <= n) {
                    int len = NfqMessages.messageLength(buf, off);
                    if (len < NLMSG_HDRLEN || off + len > n) break;
                    if (NfqMessages.messageType(buf, off) == CT_TYPE_DELETE && NfqMessages.parseConntrackEvent(buf, off, n, ct)) {
                        events.incrementAndGet();
                        try {
                            listener.destroyed(ct);
                        } catch (RuntimeException e) {
                            failure = e; // a listener bug must not stop the event stream
                        }
                    }
                    off += (len + 3) & ~3;
                }
            }
        } catch (RuntimeException e) {
            if (!closed) failure = e;
        } finally {
            socket.release();
        }
    }

    private volatile boolean closed;

    /** Destroy events received. */
    public long events() {
        return events.get();
    }

    /** Times the kernel reported dropping events (ENOBUFS): flows may then end only by idle timeout. */
    public long lost() {
        return lost.get();
    }

    /** The last error of the events thread or of the listener, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Whether the events thread still runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the thread, which closes the socket (waits up to two seconds). */
    @Override
    public void close() {
        // The thread closes the socket itself once its receive times out: closing the descriptor under a blocked
        // recv could hand the number to another open() while the thread still reads it.
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

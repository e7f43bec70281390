package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;
import static io.jwfp.shim.nfqueue.natives.Structs.*;

import io.jwfp.shim.nfqueue.natives.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A plain netlink socket for the request/answer and event protocols next to the queue (ctnetlink events, sock_diag):
 * created in a network namespace if asked, bound to optional multicast groups, with a receive timeout so a reading
 * thread can notice that it should stop. Buffers live in a shared arena; callers serialise their use (one reader
 * thread, or synchronized requests).
 */
final class NetlinkSocket implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errnoState = LibC.allocateCaptureState(arena);
    private volatile boolean closed;
    private boolean released;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a socket of netlink {@code protocol}, bound to the multicast {@code groups} bit mask (0 for none).
     *
     * @param netns nsfs path of the namespace to open it in, or null for the caller's
     */
    static NetlinkSocket open(int protocol, int groups, int receiveBufferBytes, int receiveTimeoutMillis, Path netns) {
        NfQueue.ensureAvailable();
        int fd;
        try {
            fd = netns == null ? socket(protocol) : NetworkNamespace.call(netns, () -> socket(protocol));
        } catch (NfQueueException e) {
            throw e;
        } catch (Exception e) {
            throw new NfQueueException("cannot create a netlink socket in " + netns + ": " + e.getMessage(), 0, e);
        }
        NetlinkSocket s = new NetlinkSocket(fd);
        try {
            s.configure(groups, receiveBufferBytes, receiveTimeoutMillis);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static int socket(int protocol) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = LibC.allocateCaptureState(a);
            int fd = LibC.socket(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                int err = LibC.errno(st);
                throw new NfQueueException("cannot create a netlink socket (protocol " + protocol + "): "
                        + LibC.describeErrno(err), err);
            }
            return fd;
        }
    }

    private void configure(int groups, int receiveBufferBytes, int receiveTimeoutMillis) {
        MemorySegment v = arena.allocate(16, 8);
        if (receiveBufferBytes > 0) {
            v.set(ValueLayout.JAVA_INT, 0, receiveBufferBytes);
            if (LibC.setsockopt(errnoState, fd, SOL_SOCKET, SO_RCVBUFFORCE, v, 4) != 0) {
                LibC.setsockopt(errnoState, fd, SOL_SOCKET, SO_RCVBUF, v, 4);
            }
        }
        if (receiveTimeoutMillis > 0) {
            v.set(ValueLayout.JAVA_LONG, 0, receiveTimeoutMillis / 1000);
            v.set(ValueLayout.JAVA_LONG, 8, (receiveTimeoutMillis % 1000) * 1000L);
            if (LibC.setsockopt(errnoState, fd, SOL_SOCKET, SO_RCVTIMEO, v, 16) != 0) {
                throw failure("setsockopt(SO_RCVTIMEO)");
            }
        }
        v.set(ValueLayout.JAVA_INT, 0, 1);
        LibC.setsockopt(errnoState, fd, SOL_NETLINK, NETLINK_EXT_ACK, v, 4);
        MemorySegment addr = arena.allocate(SOCKADDR_NL);
        SOCKADDR_NL_FAMILY.set(addr, 0L, (short) AF_NETLINK);
        SOCKADDR_NL_PID.set(addr, 0L, 0);
        SOCKADDR_NL_GROUPS.set(addr, 0L, groups);
        if (LibC.bind(errnoState, fd, addr, (int) SOCKADDR_NL.byteSize()) != 0) {
            throw failure("bind(AF_NETLINK, groups 0x" + Integer.toHexString(groups) + ")");
        }
    }

    private NfQueueException failure(String what) {
        int err = LibC.errno(errnoState);
        return new NfQueueException(what + " failed: " + LibC.describeErrno(err), err);
    }

    /** A buffer that lives as long as the socket. */
    MemorySegment allocate(long bytes) {
        return arena.allocate(bytes, 8);
    }

    /** Sends {@code len} bytes; throws with errno on failure. */
    void send(MemorySegment buf, long len) {
        long r;
        do {
            r = LibC.send(errnoState, fd, buf, len, 0);
        } while (r < 0 && LibC.errno(errnoState) == EINTR);
        if (r < 0) throw failure("netlink send");
    }

    /**
     * Receives one datagram. Returns its length, 0 on timeout (or when closed), or {@code -ENOBUFS} when the kernel
     * dropped messages because the socket buffer was full (the socket stays usable).
     */
    long receive(MemorySegment buf) {
        while (!closed) {
            long n = LibC.recv(errnoState, fd, buf, buf.byteSize(), 0);
            if (n >= 0) return n;
            int err = LibC.errno(errnoState);
            if (err == EINTR) continue;
            if (err == EAGAIN) return 0;
            if (err == ENOBUFS) return -ENOBUFS;
            if (closed) return 0;
            throw new NfQueueException("netlink receive failed: " + LibC.describeErrno(err), err);
        }
        return 0;
    }

    /** Closes the socket; a thread blocked in {@link #receive} returns at its next timeout. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        LibC.close(errnoState, fd);
    }

    /** Frees the buffers; only once no thread uses the socket any more. Idempotent. */
    synchronized void release() {
        close();
        if (!released) {
            released = true;
            arena.close();
        }
    }
}

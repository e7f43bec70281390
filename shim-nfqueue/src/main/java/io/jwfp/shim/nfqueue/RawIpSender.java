package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;

import io.jwfp.shim.nfqueue.natives.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Sends complete IP packets (header included) into the local IP output path, through raw sockets
 * ({@code SOCK_RAW, IPPROTO_RAW}) whose every packet carries a fixed mark ({@code SO_MARK}). The mark is how netfilter
 * rules recognise the sender's own packets: jwfp's rules never queue packets with its INJECTED bit (the loop guard).
 * The packets go through the OUTPUT hook and routing like locally generated ones.
 *
 * <p>Thread-safe (synchronized); the sockets are created in the namespace of the creating thread.
 */
public final class RawIpSender implements AutoCloseable {
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = LibC.allocateCaptureState(arena);
    private final MemorySegment buffer = arena.allocate(65536, 8);
    private final MemorySegment address = arena.allocate(28, 8);
    private final int fd4;
    private final int fd6;
    private boolean closed;

    private RawIpSender(int fd4, int fd6) {
        this.fd4 = fd4;
        this.fd6 = fd6;
    }

    /**
     * Opens the IPv4 and IPv6 raw sockets with {@code mark}.
     *
     * @throws NfQueueException when raw sockets or SO_MARK are refused (no CAP_NET_RAW / CAP_NET_ADMIN)
     */
    public static RawIpSender open(int mark) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = LibC.allocateCaptureState(a);
            int fd4 = rawSocket(st, AF_INET, mark, a);
            int fd6;
            try {
                fd6 = rawSocket(st, AF_INET6, mark, a);
            } catch (NfQueueException e) {
                fd6 = -1; // no IPv6 in this kernel: IPv4 still works
            }
            return new RawIpSender(fd4, fd6);
        }
    }

    private static int rawSocket(MemorySegment st, int family, int mark, Arena a) {
        int fd = LibC.socket(st, family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        if (fd < 0) {
            int err = LibC.errno(st);
            throw new NfQueueException("cannot open a raw " + (family == AF_INET ? "IPv4" : "IPv6") + " socket: "
                    + LibC.describeErrno(err) + " (needs CAP_NET_RAW)", err);
        }
        MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, mark);
        if (LibC.setsockopt(st, fd, SOL_SOCKET, SO_MARK, v, 4) != 0) {
            int err = LibC.errno(st);
            LibC.close(st, fd);
            throw new NfQueueException("cannot mark a raw socket (SO_MARK): " + LibC.describeErrno(err)
                    + " (needs CAP_NET_ADMIN)", err);
        }
        return fd;
    }

    /**
     * Sends the IP packet {@code packet[offset, offset + length)} (IPv4 or IPv6, by its version nibble) to the
     * destination in its header. Checksums must already be right: the stack sends the bytes as they are.
     *
     * @return 0, or the errno of a refused send
     */
    public synchronized int send(MemorySegment packet, long offset, int length) {
        if (closed) return EBADF;
        if (length < 20 || length > buffer.byteSize()) return EINVAL;
        MemorySegment.copy(packet, offset, buffer, 0, length);
        int version = (buffer.get(ValueLayout.JAVA_BYTE, 0) >> 4) & 0xF;
        address.fill((byte) 0);
        int fd;
        int addressLength;
        if (version == 4) {
            fd = fd4;
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            address.set(BE32, 4, buffer.get(BE32, 16)); // sockaddr_in.sin_addr = the header's destination
            addressLength = 16;
        } else if (version == 6 && fd6 >= 0 && length >= 40) {
            fd = fd6;
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            MemorySegment.copy(buffer, 24, address, 8, 16); // sockaddr_in6.sin6_addr
            addressLength = 28;
        } else {
            return EINVAL;
        }
        long r = LibC.sendto(state, fd, buffer, length, 0, address, addressLength);
        return r < 0 ? LibC.errno(state) : 0;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LibC.close(state, fd4);
        if (fd6 >= 0) LibC.close(state, fd6);
        arena.close();
    }
}

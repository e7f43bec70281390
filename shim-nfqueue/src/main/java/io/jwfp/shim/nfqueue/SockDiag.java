package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;
import static io.jwfp.shim.nfqueue.natives.Structs.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The socket behind a TCP or UDP 5-tuple, asked of the kernel with sock_diag (NETLINK_SOCK_DIAG, an exact
 * {@code SOCK_DIAG_BY_FAMILY} request): its owner's uid and its inode, from which a process can be found in
 * {@code /proc/PID/fd}. For a TCP SYN that arrives the kernel answers with the listening socket, i.e. the application
 * that will accept the connection; for UDP with the socket that receives from that peer (connected or not).
 *
 * <p>One request at a time (methods are synchronized); each lookup is one send and one receive, no allocation.
 */
public final class SockDiag implements AutoCloseable {
    private static final int INET_DIAG_NOCOOKIE = 0xFFFFFFFF;
    private final NetlinkSocket socket;
    private final MemorySegment request;
    private final MemorySegment answer;
    private int seq;

    private SockDiag(NetlinkSocket socket) {
        this.socket = socket;
        this.request = socket.allocate(NLMSG_HDRLEN + INET_DIAG_REQ_V2_SIZE);
        this.answer = socket.allocate(8192);
    }

    /** Opens a sock_diag socket in the namespace at {@code netns} (null: the caller's). */
    public static SockDiag open(Path netns) {
        return new SockDiag(NetlinkSocket.open(NETLINK_SOCK_DIAG, 0, 0, 1000, netns));
    }

    /**
     * Looks up the local socket of a flow.
     *
     * @param protocol {@link io.jwfp.shim.nfqueue.natives.Constants#IPPROTO_TCP} or {@code IPPROTO_UDP}
     * @param v6       whether the addresses are IPv6 (big-endian halves) rather than IPv4 (host order in {@code lo})
     * @return {@code uid << 32 | inode} (both unsigned 32-bit), or -1 when no socket matches (or the protocol has no
     *         sock_diag lookup)
     */
    public synchronized long lookup(int protocol, boolean v6, long localHi, long localLo, int localPort,
                                    long remoteHi, long remoteLo, int remotePort) {
        if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP) return -1;
        request.fill((byte) 0);
        NLMSG_LEN.set(request, 0L, NLMSG_HDRLEN + INET_DIAG_REQ_V2_SIZE);
        NLMSG_TYPE.set(request, 0L, (short) SOCK_DIAG_BY_FAMILY);
        NLMSG_FLAGS.set(request, 0L, (short) NLM_F_REQUEST);
        NLMSG_SEQ.set(request, 0L, ++seq);
        long r = NLMSG_HDRLEN;
        request.set(ValueLayout.JAVA_BYTE, r, (byte) (v6 ? AF_INET6 : AF_INET));
        request.set(ValueLayout.JAVA_BYTE, r + 1, (byte) protocol);
        request.set(ValueLayout.JAVA_INT, r + 4, 0xFFFFFFFF); // every TCP state
        long id = r + 8;
        // inet_diag_sockid: TCP looks up (src = local, dst = remote); UDP swaps them "for historical reasons"
        // (udp_dump_one passes src as the sender of a datagram that the wanted socket would receive).
        boolean swap = protocol == IPPROTO_UDP;
        request.set(BE16_UNALIGNED, id, (short) (swap ? remotePort : localPort));
        request.set(BE16_UNALIGNED, id + 2, (short) (swap ? localPort : remotePort));
        putAddress(id + 4, v6, swap ? remoteHi : localHi, swap ? remoteLo : localLo);
        putAddress(id + 20, v6, swap ? localHi : remoteHi, swap ? localLo : remoteLo);
        request.set(ValueLayout.JAVA_INT, id + 36, 0);
        request.set(ValueLayout.JAVA_INT, id + 40, INET_DIAG_NOCOOKIE);
        request.set(ValueLayout.JAVA_INT, id + 44, INET_DIAG_NOCOOKIE);
        socket.send(request, NLMSG_HDRLEN + INET_DIAG_REQ_V2_SIZE);
        while (true) {
            long n = socket.receive(answer);
            if (n <= 0) return -1;
            long off = 0;
            while (off + NLMSG_HDRLEN <= n) {
                int len = NfqMessages.messageLength(answer, off);
                if (len < NLMSG_HDRLEN || off + len > n) return -1;
                if (NfqMessages.messageSeq(answer, off) == seq) {
                    int type = NfqMessages.messageType(answer, off);
                    if (type == SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + INET_DIAG_MSG_SIZE) {
                        long m = off + NLMSG_HDRLEN;
                        long uid = Integer.toUnsignedLong(answer.get(ValueLayout.JAVA_INT, m + INET_DIAG_MSG_UID_OFFSET));
                        long inode = Integer.toUnsignedLong(answer.get(ValueLayout.JAVA_INT, m + INET_DIAG_MSG_INODE_OFFSET));
                        return uid << 32 | inode;
                    }
                    if (type == NLMSG_ERROR || type == NLMSG_DONE) return -1; // ENOENT: no such socket
                }
                off += (len + 3) & ~3;
            }
        }
    }

    private void putAddress(long off, boolean v6, long hi, long lo) {
        if (v6) {
            request.set(BE64_UNALIGNED, off, hi);
            request.set(BE64_UNALIGNED, off + 8, lo);
        } else {
            request.set(BE32_UNALIGNED, off, (int) lo);
        }
    }

    @Override
    public synchronized void close() {
        socket.release();
    }
}

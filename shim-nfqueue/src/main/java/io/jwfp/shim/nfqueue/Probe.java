package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;
import static io.jwfp.shim.nfqueue.natives.Structs.*;

import io.jwfp.shim.nfqueue.natives.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Decides once whether nfnetlink_queue is usable, by asking the kernel rather than guessing: it opens a
 * NETLINK_NETFILTER socket and sends the harmless {@code NFQNL_CFG_CMD_PF_UNBIND} (a no-op since Linux 3.8)
 * with an ACK request. The answer tells apart "no nfnetlink", "no queue subsystem" and "no CAP_NET_ADMIN".
 */
final class Probe {
    private Probe() {}

    static NfQueueUnavailableException probe() {
        String os = System.getProperty("os.name", "?");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new NfQueueUnavailableException("nfnetlink_queue exists only on Linux; this is " + os, 0);
        }
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            return new NfQueueUnavailableException("the nfqueue shim supports 64-bit Linux only", 0);
        }
        try {
            if (!LibC.missingSymbols().isEmpty()) {
                return new NfQueueUnavailableException("the C library lacks " + LibC.missingSymbols(), 0);
            }
            return askKernel();
        } catch (IllegalCallerException e) {
            return new NfQueueUnavailableException("native access is denied to the shim; start the JVM with "
                    + "--enable-native-access=ALL-UNNAMED (or the shim's module): " + e.getMessage(), 0);
        } catch (LinkageError | RuntimeException e) {
            return new NfQueueUnavailableException("the Foreign Function & Memory API could not bind libc: " + e, 0);
        }
    }

    private static NfQueueUnavailableException askKernel() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = LibC.allocateCaptureState(a);
            int fd = LibC.socket(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
            if (fd < 0) {
                int err = LibC.errno(st);
                String why = err == EPROTONOSUPPORT || err == 97 /* EAFNOSUPPORT */
                        ? "the kernel has no netfilter netlink (CONFIG_NETFILTER_NETLINK)"
                        : "cannot create a NETLINK_NETFILTER socket";
                return new NfQueueUnavailableException(why + ": " + LibC.describeErrno(err), err);
            }
            try {
                MemorySegment addr = a.allocate(SOCKADDR_NL);
                SOCKADDR_NL_FAMILY.set(addr, 0L, (short) AF_NETLINK);
                if (LibC.bind(st, fd, addr, (int) SOCKADDR_NL.byteSize()) != 0) {
                    int err = LibC.errno(st);
                    return new NfQueueUnavailableException("cannot bind a netlink socket: " + LibC.describeErrno(err), err);
                }
                MemorySegment buf = a.allocate(8192, 8);
                int seq = 1;
                long len = NfqMessages.writeConfigCommand(buf, 0, seq, 0, NFQNL_CFG_CMD_PF_UNBIND, AF_INET);
                if (LibC.send(st, fd, buf, len, 0) < 0) {
                    int err = LibC.errno(st);
                    return new NfQueueUnavailableException("cannot send to nfnetlink: " + LibC.describeErrno(err), err);
                }
                MemorySegment pfd = a.allocate(POLLFD);
                POLLFD_FD.set(pfd, 0L, fd);
                POLLFD_EVENTS.set(pfd, 0L, POLLIN);
                if (LibC.poll(st, pfd, 1, 2000) <= 0) {
                    return new NfQueueUnavailableException("nfnetlink did not answer a queue configuration request", 0);
                }
                long n = LibC.recv(st, fd, buf, buf.byteSize(), MSG_DONTWAIT);
                if (n < NLMSG_HDRLEN + 4) {
                    int err = n < 0 ? LibC.errno(st) : 0;
                    return new NfQueueUnavailableException("unexpected answer from nfnetlink"
                            + (n < 0 ? ": " + LibC.describeErrno(err) : ""), err);
                }
                if (NfqMessages.messageType(buf, 0) != NLMSG_ERROR) {
                    return new NfQueueUnavailableException("unexpected answer type from nfnetlink: "
                            + NfqMessages.messageType(buf, 0), 0);
                }
                int code = -NfqMessages.errorCode(buf, 0);
                if (code == 0) {
                    return null;
                }
                if (code == EPERM) {
                    return new NfQueueUnavailableException("nfnetlink_queue needs CAP_NET_ADMIN (in the user namespace "
                            + "owning this network namespace); this process has " + describeCaps()
                            + ". Run as root or grant cap_net_admin", code);
                }
                if (code == EINVAL || code == EOPNOTSUPP || code == ENOENT) {
                    return new NfQueueUnavailableException("the kernel has no nfnetlink_queue subsystem "
                            + "(CONFIG_NETFILTER_NETLINK_QUEUE; try 'modprobe nfnetlink_queue'): "
                            + LibC.describeErrno(code), code);
                }
                return new NfQueueUnavailableException("nfnetlink_queue refused a probe request: " + LibC.describeErrno(code), code);
            } finally {
                LibC.close(st, fd);
            }
        }
    }

    /**
     * Which NFQA_CFG_F_* flags this kernel accepts, asked flag by flag with {@link NfqMessages#writeConfigFlags}
     * on queue 65535 (validation happens before any queue lookup, so nothing is bound or changed).
     */
    static int supportedFlags() {
        if (Availability.cause() != null) {
            return 0;
        }
        int supported = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = LibC.allocateCaptureState(a);
            int fd = LibC.socket(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
            if (fd < 0) {
                return 0;
            }
            try {
                MemorySegment addr = a.allocate(SOCKADDR_NL);
                SOCKADDR_NL_FAMILY.set(addr, 0L, (short) AF_NETLINK);
                if (LibC.bind(st, fd, addr, (int) SOCKADDR_NL.byteSize()) != 0) {
                    return 0;
                }
                MemorySegment buf = a.allocate(8192, 8);
                MemorySegment pfd = a.allocate(POLLFD);
                POLLFD_FD.set(pfd, 0L, fd);
                POLLFD_EVENTS.set(pfd, 0L, POLLIN);
                int seq = 100;
                for (int flag : new int[] {NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_CONNTRACK, NFQA_CFG_F_GSO,
                        NFQA_CFG_F_UID_GID, NFQA_CFG_F_SECCTX}) {
                    for (int attempt = 0; attempt < 2; attempt++) {
                        seq++;
                        long len = NfqMessages.writeConfigFlags(buf, 0, seq, 0xffff, flag, flag);
                        if (LibC.send(st, fd, buf, len, 0) < 0 || LibC.poll(st, pfd, 1, 2000) <= 0) {
                            return supported;
                        }
                        long n = LibC.recv(st, fd, buf, buf.byteSize(), MSG_DONTWAIT);
                        if (n < NLMSG_HDRLEN + 4 || NfqMessages.messageType(buf, 0) != NLMSG_ERROR) {
                            return supported;
                        }
                        int code = -NfqMessages.errorCode(buf, 0);
                        if (code == EAGAIN) {
                            continue; // a helper module was just loaded: ask again
                        }
                        if (code != EOPNOTSUPP && code != ENOTSUPP && code != EINVAL) {
                            supported |= flag;
                        }
                        break;
                    }
                }
            } finally {
                LibC.close(st, fd);
            }
        }
        return supported;
    }

    /** Lazily computed results. */
    static final class Availability {
        private static final NfQueueUnavailableException CAUSE = probe();

        static NfQueueUnavailableException cause() {
            return CAUSE;
        }
    }

    static final class Flags {
        static final int SUPPORTED = supportedFlags();
    }

    private static String describeCaps() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    boolean netAdmin = (caps & (1L << 12)) != 0;
                    return "CapEff " + line.substring(7).trim() + (netAdmin ? " (CAP_NET_ADMIN set)" : " (no CAP_NET_ADMIN)");
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return "unknown capabilities";
    }
}

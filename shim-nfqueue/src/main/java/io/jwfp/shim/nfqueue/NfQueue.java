package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;
import static io.jwfp.shim.nfqueue.natives.Structs.*;

import io.jwfp.shim.nfqueue.natives.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One bound nfnetlink_queue queue on its own netlink socket.
 *
 * <p><b>Threading.</b> A queue is confined to the thread that {@linkplain #open opened} it: its buffers live in
 * a confined {@link Arena}, and {@link #receive}, {@link #run}, {@link #verdicts()} and {@link #close()} must be
 * called there. {@link #stop()}, {@link #completeDeferred}, {@link #stats()} and {@link #kernelStats()} may be
 * called from any thread. For several queues with one thread each use {@link NfQueueGroup}.
 *
 * <p><b>Receive path.</b> One {@code recvmmsg} fetches up to {@link NfQueueConfig#batchSize()} datagrams into
 * fixed slots of a buffer allocated once; each packet is parsed into the same {@link NfPacket} and handed to
 * the handler together with the queue's {@link VerdictSink}; buffered verdicts are sent (several per
 * {@code send}, runs coalesced into batch verdicts) before the queue waits again. The wait is the
 * {@code recvmmsg} itself ({@code MSG_WAITFORONE}, bounded by {@code SO_RCVTIMEO}), so a wake-up costs one
 * system call; {@link #stop()} ends the wait by sending an {@code NLMSG_NOOP} to the queue's port from a second
 * netlink socket. Nothing on this path allocates per packet.
 *
 * <p><b>Errors.</b> Configuration failures (bind refused, flag unsupported, no answer) throw
 * {@link NfQueueException} with the kernel's errno and extended-ack text. Overload is never fatal: ENOBUFS on
 * receive and NLMSG_ERROR answers to verdicts are counted in {@link #stats()}, kernel-side drops are in
 * {@link #kernelStats()}.
 */
public final class NfQueue implements AutoCloseable {
    private static final int SEND_BUFFER_BYTES = 256 * 1024;
    private static final int ACK_TIMEOUT_MILLIS = 5000;

    private final NfQueueConfig config;
    private final int queueNumber;
    private final Thread owner;
    private final Arena arena;
    private final Arena sharedArena;
    private final MemorySegment errnoState;
    private final int fd;
    /** Second netlink socket in the same namespace, used only by stop() to wake a blocked receive. */
    private final int wakerFd;
    private final int portId;
    private final int slotSize;
    private final int batchSize;
    private final MemorySegment slots;
    private final MemorySegment vec;
    private final MemorySegment pollFds;
    private final MemorySegment receiveTimeout;
    private int receiveTimeoutMillis = Integer.MIN_VALUE;
    private final MemorySegment wakeMessage;
    private final MemorySegment wakeAddress;
    private final MemorySegment controlBuffer;
    private final NfPacket packet = new NfPacket();
    private final NfQueueStats stats = new NfQueueStats();
    private final VerdictBatcher sink;
    private final int errorVerdictCode;
    /** Guards the file descriptors against close() for the calls other threads may make (stop, completeDeferred). */
    private final Object fdLock = new Object();
    /** Used by completeDeferred from foreign threads; guarded by fdLock. */
    private final MemorySegment deferredBuffer;
    private final MemorySegment deferredErrnoState;

    private volatile boolean stopRequested;
    private volatile boolean closed;
    private volatile Throwable lastHandlerError;
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    private NfQueue(NfQueueConfig config, int fd, int wakerFd) {
        this.config = config;
        this.queueNumber = config.queueNumber();
        this.owner = Thread.currentThread();
        this.fd = fd;
        this.wakerFd = wakerFd;
        this.slotSize = config.slotSize();
        this.batchSize = config.batchSize();
        this.errorVerdictCode = config.handlerErrorVerdict().code();
        Arena a = Arena.ofConfined();
        Arena shared = Arena.ofShared();
        try {
            this.arena = a;
            this.sharedArena = shared;
            this.errnoState = LibC.allocateCaptureState(a);
            this.controlBuffer = a.allocate(NfqMessages.PLAIN_VERDICT_SIZE, 8);
            this.slots = a.allocate((long) slotSize * batchSize, 4096);
            this.vec = a.allocate(MMSGHDR, batchSize);
            MemorySegment iovs = a.allocate(IOVEC, batchSize);
            for (int i = 0; i < batchSize; i++) {
                long io = i * IOVEC.byteSize();
                IOVEC_BASE.set(iovs, io, slots.asSlice((long) i * slotSize, slotSize));
                IOVEC_LEN.set(iovs, io, (long) slotSize);
                long mo = i * MMSGHDR.byteSize();
                MMSG_NAME.set(vec, mo, MemorySegment.NULL);
                MMSG_NAMELEN.set(vec, mo, 0);
                MMSG_IOV.set(vec, mo, iovs.asSlice(io, IOVEC.byteSize()));
                MMSG_IOVLEN.set(vec, mo, 1L);
                MMSG_CONTROL.set(vec, mo, MemorySegment.NULL);
                MMSG_CONTROLLEN.set(vec, mo, 0L);
                MMSG_FLAGS.set(vec, mo, 0);
                MMSG_LEN.set(vec, mo, 0);
            }
            this.pollFds = a.allocate(POLLFD, 1);
            this.receiveTimeout = a.allocate(16, 8); // struct timeval
            this.wakeMessage = shared.allocate(NLMSG_HDRLEN, 8);
            this.wakeAddress = shared.allocate(SOCKADDR_NL);
            MemorySegment sendBuffer = a.allocate(SEND_BUFFER_BYTES, 8);
            this.deferredBuffer = shared.allocate(NfqMessages.verdictSize(true, true, NFQNL_MAX_COPY_RANGE), 8);
            this.deferredErrnoState = LibC.allocateCaptureState(shared);

            configureSocket(fd);
            this.portId = bindSocket(fd);
            POLLFD_FD.set(pollFds, 0L, fd);
            POLLFD_EVENTS.set(pollFds, 0L, POLLIN);
            // The wake-up is an NLMSG_NOOP unicast from wakerFd to our port: it ends a blocking recvmmsg at once.
            NLMSG_LEN.set(wakeMessage, 0L, NLMSG_HDRLEN);
            NLMSG_TYPE.set(wakeMessage, 0L, (short) NLMSG_NOOP);
            NLMSG_FLAGS.set(wakeMessage, 0L, (short) 0);
            NLMSG_SEQ.set(wakeMessage, 0L, 0);
            NLMSG_PID.set(wakeMessage, 0L, 0);
            SOCKADDR_NL_FAMILY.set(wakeAddress, 0L, (short) AF_NETLINK);
            SOCKADDR_NL_PID.set(wakeAddress, 0L, portId);
            SOCKADDR_NL_GROUPS.set(wakeAddress, 0L, 0);
            this.sink = new VerdictBatcher(sendBuffer, queueNumber, config.coalesceVerdicts(), stats, this::sendVerdicts);
        } catch (RuntimeException | Error e) {
            a.close();
            shared.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------ availability

    /** Whether queues can be opened by this process (computed once). */
    public static boolean isAvailable() {
        return Probe.Availability.cause() == null;
    }

    /** Throws {@link NfQueueUnavailableException} explaining why queues cannot be used, if they cannot. */
    public static void ensureAvailable() {
        NfQueueUnavailableException cause = Probe.Availability.cause();
        if (cause != null) {
            throw new NfQueueUnavailableException(cause.getMessage(), cause.errno());
        }
    }

    /** Why queues cannot be used, or {@code null} if they can. */
    public static NfQueueUnavailableException unavailabilityCause() {
        return Probe.Availability.cause();
    }

    /**
     * The NFQA_CFG_F_* flags ({@code natives.Constants.NFQA_CFG_F_*}) this kernel accepts, probed once without
     * binding anything. E.g. NFQA_CFG_F_CONNTRACK is missing when the kernel lacks
     * CONFIG_NETFILTER_NETLINK_GLUE_CT. 0 when queues are unavailable.
     */
    public static int supportedConfigFlags() {
        return Probe.Flags.SUPPORTED;
    }

    /** Whether {@link NfQueueConfig#conntrack()} can be used (conntrack info and connmark verdicts). */
    public static boolean isConntrackSupported() {
        return (supportedConfigFlags() & NFQA_CFG_F_CONNTRACK) != 0;
    }

    // ------------------------------------------------------------------------------------------------- open

    /**
     * Opens, binds and configures a queue. The calling thread becomes the queue's owner.
     *
     * <p>Packets that the kernel hands over while the configuration is being acknowledged are given NF_REPEAT,
     * which sends them through the hook again, so they come back once the queue is fully set up.
     *
     * @throws NfQueueUnavailableException if queues cannot be used at all here
     * @throws NfQueueException            if the kernel refuses the configuration
     */
    public static NfQueue open(NfQueueConfig config) {
        ensureAvailable();
        long fds = config.networkNamespace() == null ? createSockets() : createSocketsIn(config.networkNamespace());
        int fd = (int) fds;
        int waker = (int) (fds >>> 32);
        NfQueue q;
        try {
            q = new NfQueue(config, fd, waker);
        } catch (RuntimeException | Error e) {
            closeQuietly(fd);
            closeQuietly(waker);
            throw e;
        }
        try {
            q.configureQueue();
        } catch (RuntimeException | Error e) {
            q.closeResources();
            throw e;
        }
        return q;
    }

    private static int createSocket() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = LibC.allocateCaptureState(a);
            int fd = LibC.socket(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
            if (fd < 0) {
                int err = LibC.errno(state);
                throw new NfQueueException("cannot create netfilter netlink socket: " + LibC.describeErrno(err), err);
            }
            return fd;
        }
    }

    /** The queue socket (low 32 bits) and its waker (high 32 bits), both in the caller's namespace. */
    private static long createSockets() {
        int fd = createSocket();
        try {
            return (Integer.toUnsignedLong(createSocket()) << 32) | Integer.toUnsignedLong(fd);
        } catch (RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    private static long createSocketsIn(Path ns) {
        try {
            return NetworkNamespace.call(ns, NfQueue::createSockets);
        } catch (NfQueueException e) {
            throw e;
        } catch (Exception e) {
            throw new NfQueueException("cannot create netlink socket in " + ns + ": " + e.getMessage(), 0, e);
        }
    }

    private static void closeQuietly(int fd) {
        try (Arena a = Arena.ofConfined()) {
            LibC.close(LibC.allocateCaptureState(a), fd);
        }
    }

    private void configureSocket(int fd) {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        // FORCE ignores net.core.rmem_max (we have CAP_NET_ADMIN); fall back to the capped variant otherwise.
        if (!setIntOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, config.receiveBufferBytes(), v)) {
            setIntOption(fd, SOL_SOCKET, SO_RCVBUF, config.receiveBufferBytes(), v);
        }
        // Netlink refuses a send larger than sk_sndbuf - 32: make room for a full send buffer.
        if (!setIntOption(fd, SOL_SOCKET, SO_SNDBUFFORCE, SEND_BUFFER_BYTES * 2, v)) {
            setIntOption(fd, SOL_SOCKET, SO_SNDBUF, SEND_BUFFER_BYTES * 2, v);
        }
        if (config.noEnobufs() && !setIntOption(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1, v)) {
            throw fail("setsockopt(NETLINK_NO_ENOBUFS)", LibC.errno(errnoState));
        }
        // Optional niceties: errors answer with only the request header, plus the kernel's explanation text.
        setIntOption(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1, v);
        setIntOption(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, v);
    }

    private boolean setIntOption(int fd, int level, int name, int value, MemorySegment scratch) {
        scratch.set(ValueLayout.JAVA_INT, 0, value);
        return LibC.setsockopt(errnoState, fd, level, name, scratch, 4) == 0;
    }

    private int bindSocket(int fd) {
        MemorySegment addr = arena.allocate(SOCKADDR_NL);
        SOCKADDR_NL_FAMILY.set(addr, 0L, (short) AF_NETLINK);
        SOCKADDR_NL_PID.set(addr, 0L, 0); // let the kernel pick a unique port id
        SOCKADDR_NL_GROUPS.set(addr, 0L, 0);
        if (LibC.bind(errnoState, fd, addr, (int) SOCKADDR_NL.byteSize()) != 0) {
            throw fail("bind(AF_NETLINK)", LibC.errno(errnoState));
        }
        MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
        len.set(ValueLayout.JAVA_INT, 0, (int) SOCKADDR_NL.byteSize());
        if (LibC.getsockname(errnoState, fd, addr, len) != 0) {
            throw fail("getsockname", LibC.errno(errnoState));
        }
        return (int) SOCKADDR_NL_PID.get(addr, 0L);
    }

    private NfQueueException fail(String op, int errno) {
        return new NfQueueException("queue " + queueNumber + ": " + op + " failed: " + LibC.describeErrno(errno), errno);
    }

    private void configureQueue() {
        if (config.legacyPfRebind()) {
            for (int pf : new int[] {AF_INET, AF_INET6}) {
                configCommand(NFQNL_CFG_CMD_PF_UNBIND, pf, "PF_UNBIND");
                configCommand(NFQNL_CFG_CMD_PF_BIND, pf, "PF_BIND");
            }
        }
        for (int attempt = 0; ; attempt++) {
            int s = nextSeq();
            long len = NfqMessages.writeBindAndConfigure(slots, 0, s, queueNumber, config.copyMode().code,
                    config.copyRange(), config.maxQueueLength(), config.flags(), NfQueueConfig.flagMask());
            try {
                sendConfig(len, s, "bind");
                return;
            } catch (NfQueueException e) {
                // EAGAIN: the kernel just loaded ctnetlink for NFQA_CFG_F_CONNTRACK and asks to repeat.
                if (e.errno() != EAGAIN || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private void configCommand(int command, int pf, String what) {
        int s = nextSeq();
        long len = NfqMessages.writeConfigCommand(slots, 0, s, queueNumber, command, pf);
        sendConfig(len, s, what);
    }

    private int nextSeq() {
        seq = (seq + 1) & 0x3fffffff;
        return seq;
    }

    /** Sends a request built at the start of slot 0, then waits for its ACK (answers reuse slot 0). */
    private void sendConfig(long len, int requestSeq, String what) {
        // The request lives in slot 0 and must be fully sent before slot 0 is reused for answers.
        long r;
        do {
            r = LibC.send(errnoState, fd, slots, len, 0);
        } while (r < 0 && LibC.errno(errnoState) == EINTR);
        if (r < 0) {
            throw fail(what + " request send", LibC.errno(errnoState));
        }
        awaitAck(requestSeq, what);
    }

    private void awaitAck(int requestSeq, String what) {
        long deadline = System.nanoTime() + ACK_TIMEOUT_MILLIS * 1_000_000L;
        while (true) {
            long n = LibC.recv(errnoState, fd, slots, slotSize, MSG_DONTWAIT);
            if (n < 0) {
                int err = LibC.errno(errnoState);
                if (err == EINTR || err == ENOBUFS) {
                    if (err == ENOBUFS) {
                        stats.increment(NfQueueStats.ENOBUFS);
                    }
                    continue;
                }
                if (err != EAGAIN) {
                    throw fail("receive of the " + what + " answer", err);
                }
                int remaining = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                if (remaining <= 0) {
                    throw new NfQueueException("queue " + queueNumber + ": no answer from the kernel to " + what
                            + " within " + ACK_TIMEOUT_MILLIS + " ms", 0);
                }
                POLLFD_REVENTS.set(pollFds, 0L, (short) 0);
                LibC.poll(errnoState, pollFds, 1, remaining);
                continue;
            }
            long off = 0;
            long end = n;
            while (off + NLMSG_HDRLEN <= end) {
                int mlen = NfqMessages.messageLength(slots, off);
                if (mlen < NLMSG_HDRLEN) {
                    break;
                }
                int type = NfqMessages.messageType(slots, off);
                if (type == NLMSG_ERROR && off + NLMSG_HDRLEN + 4 + NLMSG_HDRLEN <= end
                        && NfqMessages.errorRequestSeq(slots, off) == requestSeq) {
                    int code = NfqMessages.errorCode(slots, off);
                    if (code == 0) {
                        return;
                    }
                    String ext = NfqMessages.errorExtAckMessage(slots, off, end);
                    throw configError(what, -code, ext);
                } else if (type == NFQ_TYPE_PACKET) {
                    // Arrived before the configuration was confirmed: have the kernel run the hook again.
                    if (NfqMessages.parsePacket(slots, off, end, packet)) {
                        repeatNow(packet.id);
                    }
                }
                off += align4(mlen);
            }
        }
    }

    private void repeatNow(int id) {
        long len = NfqMessages.writeVerdict(controlBuffer, 0, queueNumber, id, NF_REPEAT, false, 0, false, 0, null, 0, -1);
        LibC.send(errnoState, fd, controlBuffer, len, 0);
        stats.increment(NfQueueStats.REPEATED_DURING_SETUP);
    }

    private NfQueueException configError(String what, int errno, String extAck) {
        String why = switch (errno) {
            case EPERM -> "queue " + queueNumber + " is bound by another netlink socket (another process or queue "
                    + "object), or this process lacks CAP_NET_ADMIN in that network namespace";
            case EBUSY -> "queue " + queueNumber + " is already bound by this socket";
            case EOPNOTSUPP, ENOTSUPP -> "the kernel does not support a requested option (flags 0x"
                    + Integer.toHexString(config.flags()) + "; supported here: 0x"
                    + Integer.toHexString(supportedConfigFlags())
                    + (config.conntrack() && !isConntrackSupported()
                            ? "; conntrack info needs a kernel built with CONFIG_NETFILTER_NETLINK_GLUE_CT" : "")
                    + ")";
            case ENODEV -> "queue " + queueNumber + " does not exist";
            case EINVAL -> "the kernel rejected the request as invalid";
            default -> null;
        };
        StringBuilder sb = new StringBuilder("queue ").append(queueNumber).append(": ").append(what)
                .append(" refused: ").append(LibC.describeErrno(errno));
        if (why != null) {
            sb.append(": ").append(why);
        }
        if (extAck != null && !extAck.isEmpty()) {
            sb.append(" (kernel says: ").append(extAck).append(')');
        }
        return new NfQueueException(sb.toString(), errno);
    }

    // ---------------------------------------------------------------------------------------------- receive

    /**
     * Receives one batch and handles it: waits up to {@code timeoutMillis} (-1: no limit) for the first
     * datagram, then takes what is already there, up to the batch size. Buffered verdicts are sent before
     * waiting and after handling.
     *
     * @return packets handled; 0 on timeout or when {@link #stop()} woke the queue
     */
    public int receive(PacketHandler handler, int timeoutMillis) {
        checkOwner();
        sendPendingVerdicts();
        int n;
        while (true) {
            if (stopRequested) {
                return 0;
            }
            setReceiveTimeout(timeoutMillis);
            // Blocks for the first datagram (up to SO_RCVTIMEO), then takes what is already queued: one system
            // call per wake-up. stop() interrupts the wait with a NOOP message from the waker socket.
            n = LibC.recvmmsg(errnoState, fd, vec, batchSize, MSG_WAITFORONE, MemorySegment.NULL);
            if (n >= 0) {
                break;
            }
            int err = LibC.errno(errnoState);
            if (err == EAGAIN) {
                return 0; // timed out
            } else if (err == ENOBUFS) {
                // The socket buffer overflowed and the kernel dropped messages: count, and never coalesce
                // across the gap (a lost message may be a packet that is still queued).
                stats.increment(NfQueueStats.ENOBUFS);
                sink.breakStream();
            } else if (err != EINTR) {
                throw fail("recvmmsg", err);
            }
        }
        stats.increment(NfQueueStats.RECV_CALLS);
        stats.add(NfQueueStats.DATAGRAMS, n);
        int handled = 0;
        for (int i = 0; i < n; i++) {
            long mo = i * MMSGHDR.byteSize();
            int len = (int) MMSG_LEN.get(vec, mo);
            int flags = (int) MMSG_FLAGS.get(vec, mo);
            if ((flags & MSG_TRUNC) != 0) {
                stats.increment(NfQueueStats.TRUNCATED);
            }
            long base = (long) i * slotSize;
            handled += handleDatagram(handler, base, base + Math.min(len, slotSize));
        }
        sendPendingVerdicts();
        return handled;
    }

    /** Like {@link #receive(PacketHandler, int)} without a time limit. */
    public int receive(PacketHandler handler) {
        return receive(handler, -1);
    }

    /** Handles batches until {@link #stop()} is called (from the handler or any other thread). */
    public void run(PacketHandler handler) {
        checkOwner();
        while (!stopRequested) {
            receive(handler, -1);
        }
    }

    private int handleDatagram(PacketHandler handler, long off, long end) {
        int handled = 0;
        while (off + NLMSG_HDRLEN <= end) {
            int mlen = NfqMessages.messageLength(slots, off);
            if (mlen < NLMSG_HDRLEN) {
                stats.increment(NfQueueStats.MALFORMED);
                break;
            }
            int type = NfqMessages.messageType(slots, off);
            if (type == NFQ_TYPE_PACKET) {
                if (NfqMessages.parsePacket(slots, off, end, packet)) {
                    dispatch(handler);
                    handled++;
                } else {
                    stats.increment(NfQueueStats.MALFORMED);
                }
            } else if (type == NLMSG_ERROR) {
                if (off + NLMSG_HDRLEN + 4 + NLMSG_HDRLEN <= end) {
                    int code = NfqMessages.errorCode(slots, off);
                    if (code != 0) {
                        stats.increment(NfQueueStats.VERDICT_ERRORS);
                        stats.set(NfQueueStats.LAST_VERDICT_ERRNO, -code);
                        stats.set(NfQueueStats.LAST_VERDICT_ERROR_ID, NfqMessages.errorRequestSeq(slots, off));
                    }
                }
            }
            // NLMSG_NOOP / DONE / OVERRUN carry nothing for a queue user.
            off += align4(mlen);
        }
        return handled;
    }

    private void dispatch(PacketHandler handler) {
        NfPacket p = packet;
        stats.increment(NfQueueStats.PACKETS);
        if (p.payloadLength > 0) {
            stats.add(NfQueueStats.PAYLOAD_BYTES, p.payloadLength);
        }
        if (p.isGso()) {
            stats.increment(NfQueueStats.GSO_PACKETS);
        }
        if (p.truncated) {
            stats.increment(NfQueueStats.TRUNCATED);
        }
        sink.beginPacket(p.id);
        try {
            handler.onPacket(p, sink);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            stats.increment(NfQueueStats.HANDLER_ERRORS);
            lastHandlerError = t;
            if (!sink.currentDecided()) {
                sink.verdict(p.id, errorVerdictCode, 0, 0, 0, null, 0, -1);
            }
        }
        sink.endPacket();
    }

    /** SO_RCVTIMEO for the blocking receive, changed only when the caller's timeout changes. */
    private void setReceiveTimeout(int timeoutMillis) {
        int t = Math.max(timeoutMillis, 0); // 0 = wait forever
        if (t == receiveTimeoutMillis) {
            return;
        }
        receiveTimeout.set(ValueLayout.JAVA_LONG, 0, t / 1000);
        receiveTimeout.set(ValueLayout.JAVA_LONG, 8, (t % 1000) * 1000L);
        if (LibC.setsockopt(errnoState, fd, SOL_SOCKET, SO_RCVTIMEO, receiveTimeout, 16) != 0) {
            throw fail("setsockopt(SO_RCVTIMEO)", LibC.errno(errnoState));
        }
        receiveTimeoutMillis = t;
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("queue " + queueNumber + " belongs to thread '" + owner.getName()
                    + "'; it cannot be used from '" + Thread.currentThread().getName() + "'");
        }
        if (closed) {
            throw new IllegalStateException("queue " + queueNumber + " is closed");
        }
    }

    private void sendPendingVerdicts() {
        long len = sink.prepareSend();
        if (len > 0) {
            sink.sent();
            sendVerdicts(sink.buffer(), len);
        }
    }

    private void sendVerdicts(MemorySegment buf, long len) {
        stats.increment(NfQueueStats.SEND_CALLS);
        if (LibC.sendNoErrno(fd, buf, len, 0) >= 0) {
            return;
        }
        // Rare failure path: repeat through the errno-capturing binding to learn why (see LibC.SEND_NO_ERRNO).
        for (int attempt = 0; ; attempt++) {
            long r = LibC.send(errnoState, fd, buf, len, 0);
            stats.increment(NfQueueStats.SEND_CALLS);
            if (r >= 0) {
                return;
            }
            int err = LibC.errno(errnoState);
            if (err == EINTR) {
                continue;
            }
            if ((err == ENOBUFS || err == EAGAIN || err == ENOMEM) && attempt < 3) {
                Thread.onSpinWait();
                continue;
            }
            stats.increment(NfQueueStats.SEND_ERRORS);
            if (err == EBADF || err == EMSGSIZE || err == EINVAL) {
                throw fail("send of verdicts", err); // a bug in the shim, not an overload
            }
            return; // transient: the packets stay queued; the kernel's fail-open/queue limits take over
        }
    }

    // ------------------------------------------------------------------------------------------ any thread

    /** Wakes a queue blocked in {@link #receive} and makes {@link #run} return. Any thread; idempotent. */
    public void stop() {
        stopRequested = true;
        synchronized (fdLock) {
            if (closed) {
                return; // the waker fd number may already belong to someone else
            }
            LibC.sendto(deferredErrnoState, wakerFd, wakeMessage, NLMSG_HDRLEN, MSG_DONTWAIT, wakeAddress,
                    (int) SOCKADDR_NL.byteSize());
        }
    }

    /** Whether {@link #stop()} was called. */
    public boolean isStopRequested() {
        return stopRequested;
    }

    /**
     * Gives the verdict for a packet that its handler left without one (see {@link VerdictSink}), from any
     * thread. Sent immediately with its own small buffer; use sparingly, it is one system call per packet.
     *
     * @param mark packet mark to set, used only when {@code withMark}
     */
    public void completeDeferred(int packetId, Verdict verdict, boolean withMark, int mark) {
        completeDeferred(packetId, verdict.code(), withMark, mark, null, 0, -1);
    }

    /**
     * {@link #completeDeferred(int, Verdict, boolean, int)} with any verdict code and, when {@code payload} is not
     * null, the packet replaced by {@code payloadLength} bytes of it (copied before this returns; checksums must be
     * right, as for {@link VerdictSink#verdictModified}).
     */
    public void completeDeferred(int packetId, int verdictCode, boolean withMark, int mark, MemorySegment payload,
                                 long payloadOffset, int payloadLength) {
        if (payload != null && (payloadLength < 0 || payloadLength > NFQNL_MAX_COPY_RANGE)) {
            throw new IllegalArgumentException("payload of " + payloadLength + " bytes");
        }
        synchronized (fdLock) {
            if (closed) {
                throw new IllegalStateException("queue " + queueNumber + " is closed");
            }
            long len = NfqMessages.writeVerdict(deferredBuffer, 0, queueNumber, packetId, verdictCode,
                    withMark, mark, false, 0, payload, payloadOffset, payload == null ? -1 : payloadLength);
            long r;
            do {
                r = LibC.send(deferredErrnoState, fd, deferredBuffer, len, 0);
            } while (r < 0 && LibC.errno(deferredErrnoState) == EINTR);
            if (r < 0) {
                int err = LibC.errno(deferredErrnoState);
                throw new NfQueueException("queue " + queueNumber + ": deferred verdict for packet "
                        + Integer.toUnsignedString(packetId) + " failed: " + LibC.describeErrno(err), err);
            }
        }
        VerdictBatcher.decrementDeferred(sink.deferred);
    }

    /** Counters of this queue; readable from any thread. */
    public NfQueueStats stats() {
        return stats;
    }

    /** The queue's verdict sink, for deferred verdicts given later on the owner thread. */
    public VerdictSink verdicts() {
        checkOwner();
        return sink;
    }

    /** Packets currently left without verdict by their handlers. */
    public int deferredCount() {
        return sink.deferredCount();
    }

    /** The last exception a handler threw, or {@code null}. */
    public Throwable lastHandlerError() {
        return lastHandlerError;
    }

    public int queueNumber() {
        return queueNumber;
    }

    /** Netlink port id of this queue's socket (the {@code portid} column of the kernel's queue list). */
    public int portId() {
        return portId;
    }

    public NfQueueConfig config() {
        return config;
    }

    /**
     * This queue's line of {@code /proc/net/netfilter/nfnetlink_queue}, read in the queue's network namespace:
     * kernel-side drops (queue full, socket full) and the id sequence. Any thread; allocates.
     */
    public Optional<KernelQueueStats> kernelStats() {
        try {
            String text = config.networkNamespace() == null
                    ? readProcQueueFile()
                    : NetworkNamespace.call(config.networkNamespace(), NfQueue::readProcQueueFile);
            for (KernelQueueStats s : KernelQueueStats.parse(text)) {
                if (s.queueNumber() == queueNumber && s.portId() == Integer.toUnsignedLong(portId)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            throw new NfQueueException("queue " + queueNumber + ": cannot read kernel queue statistics: " + e.getMessage(), 0, e);
        }
    }

    private static String readProcQueueFile() throws IOException {
        // thread-self: /proc/net follows the thread group leader's namespace, not this thread's.
        return Files.readString(Path.of("/proc/thread-self/net/netfilter/nfnetlink_queue"));
    }

    // ------------------------------------------------------------------------------------------------ close

    /**
     * Sends buffered verdicts, unbinds the queue and closes the socket. Packets still waiting for a verdict are
     * dropped by the kernel when the queue goes away. Must run on the owner thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("queue " + queueNumber + " must be closed by its thread '" + owner.getName() + "'");
        }
        try {
            sink.flush();
        } catch (RuntimeException e) {
            // closing anyway
        }
        try {
            // Best effort, no ACK wanted: closing the socket would destroy the instance as well.
            long len = NfqMessages.writeConfigCommand(slots, 0, nextSeq(), queueNumber, NFQNL_CFG_CMD_UNBIND, AF_UNSPEC);
            NLMSG_FLAGS.set(slots, 0L, (short) NLM_F_REQUEST);
            LibC.send(errnoState, fd, slots, len, 0);
        } finally {
            closeResources();
        }
    }

    private void closeResources() {
        synchronized (fdLock) {
            closed = true;
            stopRequested = true;
            LibC.close(errnoState, fd);
            LibC.close(errnoState, wakerFd);
        }
        arena.close();
        sharedArena.close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "NfQueue[%d, portid %d%s]", queueNumber, Integer.toUnsignedLong(portId),
                closed ? ", closed" : "");
    }

}

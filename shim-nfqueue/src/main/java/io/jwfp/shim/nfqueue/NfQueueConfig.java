package io.jwfp.shim.nfqueue;

import io.jwfp.shim.nfqueue.natives.Constants;
import java.nio.file.Path;

/**
 * How to open a queue. Build with {@link #builder(int)}; every setting has a default fit for a firewall on a
 * busy host (GSO on, full packets, large socket buffer, batching).
 *
 * @param queueNumber        queue number 0..65535 (matches {@code -j NFQUEUE --queue-num})
 * @param copyMode           {@link CopyMode#PACKET} (payload up to {@code copyRange}) or {@link CopyMode#META}
 * @param copyRange          payload bytes to copy, 1..65531 (the kernel's maximum)
 * @param maxQueueLength     packets the kernel may hold waiting for verdicts, or -1 for the kernel default (1024)
 * @param failOpen           NFQA_CFG_F_FAIL_OPEN: accept instead of drop when the queue is full
 * @param gso                NFQA_CFG_F_GSO: receive GSO super-packets unsegmented (essential for throughput)
 * @param conntrack          NFQA_CFG_F_CONNTRACK: attach conntrack entry and ctinfo (the namespace must track
 *                           connections, e.g. have a {@code -m conntrack} rule loaded)
 * @param uidGid             NFQA_CFG_F_UID_GID: attach the owning socket's uid/gid when known
 * @param receiveBufferBytes SO_RCVBUF(FORCE) for the netlink socket
 * @param noEnobufs          set NETLINK_NO_ENOBUFS: overruns are then silent (only the kernel's user_dropped
 *                           counter shows them) instead of reported as ENOBUFS
 * @param batchSize          datagrams fetched per {@code recvmmsg}
 * @param coalesceVerdicts   send runs of equal verdicts as NFQNL_MSG_VERDICT_BATCH
 * @param handlerErrorVerdict verdict for a packet whose handler threw without deciding it
 * @param networkNamespace   nsfs path of the namespace to open the queue in, or null for the caller's own
 * @param legacyPfRebind     send the PF_UNBIND/PF_BIND pair for AF_INET and AF_INET6 first (needed only by
 *                           kernels older than 3.8, harmless no-ops later)
 */
public record NfQueueConfig(int queueNumber, CopyMode copyMode, int copyRange, int maxQueueLength,
        boolean failOpen, boolean gso, boolean conntrack, boolean uidGid, int receiveBufferBytes,
        boolean noEnobufs, int batchSize, boolean coalesceVerdicts, Verdict handlerErrorVerdict,
        Path networkNamespace, boolean legacyPfRebind) {

    /** What the kernel copies to user space per packet. */
    public enum CopyMode {
        /** Metadata only (no payload). */
        META(Constants.NFQNL_COPY_META),
        /** Metadata and the first {@code copyRange} bytes of the packet. */
        PACKET(Constants.NFQNL_COPY_PACKET);

        final int code;

        CopyMode(int code) {
            this.code = code;
        }
    }

    public NfQueueConfig {
        if (queueNumber < 0 || queueNumber > 0xffff) {
            throw new IllegalArgumentException("queue number must be 0..65535, got " + queueNumber);
        }
        if (copyMode == null) {
            throw new IllegalArgumentException("copy mode must be set");
        }
        if (copyRange < 1 || copyRange > Constants.NFQNL_MAX_COPY_RANGE) {
            throw new IllegalArgumentException("copy range must be 1.." + Constants.NFQNL_MAX_COPY_RANGE + ", got " + copyRange);
        }
        if (maxQueueLength < -1 || maxQueueLength == 0) {
            throw new IllegalArgumentException("max queue length must be positive (or -1 for the kernel default), got " + maxQueueLength);
        }
        if (receiveBufferBytes < 65536) {
            throw new IllegalArgumentException("receive buffer must be at least 64 KiB, got " + receiveBufferBytes);
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batch size must be 1..1024, got " + batchSize);
        }
        if (handlerErrorVerdict == null) {
            throw new IllegalArgumentException("handler error verdict must be set");
        }
    }

    /** NFQA_CFG_FLAGS value for this configuration. */
    int flags() {
        return (failOpen ? Constants.NFQA_CFG_F_FAIL_OPEN : 0)
                | (gso ? Constants.NFQA_CFG_F_GSO : 0)
                | (conntrack ? Constants.NFQA_CFG_F_CONNTRACK : 0)
                | (uidGid ? Constants.NFQA_CFG_F_UID_GID : 0);
    }

    /** NFQA_CFG_MASK: the shim always states every flag it knows, so leftovers from an earlier user are cleared. */
    static int flagMask() {
        return Constants.NFQA_CFG_F_FAIL_OPEN | Constants.NFQA_CFG_F_GSO | Constants.NFQA_CFG_F_CONNTRACK
                | Constants.NFQA_CFG_F_UID_GID;
    }

    /** Bytes of one receive slot: one netlink datagram, i.e. the payload plus generous room for attributes. */
    int slotSize() {
        int payload = copyMode == CopyMode.PACKET ? copyRange : 0;
        return ((payload + 4096 + 4095) / 4096) * 4096;
    }

    /** This configuration with another queue number (for {@link NfQueueGroup}). */
    public NfQueueConfig withQueueNumber(int number) {
        return new NfQueueConfig(number, copyMode, copyRange, maxQueueLength, failOpen, gso, conntrack, uidGid,
                receiveBufferBytes, noEnobufs, batchSize, coalesceVerdicts, handlerErrorVerdict, networkNamespace,
                legacyPfRebind);
    }

    public static Builder builder(int queueNumber) {
        return new Builder(queueNumber);
    }

    /** Mutable builder with the defaults documented on the record. */
    public static final class Builder {
        private int queueNumber;
        private CopyMode copyMode = CopyMode.PACKET;
        private int copyRange = Constants.NFQNL_MAX_COPY_RANGE;
        private int maxQueueLength = 4096;
        private boolean failOpen;
        private boolean gso = true;
        private boolean conntrack;
        private boolean uidGid;
        private int receiveBufferBytes = 8 << 20;
        private boolean noEnobufs;
        private int batchSize = 32;
        private boolean coalesceVerdicts = true;
        private Verdict handlerErrorVerdict = Verdict.DROP;
        private Path networkNamespace;
        private boolean legacyPfRebind;

        private Builder(int queueNumber) {
            this.queueNumber = queueNumber;
        }

        public Builder queueNumber(int v) { this.queueNumber = v; return this; }
        public Builder copyMode(CopyMode v) { this.copyMode = v; return this; }
        public Builder copyRange(int v) { this.copyRange = v; return this; }
        public Builder maxQueueLength(int v) { this.maxQueueLength = v; return this; }
        public Builder failOpen(boolean v) { this.failOpen = v; return this; }
        public Builder gso(boolean v) { this.gso = v; return this; }
        public Builder conntrack(boolean v) { this.conntrack = v; return this; }
        public Builder uidGid(boolean v) { this.uidGid = v; return this; }
        public Builder receiveBufferBytes(int v) { this.receiveBufferBytes = v; return this; }
        public Builder noEnobufs(boolean v) { this.noEnobufs = v; return this; }
        public Builder batchSize(int v) { this.batchSize = v; return this; }
        public Builder coalesceVerdicts(boolean v) { this.coalesceVerdicts = v; return this; }
        public Builder handlerErrorVerdict(Verdict v) { this.handlerErrorVerdict = v; return this; }
        public Builder networkNamespace(Path v) { this.networkNamespace = v; return this; }
        public Builder legacyPfRebind(boolean v) { this.legacyPfRebind = v; return this; }

        public NfQueueConfig build() {
            return new NfQueueConfig(queueNumber, copyMode, copyRange, maxQueueLength, failOpen, gso, conntrack,
                    uidGid, receiveBufferBytes, noEnobufs, batchSize, coalesceVerdicts, handlerErrorVerdict,
                    networkNamespace, legacyPfRebind);
        }
    }
}

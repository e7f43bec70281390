package io.jwfp.shim.nfqueue;

/**
 * Conntrack entry attached to a queued packet ({@code NFQA_CT}, present when the queue was opened with
 * {@link NfQueueConfig#conntrack()} and the packet's namespace tracks connections). Mutable and refilled per
 * packet, like {@link NfPacket}.
 *
 * <p>Status bits are the kernel's {@code enum ip_conntrack_status} ({@link #IPS_SEEN_REPLY}, {@link #IPS_ASSURED},
 * {@link #IPS_CONFIRMED}...).
 */
public final class Conntrack {
    public static final int IPS_EXPECTED = 1;
    public static final int IPS_SEEN_REPLY = 1 << 1;
    public static final int IPS_ASSURED = 1 << 2;
    public static final int IPS_CONFIRMED = 1 << 3;
    public static final int IPS_SRC_NAT = 1 << 4;
    public static final int IPS_DST_NAT = 1 << 5;
    public static final int IPS_DYING = 1 << 9;

    final CtTuple original = new CtTuple();
    final CtTuple reply = new CtTuple();
    long id = -1;
    long status = -1;
    long mark = -1;
    long timeout = -1;
    int zone = -1;

    void reset() {
        original.reset();
        reply.reset();
        id = status = mark = timeout = -1;
        zone = -1;
    }

    /** {@code CTA_ID} as an unsigned 32-bit value, or -1 when absent. */
    public long id() {
        return id;
    }

    /** {@code CTA_STATUS} bits (unsigned 32-bit), or -1 when absent. */
    public long status() {
        return status;
    }

    /** Connection mark ({@code CTA_MARK}, only sent by the kernel when non-zero), or -1 when absent. */
    public long mark() {
        return mark;
    }

    /** Seconds until the entry expires ({@code CTA_TIMEOUT}), or -1 when absent. */
    public long timeout() {
        return timeout;
    }

    /** Conntrack zone ({@code CTA_ZONE}), or -1 when absent. */
    public int zone() {
        return zone;
    }

    /** Direction the connection was first seen in. */
    public CtTuple original() {
        return original;
    }

    /** Expected reply direction. */
    public CtTuple reply() {
        return reply;
    }

    @Override
    public String toString() {
        return "Conntrack[id=" + id + ", status=0x" + Long.toHexString(status) + ", mark=" + mark
                + ", orig=" + original + ", reply=" + reply + "]";
    }
}

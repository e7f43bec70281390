package io.jwfp.shim.nfqueue;

import io.jwfp.shim.nfqueue.natives.Constants;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One queued packet, as a reusable record: the receive loop refills the same instance for every packet so that
 * nothing is allocated per packet. Everything it exposes, including the payload memory, is valid only until the
 * handler returns (more exactly: until the next receive on the same queue). Copy what must outlive that.
 *
 * <p>The payload is addressed as ({@link #buffer()}, {@link #payloadOffset()}, {@link #payloadLength()}) inside
 * the queue's receive buffer; reading it through those, or through {@link #payloadByte}/{@link #payloadInt},
 * allocates nothing. {@link #payload()} returns a slice for convenience, which costs one small object. The
 * buffer is writable: a handler may patch the payload in place and return it with
 * {@link VerdictSink#verdictModified}.
 *
 * <p>Optional attributes are reported with a {@code has...} method or a -1 sentinel, never with boxing.
 */
public final class NfPacket {
    // Values of enum ip_conntrack_info, see ctInfo().
    public static final int CT_ESTABLISHED = Constants.IP_CT_ESTABLISHED;
    public static final int CT_RELATED = Constants.IP_CT_RELATED;
    public static final int CT_NEW = Constants.IP_CT_NEW;
    public static final int CT_ESTABLISHED_REPLY = Constants.IP_CT_ESTABLISHED_REPLY;
    public static final int CT_RELATED_REPLY = Constants.IP_CT_RELATED_REPLY;

    MemorySegment buffer = MemorySegment.NULL;
    int queueNumber;
    int family;
    int id;
    int hwProtocol;
    int hook;
    boolean hasMark;
    int mark;
    int inIfindex;
    int outIfindex;
    int physInIfindex;
    int physOutIfindex;
    boolean hasTimestamp;
    long timestampSec;
    long timestampUsec;
    int hwAddrLength;
    long hwAddrOffset;
    long payloadOffset;
    int payloadLength = -1;
    int capLen = -1;
    int skbInfo;
    boolean hasUid;
    int uid;
    boolean hasGid;
    int gid;
    int ctInfo = -1;
    boolean hasConntrack;
    final Conntrack conntrack = new Conntrack();
    int priority = -1;
    int vlanProto = -1;
    int vlanTci = -1;
    long l2HeaderOffset;
    int l2HeaderLength = -1;
    boolean truncated;

    /** Resets every optional field; called by the parser before filling in a new message. */
    void reset() {
        queueNumber = family = id = hwProtocol = hook = 0;
        hasMark = false;
        mark = 0;
        inIfindex = outIfindex = physInIfindex = physOutIfindex = 0;
        hasTimestamp = false;
        timestampSec = timestampUsec = 0;
        hwAddrLength = 0;
        hwAddrOffset = 0;
        payloadOffset = 0;
        payloadLength = -1;
        capLen = -1;
        skbInfo = 0;
        hasUid = hasGid = false;
        uid = gid = 0;
        ctInfo = -1;
        if (hasConntrack) {
            conntrack.reset();
        }
        hasConntrack = false;
        priority = vlanProto = vlanTci = -1;
        l2HeaderOffset = 0;
        l2HeaderLength = -1;
        truncated = false;
    }

    /** Packet id the verdict must name (unsigned 32-bit in the kernel; compare with {@code ==} only). */
    public int id() {
        return id;
    }

    /** Queue number this packet came from ({@code nfgenmsg.res_id}). */
    public int queueNumber() {
        return queueNumber;
    }

    /** Protocol family of the hook: {@link Constants#AF_INET}, {@link Constants#AF_INET6}, {@link Constants#AF_BRIDGE}... */
    public int family() {
        return family;
    }

    /** Link-layer protocol (EtherType, e.g. 0x0800 for IPv4, 0x86DD for IPv6). */
    public int hwProtocol() {
        return hwProtocol;
    }

    /** Netfilter hook number ({@code NF_INET_LOCAL_OUT} = 3 etc.). */
    public int hook() {
        return hook;
    }

    public boolean hasMark() {
        return hasMark;
    }

    /** Packet mark (skb->mark); 0 when {@link #hasMark()} is false. */
    public int mark() {
        return mark;
    }

    /** Input interface index, 0 when none (e.g. locally generated). */
    public int inIfindex() {
        return inIfindex;
    }

    /** Output interface index, 0 when none (e.g. in PREROUTING/INPUT). */
    public int outIfindex() {
        return outIfindex;
    }

    /** Bridge port the packet came in on, 0 when not bridged. */
    public int physInIfindex() {
        return physInIfindex;
    }

    /** Bridge port the packet will go out on, 0 when not bridged. */
    public int physOutIfindex() {
        return physOutIfindex;
    }

    /** Whether the kernel reported a receive timestamp (it does only when the skb carries one). */
    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    public long timestampSeconds() {
        return timestampSec;
    }

    public long timestampMicros() {
        return timestampUsec;
    }

    /** Length of the source hardware address, 0 when not reported. */
    public int hwAddrLength() {
        return hwAddrLength;
    }

    /** Byte {@code i} of the source hardware address. */
    public byte hwAddrByte(int i) {
        if (i < 0 || i >= hwAddrLength) {
            throw new IndexOutOfBoundsException("hw address byte " + i + " of " + hwAddrLength);
        }
        return buffer.get(ValueLayout.JAVA_BYTE, hwAddrOffset + i);
    }

    /** The queue's receive buffer that {@link #payloadOffset()} points into. */
    public MemorySegment buffer() {
        return buffer;
    }

    public boolean hasPayload() {
        return payloadLength >= 0;
    }

    /** Offset of the first payload byte (the IP header for inet hooks) in {@link #buffer()}. */
    public long payloadOffset() {
        return payloadOffset;
    }

    /** Number of payload bytes delivered, -1 without payload (copy mode META). */
    public int payloadLength() {
        return payloadLength;
    }

    /** A slice of the payload; allocates one segment object, prefer offset/length on hot paths. */
    public MemorySegment payload() {
        return payloadLength < 0 ? MemorySegment.NULL : buffer.asSlice(payloadOffset, payloadLength);
    }

    public byte payloadByte(int index) {
        checkPayloadIndex(index, 1);
        return buffer.get(ValueLayout.JAVA_BYTE, payloadOffset + index);
    }

    /** Unsigned big-endian 16-bit value at {@code index} in the payload. */
    public int payloadUnsignedShort(int index) {
        checkPayloadIndex(index, 2);
        return Short.toUnsignedInt(buffer.get(NfqMessages.BE16_U, payloadOffset + index));
    }

    /** Big-endian 32-bit value at {@code index} in the payload. */
    public int payloadInt(int index) {
        checkPayloadIndex(index, 4);
        return buffer.get(NfqMessages.BE32_U, payloadOffset + index);
    }

    private void checkPayloadIndex(int index, int width) {
        if (index < 0 || index + width > payloadLength) {
            throw new IndexOutOfBoundsException("payload[" + index + ".." + (index + width) + ") of " + payloadLength);
        }
    }

    /** Whether {@code NFQA_CAP_LEN} was sent, i.e. the payload was cut to the copy range. */
    public boolean hasCapLen() {
        return capLen >= 0;
    }

    /** Original packet length when it was cut to the copy range, otherwise -1. */
    public int capLen() {
        return capLen;
    }

    /** Length of the packet in the kernel: {@link #capLen()} when cut, else the payload length. */
    public int originalLength() {
        return capLen >= 0 ? capLen : payloadLength;
    }

    /**
     * True when the payload is not the whole packet: cut to the copy range by the kernel, or cut by a too-small
     * receive slot. Never return a modified payload for such a packet, the tail would be lost.
     */
    public boolean isTruncated() {
        return truncated || capLen >= 0;
    }

    /** Raw {@code NFQA_SKB_INFO} flags, 0 when absent. */
    public int skbInfo() {
        return skbInfo;
    }

    /** A GSO super-packet larger than the MTU (only with {@link NfQueueConfig#gso()}). */
    public boolean isGso() {
        return (skbInfo & Constants.NFQA_SKB_GSO) != 0;
    }

    /** Checksums are left for the NIC to fill in (CHECKSUM_PARTIAL): wrong-looking L4 checksums are fine. */
    public boolean isChecksumNotReady() {
        return (skbInfo & Constants.NFQA_SKB_CSUMNOTREADY) != 0;
    }

    /** The receiving device did not validate the checksum. */
    public boolean isChecksumNotVerified() {
        return (skbInfo & Constants.NFQA_SKB_CSUM_NOTVERIFIED) != 0;
    }

    /** Whether a socket uid was reported (needs {@link NfQueueConfig#uidGid()} and a local socket). */
    public boolean hasUid() {
        return hasUid;
    }

    public int uid() {
        return uid;
    }

    public boolean hasGid() {
        return hasGid;
    }

    public int gid() {
        return gid;
    }

    /** {@code enum ip_conntrack_info} ({@link #CT_NEW}, {@link #CT_ESTABLISHED}...), -1 when absent. */
    public int ctInfo() {
        return ctInfo;
    }

    /** Whether {@link #conntrack()} holds data for this packet. */
    public boolean hasConntrack() {
        return hasConntrack;
    }

    /** The packet's conntrack entry; only meaningful when {@link #hasConntrack()}. */
    public Conntrack conntrack() {
        return conntrack;
    }

    /** skb->priority, -1 when absent. */
    public int priority() {
        return priority;
    }

    public int vlanProto() {
        return vlanProto;
    }

    public int vlanTci() {
        return vlanTci;
    }

    /** Offset of the link-layer header ({@code NFQA_L2HDR}, bridge family only) in {@link #buffer()}. */
    public long l2HeaderOffset() {
        return l2HeaderOffset;
    }

    /** Length of the link-layer header, -1 when absent. */
    public int l2HeaderLength() {
        return l2HeaderLength;
    }

    /** Name of a {@link #ctInfo()} value, for logs. */
    public static String ctInfoName(int ctInfo) {
        return switch (ctInfo) {
            case -1 -> "NONE";
            case Constants.IP_CT_ESTABLISHED -> "ESTABLISHED";
            case Constants.IP_CT_RELATED -> "RELATED";
            case Constants.IP_CT_NEW -> "NEW";
            case Constants.IP_CT_ESTABLISHED_REPLY -> "ESTABLISHED_REPLY";
            case Constants.IP_CT_RELATED_REPLY -> "RELATED_REPLY";
            default -> "CTINFO_" + ctInfo;
        };
    }

    @Override
    public String toString() {
        return "NfPacket[id=" + Integer.toUnsignedString(id) + ", queue=" + queueNumber + ", family=" + family
                + ", hwProto=0x" + Integer.toHexString(hwProtocol) + ", hook=" + hook
                + (hasMark ? ", mark=0x" + Integer.toHexString(mark) : "")
                + ", in=" + inIfindex + ", out=" + outIfindex
                + ", payloadLength=" + payloadLength + (capLen >= 0 ? ", capLen=" + capLen : "")
                + ", skbInfo=0x" + Integer.toHexString(skbInfo)
                + (hasUid ? ", uid=" + Integer.toUnsignedString(uid) : "") + (hasGid ? ", gid=" + Integer.toUnsignedString(gid) : "")
                + ", ctinfo=" + ctInfoName(ctInfo) + (hasConntrack ? ", " + conntrack : "") + "]";
    }
}

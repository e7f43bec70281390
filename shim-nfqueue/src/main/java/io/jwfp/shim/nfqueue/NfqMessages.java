package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;
import static io.jwfp.shim.nfqueue.natives.Structs.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encoding and decoding of nfnetlink_queue messages over plain memory, with no socket involved, so that every
 * byte the shim sends or reads can be unit-tested without privileges.
 *
 * <p>Writers take {@code (segment, offset, ...)} and return the offset just past what they wrote (always
 * 4-aligned); they never allocate. The caller guarantees capacity ({@link #verdictSize} tells how much).
 * The parser only reads inside the bounds it is given: a message cut short by the socket is reported as
 * truncated, never read past.
 */
public final class NfqMessages {
    private NfqMessages() {}

    static final ValueLayout.OfInt BE32_U = BE32_UNALIGNED;
    static final ValueLayout.OfShort BE16_U = BE16_UNALIGNED;

    /** Bytes of nlmsghdr + nfgenmsg that start every nfnetlink message. */
    public static final int NFNL_HEADER = NLMSG_HDRLEN + NFGENMSG_LEN;
    /** Size of a verdict or batch-verdict message without mark, connmark or payload. */
    public static final int PLAIN_VERDICT_SIZE = NFNL_HEADER + NLA_HDRLEN + 8;

    // ------------------------------------------------------------------------------------------------ writers

    /** Writes an nlmsghdr (port id 0: the kernel fills in ours) followed by an nfgenmsg. */
    public static long putNfnlHeader(MemorySegment seg, long off, int totalLen, int type, int flags, int seq,
            int family, int resId) {
        NLMSG_LEN.set(seg, off, totalLen);
        NLMSG_TYPE.set(seg, off, (short) type);
        NLMSG_FLAGS.set(seg, off, (short) flags);
        NLMSG_SEQ.set(seg, off, seq);
        NLMSG_PID.set(seg, off, 0);
        long g = off + NLMSG_HDRLEN;
        NFGEN_FAMILY.set(seg, g, (byte) family);
        NFGEN_VERSION.set(seg, g, (byte) NFNETLINK_V0);
        NFGEN_RES_ID.set(seg, g, (short) resId);
        return g + NFGENMSG_LEN;
    }

    /** Writes an attribute header; the value of {@code valueLen} bytes must follow. Returns the value offset. */
    public static long putAttrHeader(MemorySegment seg, long off, int type, int valueLen) {
        NLA_LEN.set(seg, off, (short) (NLA_HDRLEN + valueLen));
        NLA_TYPE.set(seg, off, (short) type);
        return off + NLA_HDRLEN;
    }

    /** Writes a big-endian u32 attribute (netfilter attributes are network order). */
    public static long putAttrBe32(MemorySegment seg, long off, int type, int value) {
        long v = putAttrHeader(seg, off, type, 4);
        seg.set(BE32, v, value);
        return v + 4;
    }

    /** Zeroes the padding after an attribute or message of {@code len} bytes that starts at {@code start}. */
    private static long pad(MemorySegment seg, long start, long len) {
        long end = start + len;
        long aligned = start + align4(len);
        for (long p = end; p < aligned; p++) {
            seg.set(ValueLayout.JAVA_BYTE, p, (byte) 0);
        }
        return aligned;
    }

    /** NFQNL_MSG_CONFIG carrying only a command ({@code NFQNL_CFG_CMD_BIND}, {@code UNBIND}, {@code PF_*}). */
    public static long writeConfigCommand(MemorySegment seg, long off, int seq, int queueNum, int command, int pf) {
        int total = NFNL_HEADER + NLA_HDRLEN + 4;
        long a = putNfnlHeader(seg, off, total, NFQ_TYPE_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, AF_UNSPEC, queueNum);
        long v = putAttrHeader(seg, a, NFQA_CFG_CMD, 4);
        CONFIG_CMD_COMMAND.set(seg, v, (byte) command);
        CONFIG_CMD_PAD.set(seg, v, (byte) 0);
        CONFIG_CMD_PF.set(seg, v, (short) pf);
        return v + 4;
    }

    /**
     * NFQNL_MSG_CONFIG binding the queue and setting all parameters at once: the kernel validates the flags
     * before it creates the instance, and applies params/maxlen/flags right after the bind, so a single
     * message leaves no window with a half-configured queue. A negative {@code maxLen} leaves the kernel default.
     */
    public static long writeBindAndConfigure(MemorySegment seg, long off, int seq, int queueNum, int copyMode,
            int copyRange, int maxLen, int flags, int flagMask) {
        long start = off;
        long a = putNfnlHeader(seg, off, 0, NFQ_TYPE_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, AF_UNSPEC, queueNum);
        long v = putAttrHeader(seg, a, NFQA_CFG_CMD, 4);
        CONFIG_CMD_COMMAND.set(seg, v, (byte) NFQNL_CFG_CMD_BIND);
        CONFIG_CMD_PAD.set(seg, v, (byte) 0);
        CONFIG_CMD_PF.set(seg, v, (short) AF_UNSPEC);
        a = v + 4;
        v = putAttrHeader(seg, a, NFQA_CFG_PARAMS, 5);
        CONFIG_PARAMS_COPY_RANGE.set(seg, v, copyRange);
        CONFIG_PARAMS_COPY_MODE.set(seg, v, (byte) copyMode);
        a = pad(seg, a, NLA_HDRLEN + 5);
        if (maxLen >= 0) {
            a = putAttrBe32(seg, a, NFQA_CFG_QUEUE_MAXLEN, maxLen);
        }
        if (flagMask != 0) {
            a = putAttrBe32(seg, a, NFQA_CFG_MASK, flagMask);
            a = putAttrBe32(seg, a, NFQA_CFG_FLAGS, flags);
        }
        NLMSG_LEN.set(seg, start, (int) (a - start));
        return a;
    }

    /**
     * NFQNL_MSG_CONFIG with only a flag change and no command. The kernel validates flags before it even looks
     * the queue up, so on a queue nobody bound this answers EOPNOTSUPP for unsupported flags and ENODEV otherwise:
     * a side-effect-free feature probe.
     */
    public static long writeConfigFlags(MemorySegment seg, long off, int seq, int queueNum, int flags, int mask) {
        long start = off;
        long a = putNfnlHeader(seg, off, 0, NFQ_TYPE_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, AF_UNSPEC, queueNum);
        a = putAttrBe32(seg, a, NFQA_CFG_MASK, mask);
        a = putAttrBe32(seg, a, NFQA_CFG_FLAGS, flags);
        NLMSG_LEN.set(seg, start, (int) (a - start));
        return a;
    }

    /** Bytes {@link #writeVerdict} needs for the given options. */
    public static int verdictSize(boolean withMark, boolean withConnmark, int payloadLength) {
        int size = PLAIN_VERDICT_SIZE;
        if (withMark) {
            size += NLA_HDRLEN + 4;
        }
        if (withConnmark) {
            size += NLA_HDRLEN + NLA_HDRLEN + 4;
        }
        if (payloadLength >= 0) {
            size += NLA_HDRLEN + align4(payloadLength);
        }
        return size;
    }

    /**
     * NFQNL_MSG_VERDICT for one packet. The netlink sequence number is set to the packet id so that an
     * NLMSG_ERROR coming back for this message names the packet it was about.
     *
     * @param payloadLength -1 for no payload; otherwise {@code payloadLength} bytes from {@code payloadSrc}
     *                      at {@code payloadSrcOffset} replace the packet
     */
    public static long writeVerdict(MemorySegment seg, long off, int queueNum, int packetId, int verdict,
            boolean withMark, int mark, boolean withConnmark, int connmark,
            MemorySegment payloadSrc, long payloadSrcOffset, int payloadLength) {
        int total = verdictSize(withMark, withConnmark, payloadLength);
        long a = putNfnlHeader(seg, off, total, NFQ_TYPE_VERDICT, NLM_F_REQUEST, packetId, AF_UNSPEC, queueNum);
        long v = putAttrHeader(seg, a, NFQA_VERDICT_HDR, 8);
        VERDICT_HDR_VERDICT.set(seg, v, verdict);
        VERDICT_HDR_ID.set(seg, v, packetId);
        a = v + 8;
        if (withMark) {
            a = putAttrBe32(seg, a, NFQA_MARK, mark);
        }
        if (withConnmark) {
            // NFQA_CT is parsed by ctnetlink's glue code, which only looks at CTA_MARK and CTA_LABELS.
            long inner = putAttrHeader(seg, a, NFQA_CT | NLA_F_NESTED, NLA_HDRLEN + 4);
            a = putAttrBe32(seg, inner, CTA_MARK, connmark);
        }
        if (payloadLength >= 0) {
            long p = putAttrHeader(seg, a, NFQA_PAYLOAD, payloadLength);
            MemorySegment.copy(payloadSrc, payloadSrcOffset, seg, p, payloadLength);
            a = pad(seg, a, NLA_HDRLEN + payloadLength);
        }
        return a;
    }

    /**
     * NFQNL_MSG_VERDICT_BATCH: the kernel applies {@code verdict} (and the mark) to every packet still queued
     * whose id is not after {@code lastId}.
     */
    public static long writeBatchVerdict(MemorySegment seg, long off, int queueNum, int lastId, int verdict,
            boolean withMark, int mark) {
        int total = PLAIN_VERDICT_SIZE + (withMark ? NLA_HDRLEN + 4 : 0);
        long a = putNfnlHeader(seg, off, total, NFQ_TYPE_VERDICT_BATCH, NLM_F_REQUEST, lastId, AF_UNSPEC, queueNum);
        long v = putAttrHeader(seg, a, NFQA_VERDICT_HDR, 8);
        VERDICT_HDR_VERDICT.set(seg, v, verdict);
        VERDICT_HDR_ID.set(seg, v, lastId);
        a = v + 8;
        if (withMark) {
            a = putAttrBe32(seg, a, NFQA_MARK, mark);
        }
        return a;
    }

    // ------------------------------------------------------------------------------------------------ readers

    /** Message length field of the nlmsghdr at {@code off}. */
    public static int messageLength(MemorySegment seg, long off) {
        return (int) NLMSG_LEN.get(seg, off);
    }

    /** Message type (unsigned) of the nlmsghdr at {@code off}. */
    public static int messageType(MemorySegment seg, long off) {
        return Short.toUnsignedInt((short) NLMSG_TYPE.get(seg, off));
    }

    public static int messageSeq(MemorySegment seg, long off) {
        return (int) NLMSG_SEQ.get(seg, off);
    }

    /** For an NLMSG_ERROR message at {@code off}: the (negative or zero) error code. */
    public static int errorCode(MemorySegment seg, long off) {
        return (int) NLMSGERR_ERROR.get(seg, off + NLMSG_HDRLEN);
    }

    /** For an NLMSG_ERROR message: the sequence number of the request it answers. */
    public static int errorRequestSeq(MemorySegment seg, long off) {
        return (int) NLMSGERR_MSG_SEQ.get(seg, off + NLMSG_HDRLEN);
    }

    /** For an NLMSG_ERROR message: the type of the request it answers. */
    public static int errorRequestType(MemorySegment seg, long off) {
        return Short.toUnsignedInt((short) NLMSGERR_MSG_TYPE.get(seg, off + NLMSG_HDRLEN));
    }

    /**
     * The extended-ack text ({@code NLMSGERR_ATTR_MSG}) of an NLMSG_ERROR message, or {@code null}. Allocates a
     * String; only used on the configuration path.
     */
    public static String errorExtAckMessage(MemorySegment seg, long off, long end) {
        int flags = Short.toUnsignedInt((short) NLMSG_FLAGS.get(seg, off));
        if ((flags & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int msgLen = messageLength(seg, off);
        long limit = Math.min(end, off + msgLen);
        // The echoed request is only its header when NLM_F_CAPPED (we set NETLINK_CAP_ACK).
        long a = off + NLMSG_HDRLEN + 4;
        if ((flags & NLM_F_CAPPED) != 0) {
            a += NLMSG_HDRLEN;
        } else {
            a += align4(Math.max(NLMSG_HDRLEN, (int) NLMSGERR_MSG_LEN.get(seg, off + NLMSG_HDRLEN)));
        }
        while (a + NLA_HDRLEN <= limit) {
            int len = Short.toUnsignedInt((short) NLA_LEN.get(seg, a));
            int type = Short.toUnsignedInt((short) NLA_TYPE.get(seg, a)) & NLA_TYPE_MASK;
            if (len < NLA_HDRLEN || a + len > limit) {
                return null;
            }
            if (type == NLMSGERR_ATTR_MSG && len > NLA_HDRLEN) {
                byte[] bytes = seg.asSlice(a + NLA_HDRLEN, len - NLA_HDRLEN).toArray(ValueLayout.JAVA_BYTE);
                int n = 0;
                while (n < bytes.length && bytes[n] != 0) {
                    n++;
                }
                return new String(bytes, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            }
            a += align4(len);
        }
        return null;
    }

    /**
     * Parses the NFQNL_MSG_PACKET message at {@code off} into {@code p}.
     *
     * @param end first byte past the data actually received (a message cut by MSG_TRUNC ends early)
     * @return false if the message is too short to carry a packet header (p is then not usable)
     */
    public static boolean parsePacket(MemorySegment seg, long off, long end, NfPacket p) {
        p.reset();
        p.buffer = seg;
        int msgLen = (int) NLMSG_LEN.get(seg, off);
        long limit = off + msgLen;
        if (limit > end) {
            limit = end;
            p.truncated = true;
        }
        if (off + NFNL_HEADER > limit) {
            return false;
        }
        long g = off + NLMSG_HDRLEN;
        p.family = Byte.toUnsignedInt((byte) NFGEN_FAMILY.get(seg, g));
        p.queueNumber = Short.toUnsignedInt((short) NFGEN_RES_ID.get(seg, g));
        boolean sawHeader = false;
        long a = g + NFGENMSG_LEN;
        while (a + NLA_HDRLEN <= limit) {
            int len = Short.toUnsignedInt((short) NLA_LEN.get(seg, a));
            if (len < NLA_HDRLEN) {
                break; // malformed: the kernel never sends this, stop rather than loop forever
            }
            int type = Short.toUnsignedInt((short) NLA_TYPE.get(seg, a)) & NLA_TYPE_MASK;
            long v = a + NLA_HDRLEN;
            int vlen = len - NLA_HDRLEN;
            boolean complete = a + len <= limit;
            switch (type) {
                case NFQA_PACKET_HDR -> {
                    if (complete && vlen >= 7) {
                        p.id = (int) PACKET_HDR_ID.get(seg, v);
                        p.hwProtocol = Short.toUnsignedInt((short) PACKET_HDR_HW_PROTOCOL.get(seg, v));
                        p.hook = Byte.toUnsignedInt((byte) PACKET_HDR_HOOK.get(seg, v));
                        sawHeader = true;
                    }
                }
                case NFQA_MARK -> {
                    if (complete && vlen >= 4) {
                        p.mark = seg.get(BE32_U, v);
                        p.hasMark = true;
                    }
                }
                case NFQA_TIMESTAMP -> {
                    if (complete && vlen >= 16) {
                        p.timestampSec = (long) TIMESTAMP_SEC.get(seg, v);
                        p.timestampUsec = (long) TIMESTAMP_USEC.get(seg, v);
                        p.hasTimestamp = true;
                    }
                }
                case NFQA_IFINDEX_INDEV -> p.inIfindex = complete && vlen >= 4 ? seg.get(BE32_U, v) : 0;
                case NFQA_IFINDEX_OUTDEV -> p.outIfindex = complete && vlen >= 4 ? seg.get(BE32_U, v) : 0;
                case NFQA_IFINDEX_PHYSINDEV -> p.physInIfindex = complete && vlen >= 4 ? seg.get(BE32_U, v) : 0;
                case NFQA_IFINDEX_PHYSOUTDEV -> p.physOutIfindex = complete && vlen >= 4 ? seg.get(BE32_U, v) : 0;
                case NFQA_HWADDR -> {
                    if (complete && vlen >= 12) {
                        int n = Short.toUnsignedInt((short) PACKET_HW_ADDRLEN.get(seg, v));
                        p.hwAddrLength = Math.min(n, 8);
                        p.hwAddrOffset = v + PACKET_HW_ADDR_OFFSET;
                    }
                }
                case NFQA_PAYLOAD -> {
                    p.payloadOffset = v;
                    if (complete) {
                        p.payloadLength = vlen;
                    } else {
                        p.payloadLength = (int) Math.max(0, limit - v);
                        p.truncated = true;
                    }
                }
                case NFQA_CT -> {
                    if (complete) {
                        parseConntrack(seg, v, a + len, p.conntrack);
                        p.hasConntrack = true;
                    }
                }
                case NFQA_CT_INFO -> p.ctInfo = complete && vlen >= 4 ? seg.get(BE32_U, v) : -1;
                case NFQA_CAP_LEN -> p.capLen = complete && vlen >= 4 ? seg.get(BE32_U, v) : -1;
                case NFQA_SKB_INFO -> p.skbInfo = complete && vlen >= 4 ? seg.get(BE32_U, v) : 0;
                case NFQA_UID -> {
                    if (complete && vlen >= 4) {
                        p.uid = seg.get(BE32_U, v);
                        p.hasUid = true;
                    }
                }
                case NFQA_GID -> {
                    if (complete && vlen >= 4) {
                        p.gid = seg.get(BE32_U, v);
                        p.hasGid = true;
                    }
                }
                case NFQA_PRIORITY -> p.priority = complete && vlen >= 4 ? seg.get(BE32_U, v) : -1;
                case NFQA_VLAN -> {
                    if (complete) {
                        parseVlan(seg, v, a + len, p);
                    }
                }
                case NFQA_L2HDR -> {
                    if (complete) {
                        p.l2HeaderOffset = v;
                        p.l2HeaderLength = vlen;
                    }
                }
                default -> {
                    // NFQA_SECCTX, NFQA_EXP and future attributes: not needed, skipped.
                }
            }
            a += align4(len);
        }
        return sawHeader;
    }

    private static void parseVlan(MemorySegment seg, long a, long end, NfPacket p) {
        while (a + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt((short) NLA_LEN.get(seg, a));
            if (len < NLA_HDRLEN || a + len > end) {
                return;
            }
            int type = Short.toUnsignedInt((short) NLA_TYPE.get(seg, a)) & NLA_TYPE_MASK;
            if (len >= NLA_HDRLEN + 2) {
                int value = Short.toUnsignedInt(seg.get(BE16_U, a + NLA_HDRLEN));
                if (type == NFQA_VLAN_PROTO) {
                    p.vlanProto = value;
                } else if (type == NFQA_VLAN_TCI) {
                    p.vlanTci = value;
                }
            }
            a += align4(len);
        }
    }

    /**
     * Parses a ctnetlink message at {@code off} (a conntrack event such as IPCTNL_MSG_CT_DELETE: nfgenmsg, then the
     * same CTA_* attributes NFQA_CT nests) into {@code ct}, which is reset first.
     *
     * @return false when the bytes are not a complete ctnetlink message
     */
    public static boolean parseConntrackEvent(MemorySegment seg, long off, long end, Conntrack ct) {
        if (off + NFNL_HEADER > end) return false;
        int len = messageLength(seg, off);
        if (len < NFNL_HEADER || off + len > end || (messageType(seg, off) >> 8) != NFNL_SUBSYS_CTNETLINK) return false;
        ct.reset();
        parseConntrack(seg, off + NFNL_HEADER, off + len, ct);
        return true;
    }

    /** Parses the attributes nested in NFQA_CT ({@code ctnetlink_glue_build} output). */
    static void parseConntrack(MemorySegment seg, long a, long end, Conntrack ct) {
        while (a + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt((short) NLA_LEN.get(seg, a));
            if (len < NLA_HDRLEN || a + len > end) {
                return;
            }
            int type = Short.toUnsignedInt((short) NLA_TYPE.get(seg, a)) & NLA_TYPE_MASK;
            long v = a + NLA_HDRLEN;
            int vlen = len - NLA_HDRLEN;
            switch (type) {
                case CTA_TUPLE_ORIG -> parseTuple(seg, v, a + len, ct.original);
                case CTA_TUPLE_REPLY -> parseTuple(seg, v, a + len, ct.reply);
                case CTA_STATUS -> ct.status = vlen >= 4 ? Integer.toUnsignedLong(seg.get(BE32_U, v)) : -1;
                case CTA_ID -> ct.id = vlen >= 4 ? Integer.toUnsignedLong(seg.get(BE32_U, v)) : -1;
                case CTA_MARK -> ct.mark = vlen >= 4 ? Integer.toUnsignedLong(seg.get(BE32_U, v)) : -1;
                case CTA_TIMEOUT -> ct.timeout = vlen >= 4 ? Integer.toUnsignedLong(seg.get(BE32_U, v)) : -1;
                case CTA_ZONE -> ct.zone = vlen >= 2 ? Short.toUnsignedInt(seg.get(BE16_U, v)) : -1;
                default -> {
                    // CTA_PROTOINFO, CTA_HELP, CTA_USE, labels...: not part of the shim's model.
                }
            }
            a += align4(len);
        }
    }

    private static void parseTuple(MemorySegment seg, long a, long end, CtTuple t) {
        while (a + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt((short) NLA_LEN.get(seg, a));
            if (len < NLA_HDRLEN || a + len > end) {
                return;
            }
            int type = Short.toUnsignedInt((short) NLA_TYPE.get(seg, a)) & NLA_TYPE_MASK;
            if (type == CTA_TUPLE_IP) {
                parseTupleIp(seg, a + NLA_HDRLEN, a + len, t);
            } else if (type == CTA_TUPLE_PROTO) {
                parseTupleProto(seg, a + NLA_HDRLEN, a + len, t);
            }
            a += align4(len);
        }
    }

    private static void parseTupleIp(MemorySegment seg, long a, long end, CtTuple t) {
        while (a + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt((short) NLA_LEN.get(seg, a));
            if (len < NLA_HDRLEN || a + len > end) {
                return;
            }
            int type = Short.toUnsignedInt((short) NLA_TYPE.get(seg, a)) & NLA_TYPE_MASK;
            long v = a + NLA_HDRLEN;
            int vlen = len - NLA_HDRLEN;
            switch (type) {
                case CTA_IP_V4_SRC -> {
                    if (vlen >= 4) {
                        t.family = AF_INET;
                        t.v4Src = seg.get(BE32_U, v);
                    }
                }
                case CTA_IP_V4_DST -> {
                    if (vlen >= 4) {
                        t.family = AF_INET;
                        t.v4Dst = seg.get(BE32_U, v);
                    }
                }
                case CTA_IP_V6_SRC -> {
                    if (vlen >= 16) {
                        t.family = AF_INET6;
                        t.v6SrcHi = seg.get(BE64_UNALIGNED, v);
                        t.v6SrcLo = seg.get(BE64_UNALIGNED, v + 8);
                    }
                }
                case CTA_IP_V6_DST -> {
                    if (vlen >= 16) {
                        t.family = AF_INET6;
                        t.v6DstHi = seg.get(BE64_UNALIGNED, v);
                        t.v6DstLo = seg.get(BE64_UNALIGNED, v + 8);
                    }
                }
                default -> {
                }
            }
            a += align4(len);
        }
    }

    private static void parseTupleProto(MemorySegment seg, long a, long end, CtTuple t) {
        while (a + NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt((short) NLA_LEN.get(seg, a));
            if (len < NLA_HDRLEN || a + len > end) {
                return;
            }
            int type = Short.toUnsignedInt((short) NLA_TYPE.get(seg, a)) & NLA_TYPE_MASK;
            long v = a + NLA_HDRLEN;
            int vlen = len - NLA_HDRLEN;
            switch (type) {
                case CTA_PROTO_NUM -> t.protocol = vlen >= 1 ? Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, v)) : -1;
                case CTA_PROTO_SRC_PORT -> t.srcPort = vlen >= 2 ? Short.toUnsignedInt(seg.get(BE16_U, v)) : -1;
                case CTA_PROTO_DST_PORT -> t.dstPort = vlen >= 2 ? Short.toUnsignedInt(seg.get(BE16_U, v)) : -1;
                case CTA_PROTO_ICMP_ID, CTA_PROTO_ICMPV6_ID ->
                        t.icmpId = vlen >= 2 ? Short.toUnsignedInt(seg.get(BE16_U, v)) : -1;
                case CTA_PROTO_ICMP_TYPE, CTA_PROTO_ICMPV6_TYPE ->
                        t.icmpType = vlen >= 1 ? Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, v)) : -1;
                case CTA_PROTO_ICMP_CODE, CTA_PROTO_ICMPV6_CODE ->
                        t.icmpCode = vlen >= 1 ? Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, v)) : -1;
                default -> {
                }
            }
            a += align4(len);
        }
    }
}

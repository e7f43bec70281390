package io.jwfp.shim.nfqueue.natives;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Struct layouts of the kernel ABI this shim speaks, in the shape jextract would generate: one
 * {@link StructLayout} per C struct plus a {@link VarHandle} per field, all static finals so the JIT
 * folds them into plain loads and stores.
 *
 * <p>Every var handle takes {@code (MemorySegment segment, long baseOffset)} coordinates: the base offset is
 * where the struct starts inside the segment (netlink packs many structs into one buffer).
 *
 * <p>Netfilter puts its own payload fields in network byte order ({@code __be16/__be32/__be64}), while the
 * netlink framing ({@code nlmsghdr}, {@code nlattr}) is host order; the layouts below carry that difference so
 * callers never byte-swap by hand.
 */
public final class Structs {
    private Structs() {}

    /** Host-order values whose natural alignment netlink guarantees (4 bytes). */
    public static final ValueLayout.OfInt U32 = JAVA_INT;
    public static final ValueLayout.OfShort U16 = JAVA_SHORT;
    /** Network-order scalars, as used inside netfilter attributes. */
    public static final ValueLayout.OfInt BE32 = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfShort BE16 = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    /** Netlink attributes are only 4-byte aligned, so 64-bit fields inside them need unaligned access. */
    public static final ValueLayout.OfLong BE64_UNALIGNED =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt BE32_UNALIGNED =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfShort BE16_UNALIGNED =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt U32_UNALIGNED = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfShort U16_UNALIGNED = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** {@code struct sockaddr_nl} from linux/netlink.h. */
    public static final StructLayout SOCKADDR_NL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("nl_family"),
            JAVA_SHORT.withName("nl_pad"),
            JAVA_INT.withName("nl_pid"),
            JAVA_INT.withName("nl_groups")).withName("sockaddr_nl");
    public static final VarHandle SOCKADDR_NL_FAMILY = SOCKADDR_NL.varHandle(groupElement("nl_family"));
    public static final VarHandle SOCKADDR_NL_PID = SOCKADDR_NL.varHandle(groupElement("nl_pid"));
    public static final VarHandle SOCKADDR_NL_GROUPS = SOCKADDR_NL.varHandle(groupElement("nl_groups"));

    /** {@code struct nlmsghdr}: every netlink message starts with it, host byte order. */
    public static final StructLayout NLMSGHDR = MemoryLayout.structLayout(
            JAVA_INT.withName("nlmsg_len"),
            JAVA_SHORT.withName("nlmsg_type"),
            JAVA_SHORT.withName("nlmsg_flags"),
            JAVA_INT.withName("nlmsg_seq"),
            JAVA_INT.withName("nlmsg_pid")).withName("nlmsghdr");
    public static final VarHandle NLMSG_LEN = NLMSGHDR.varHandle(groupElement("nlmsg_len"));
    public static final VarHandle NLMSG_TYPE = NLMSGHDR.varHandle(groupElement("nlmsg_type"));
    public static final VarHandle NLMSG_FLAGS = NLMSGHDR.varHandle(groupElement("nlmsg_flags"));
    public static final VarHandle NLMSG_SEQ = NLMSGHDR.varHandle(groupElement("nlmsg_seq"));
    public static final VarHandle NLMSG_PID = NLMSGHDR.varHandle(groupElement("nlmsg_pid"));

    /** {@code struct nlmsgerr}: payload of NLMSG_ERROR; error 0 is a positive ACK. */
    public static final StructLayout NLMSGERR = MemoryLayout.structLayout(
            JAVA_INT.withName("error"),
            NLMSGHDR.withName("msg")).withName("nlmsgerr");
    public static final VarHandle NLMSGERR_ERROR = NLMSGERR.varHandle(groupElement("error"));
    public static final VarHandle NLMSGERR_MSG_SEQ = NLMSGERR.varHandle(groupElement("msg"), groupElement("nlmsg_seq"));
    public static final VarHandle NLMSGERR_MSG_LEN = NLMSGERR.varHandle(groupElement("msg"), groupElement("nlmsg_len"));
    public static final VarHandle NLMSGERR_MSG_TYPE = NLMSGERR.varHandle(groupElement("msg"), groupElement("nlmsg_type"));

    /** {@code struct nlattr}: host byte order, the value follows 4-byte aligned. */
    public static final StructLayout NLATTR = MemoryLayout.structLayout(
            JAVA_SHORT.withName("nla_len"),
            JAVA_SHORT.withName("nla_type")).withName("nlattr");
    public static final VarHandle NLA_LEN = NLATTR.varHandle(groupElement("nla_len"));
    public static final VarHandle NLA_TYPE = NLATTR.varHandle(groupElement("nla_type"));

    /** {@code struct nfgenmsg} from linux/netfilter/nfnetlink.h; res_id is the queue number. */
    public static final StructLayout NFGENMSG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("nfgen_family"),
            JAVA_BYTE.withName("version"),
            BE16.withName("res_id")).withName("nfgenmsg");
    public static final VarHandle NFGEN_FAMILY = NFGENMSG.varHandle(groupElement("nfgen_family"));
    public static final VarHandle NFGEN_VERSION = NFGENMSG.varHandle(groupElement("version"));
    public static final VarHandle NFGEN_RES_ID = NFGENMSG.varHandle(groupElement("res_id"));

    /** {@code struct nfqnl_msg_packet_hdr} (packed, 7 bytes). */
    public static final StructLayout NFQNL_MSG_PACKET_HDR = MemoryLayout.structLayout(
            BE32.withName("packet_id"),
            BE16.withName("hw_protocol"),
            JAVA_BYTE.withName("hook")).withName("nfqnl_msg_packet_hdr");
    public static final VarHandle PACKET_HDR_ID = NFQNL_MSG_PACKET_HDR.varHandle(groupElement("packet_id"));
    public static final VarHandle PACKET_HDR_HW_PROTOCOL = NFQNL_MSG_PACKET_HDR.varHandle(groupElement("hw_protocol"));
    public static final VarHandle PACKET_HDR_HOOK = NFQNL_MSG_PACKET_HDR.varHandle(groupElement("hook"));

    /** {@code struct nfqnl_msg_packet_hw}. */
    public static final StructLayout NFQNL_MSG_PACKET_HW = MemoryLayout.structLayout(
            BE16.withName("hw_addrlen"),
            JAVA_SHORT.withName("_pad"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("hw_addr")).withName("nfqnl_msg_packet_hw");
    public static final VarHandle PACKET_HW_ADDRLEN = NFQNL_MSG_PACKET_HW.varHandle(groupElement("hw_addrlen"));
    public static final long PACKET_HW_ADDR_OFFSET = NFQNL_MSG_PACKET_HW.byteOffset(groupElement("hw_addr"));

    /** {@code struct nfqnl_msg_packet_timestamp}: two __aligned_be64, but the attribute is only 4-aligned. */
    public static final StructLayout NFQNL_MSG_PACKET_TIMESTAMP = MemoryLayout.structLayout(
            BE64_UNALIGNED.withName("sec"),
            BE64_UNALIGNED.withName("usec")).withName("nfqnl_msg_packet_timestamp");
    public static final VarHandle TIMESTAMP_SEC = NFQNL_MSG_PACKET_TIMESTAMP.varHandle(groupElement("sec"));
    public static final VarHandle TIMESTAMP_USEC = NFQNL_MSG_PACKET_TIMESTAMP.varHandle(groupElement("usec"));

    /** {@code struct nfqnl_msg_verdict_hdr}. */
    public static final StructLayout NFQNL_MSG_VERDICT_HDR = MemoryLayout.structLayout(
            BE32.withName("verdict"),
            BE32.withName("id")).withName("nfqnl_msg_verdict_hdr");
    public static final VarHandle VERDICT_HDR_VERDICT = NFQNL_MSG_VERDICT_HDR.varHandle(groupElement("verdict"));
    public static final VarHandle VERDICT_HDR_ID = NFQNL_MSG_VERDICT_HDR.varHandle(groupElement("id"));

    /** {@code struct nfqnl_msg_config_cmd}. */
    public static final StructLayout NFQNL_MSG_CONFIG_CMD = MemoryLayout.structLayout(
            JAVA_BYTE.withName("command"),
            JAVA_BYTE.withName("_pad"),
            BE16.withName("pf")).withName("nfqnl_msg_config_cmd");
    public static final VarHandle CONFIG_CMD_COMMAND = NFQNL_MSG_CONFIG_CMD.varHandle(groupElement("command"));
    public static final VarHandle CONFIG_CMD_PAD = NFQNL_MSG_CONFIG_CMD.varHandle(groupElement("_pad"));
    public static final VarHandle CONFIG_CMD_PF = NFQNL_MSG_CONFIG_CMD.varHandle(groupElement("pf"));

    /** {@code struct nfqnl_msg_config_params} (packed, 5 bytes). */
    public static final StructLayout NFQNL_MSG_CONFIG_PARAMS = MemoryLayout.structLayout(
            BE32.withName("copy_range"),
            JAVA_BYTE.withName("copy_mode")).withName("nfqnl_msg_config_params");
    public static final VarHandle CONFIG_PARAMS_COPY_RANGE = NFQNL_MSG_CONFIG_PARAMS.varHandle(groupElement("copy_range"));
    public static final VarHandle CONFIG_PARAMS_COPY_MODE = NFQNL_MSG_CONFIG_PARAMS.varHandle(groupElement("copy_mode"));

    /** {@code struct iovec} (LP64). */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");
    public static final VarHandle IOVEC_BASE = IOVEC.varHandle(groupElement("iov_base"));
    public static final VarHandle IOVEC_LEN = IOVEC.varHandle(groupElement("iov_len"));

    /** {@code struct msghdr} (LP64 glibc: socklen_t namelen padded, size_t iovlen/controllen). */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4)).withName("msghdr");

    /** {@code struct mmsghdr}: one slot of a recvmmsg vector. */
    public static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(4)).withName("mmsghdr");
    public static final VarHandle MMSG_NAME = MMSGHDR.varHandle(groupElement("msg_hdr"), groupElement("msg_name"));
    public static final VarHandle MMSG_NAMELEN = MMSGHDR.varHandle(groupElement("msg_hdr"), groupElement("msg_namelen"));
    public static final VarHandle MMSG_IOV = MMSGHDR.varHandle(groupElement("msg_hdr"), groupElement("msg_iov"));
    public static final VarHandle MMSG_IOVLEN = MMSGHDR.varHandle(groupElement("msg_hdr"), groupElement("msg_iovlen"));
    public static final VarHandle MMSG_CONTROL = MMSGHDR.varHandle(groupElement("msg_hdr"), groupElement("msg_control"));
    public static final VarHandle MMSG_CONTROLLEN = MMSGHDR.varHandle(groupElement("msg_hdr"), groupElement("msg_controllen"));
    public static final VarHandle MMSG_FLAGS = MMSGHDR.varHandle(groupElement("msg_hdr"), groupElement("msg_flags"));
    public static final VarHandle MMSG_LEN = MMSGHDR.varHandle(groupElement("msg_len"));

    /** {@code struct pollfd}. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")).withName("pollfd");
    public static final VarHandle POLLFD_FD = POLLFD.varHandle(groupElement("fd"));
    public static final VarHandle POLLFD_EVENTS = POLLFD.varHandle(groupElement("events"));
    public static final VarHandle POLLFD_REVENTS = POLLFD.varHandle(groupElement("revents"));

    /** Rounds up to netlink's 4-byte alignment (NLMSG_ALIGN / NLA_ALIGN). */
    public static int align4(int len) {
        return (len + 3) & ~3;
    }

    public static long align4(long len) {
        return (len + 3) & ~3L;
    }
}

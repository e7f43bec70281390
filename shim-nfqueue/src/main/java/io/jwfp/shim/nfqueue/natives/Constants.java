package io.jwfp.shim.nfqueue.natives;

/**
 * Numeric constants from the Linux uapi headers (socket.h, netlink.h, nfnetlink.h, nfnetlink_queue.h,
 * nfnetlink_conntrack.h, nf_conntrack_common.h, netfilter.h) and glibc's x86_64/aarch64 ABI.
 *
 * <p>They are written out rather than generated because the set is small and stable (the kernel keeps uapi
 * numbers forever); each group names the header it comes from so it can be re-checked.
 */
public final class Constants {
    private Constants() {}

    // <bits/socket.h>
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_BRIDGE = 7;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    /** SO_RCVTIMEO with a 64-bit struct timeval (the _OLD value, same layout on LP64). */
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITFORONE = 0x10000;

    // <linux/netlink.h>
    public static final int NETLINK_NETFILTER = 12;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_NO_ENOBUFS = 5;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_CAPPED = 0x100;
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;
    public static final int NLMSGERR_ATTR_OFFS = 2;
    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = 0x3fff;
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLA_HDRLEN = 4;

    // <linux/netfilter/nfnetlink.h>
    public static final int NFNETLINK_V0 = 0;
    public static final int NFNL_SUBSYS_QUEUE = 3;
    public static final int NFGENMSG_LEN = 4;

    // <linux/netfilter/nfnetlink_queue.h>: message types (subsystem in the high byte)
    public static final int NFQNL_MSG_PACKET = 0;
    public static final int NFQNL_MSG_VERDICT = 1;
    public static final int NFQNL_MSG_CONFIG = 2;
    public static final int NFQNL_MSG_VERDICT_BATCH = 3;
    public static final int NFQ_TYPE_PACKET = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET;
    public static final int NFQ_TYPE_VERDICT = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT;
    public static final int NFQ_TYPE_CONFIG = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_CONFIG;
    public static final int NFQ_TYPE_VERDICT_BATCH = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT_BATCH;

    // enum nfqnl_attr_type
    public static final int NFQA_PACKET_HDR = 1;
    public static final int NFQA_VERDICT_HDR = 2;
    public static final int NFQA_MARK = 3;
    public static final int NFQA_TIMESTAMP = 4;
    public static final int NFQA_IFINDEX_INDEV = 5;
    public static final int NFQA_IFINDEX_OUTDEV = 6;
    public static final int NFQA_IFINDEX_PHYSINDEV = 7;
    public static final int NFQA_IFINDEX_PHYSOUTDEV = 8;
    public static final int NFQA_HWADDR = 9;
    public static final int NFQA_PAYLOAD = 10;
    public static final int NFQA_CT = 11;
    public static final int NFQA_CT_INFO = 12;
    public static final int NFQA_CAP_LEN = 13;
    public static final int NFQA_SKB_INFO = 14;
    public static final int NFQA_EXP = 15;
    public static final int NFQA_UID = 16;
    public static final int NFQA_GID = 17;
    public static final int NFQA_SECCTX = 18;
    public static final int NFQA_VLAN = 19;
    public static final int NFQA_L2HDR = 20;
    public static final int NFQA_PRIORITY = 21;
    public static final int NFQA_VLAN_PROTO = 1;
    public static final int NFQA_VLAN_TCI = 2;

    // enum nfqnl_msg_config_cmds
    public static final int NFQNL_CFG_CMD_NONE = 0;
    public static final int NFQNL_CFG_CMD_BIND = 1;
    public static final int NFQNL_CFG_CMD_UNBIND = 2;
    public static final int NFQNL_CFG_CMD_PF_BIND = 3;
    public static final int NFQNL_CFG_CMD_PF_UNBIND = 4;
    // enum nfqnl_config_mode
    public static final int NFQNL_COPY_NONE = 0;
    public static final int NFQNL_COPY_META = 1;
    public static final int NFQNL_COPY_PACKET = 2;
    // enum nfqnl_attr_config
    public static final int NFQA_CFG_CMD = 1;
    public static final int NFQA_CFG_PARAMS = 2;
    public static final int NFQA_CFG_QUEUE_MAXLEN = 3;
    public static final int NFQA_CFG_MASK = 4;
    public static final int NFQA_CFG_FLAGS = 5;
    public static final int NFQA_CFG_F_FAIL_OPEN = 1;
    public static final int NFQA_CFG_F_CONNTRACK = 1 << 1;
    public static final int NFQA_CFG_F_GSO = 1 << 2;
    public static final int NFQA_CFG_F_UID_GID = 1 << 3;
    public static final int NFQA_CFG_F_SECCTX = 1 << 4;
    public static final int NFQA_SKB_CSUMNOTREADY = 1;
    public static final int NFQA_SKB_GSO = 1 << 1;
    public static final int NFQA_SKB_CSUM_NOTVERIFIED = 1 << 2;
    /** Kernel's NFQNL_MAX_COPY_RANGE: 0xffff minus the attribute header. */
    public static final int NFQNL_MAX_COPY_RANGE = 0xffff - NLA_HDRLEN;

    // <linux/netfilter.h>: verdicts and hooks
    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;
    public static final int NF_STOLEN = 2;
    public static final int NF_QUEUE = 3;
    public static final int NF_REPEAT = 4;
    public static final int NF_VERDICT_QBITS = 16;
    public static final int NF_INET_PRE_ROUTING = 0;
    public static final int NF_INET_LOCAL_IN = 1;
    public static final int NF_INET_FORWARD = 2;
    public static final int NF_INET_LOCAL_OUT = 3;
    public static final int NF_INET_POST_ROUTING = 4;

    // <linux/netfilter/nfnetlink_conntrack.h>
    public static final int CTA_TUPLE_ORIG = 1;
    public static final int CTA_TUPLE_REPLY = 2;
    public static final int CTA_STATUS = 3;
    public static final int CTA_TIMEOUT = 7;
    public static final int CTA_MARK = 8;
    public static final int CTA_USE = 11;
    public static final int CTA_ID = 12;
    public static final int CTA_ZONE = 18;
    public static final int CTA_TUPLE_IP = 1;
    public static final int CTA_TUPLE_PROTO = 2;
    public static final int CTA_TUPLE_ZONE = 3;
    public static final int CTA_IP_V4_SRC = 1;
    public static final int CTA_IP_V4_DST = 2;
    public static final int CTA_IP_V6_SRC = 3;
    public static final int CTA_IP_V6_DST = 4;
    public static final int CTA_PROTO_NUM = 1;
    public static final int CTA_PROTO_SRC_PORT = 2;
    public static final int CTA_PROTO_DST_PORT = 3;
    public static final int CTA_PROTO_ICMP_ID = 4;
    public static final int CTA_PROTO_ICMP_TYPE = 5;
    public static final int CTA_PROTO_ICMP_CODE = 6;
    public static final int CTA_PROTO_ICMPV6_ID = 7;
    public static final int CTA_PROTO_ICMPV6_TYPE = 8;
    public static final int CTA_PROTO_ICMPV6_CODE = 9;

    // <linux/netfilter/nfnetlink.h>, <linux/netfilter/nfnetlink_conntrack.h>: conntrack events (ctnetlink)
    public static final int NFNL_SUBSYS_CTNETLINK = 1;
    public static final int IPCTNL_MSG_CT_NEW = 0;
    public static final int IPCTNL_MSG_CT_DELETE = 2;
    /** Multicast group of conntrack destroy events (bit {@code 1 << (group - 1)} in sockaddr_nl.nl_groups). */
    public static final int NFNLGRP_CONNTRACK_DESTROY = 3;
    public static final int CT_TYPE_DELETE = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;

    // <linux/sock_diag.h>, <linux/inet_diag.h>: looking up the socket (uid, inode) behind a 5-tuple
    public static final int NETLINK_SOCK_DIAG = 4;
    public static final int SOCK_DIAG_BY_FAMILY = 20;
    /** sizeof(struct inet_diag_req_v2). */
    public static final int INET_DIAG_REQ_V2_SIZE = 56;
    /** sizeof(struct inet_diag_msg) without attributes. */
    public static final int INET_DIAG_MSG_SIZE = 72;
    public static final int INET_DIAG_MSG_UID_OFFSET = 64;
    public static final int INET_DIAG_MSG_INODE_OFFSET = 68;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    /** Raw socket protocol meaning "the caller writes the IP header" (IP_HDRINCL, and for IPv6 its equivalent). */
    public static final int IPPROTO_RAW = 255;
    /** SOL_SOCKET option: the packet mark of everything the socket sends (needs CAP_NET_ADMIN). */
    public static final int SO_MARK = 36;

    // <linux/netfilter/nf_conntrack_common.h>: enum ip_conntrack_info
    public static final int IP_CT_ESTABLISHED = 0;
    public static final int IP_CT_RELATED = 1;
    public static final int IP_CT_NEW = 2;
    public static final int IP_CT_IS_REPLY = 3;
    public static final int IP_CT_ESTABLISHED_REPLY = 3;
    public static final int IP_CT_RELATED_REPLY = 4;

    // <poll.h>, <sys/eventfd.h>, <fcntl.h>, <sched.h>
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;

    // <asm-generic/errno.h>
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOBUFS = 105;
    /** Kernel-internal ENOTSUPP (524) leaks to netlink users from some nfnetlink paths. */
    public static final int ENOTSUPP = 524;
}

package io.jwfp.shim.pcap;

import io.jwfp.packet.EthernetView;
import io.jwfp.packet.EtherType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The link types jwfp reads (LINKTYPE_* of the pcap and pcapng specifications) and where the IP header starts in a
 * frame of each. Stateless and thread-safe.
 */
public final class LinkTypes {
    /** LINKTYPE_ETHERNET: Ethernet II, VLAN tags allowed. */
    public static final int ETHERNET = 1;
    /** LINKTYPE_RAW: a raw IPv4 or IPv6 packet (the version nibble tells which). */
    public static final int RAW = 101;
    /** DLT_RAW as most platforms number it in files written with the DLT value (12), and OpenBSD's (14). */
    public static final int DLT_RAW_12 = 12;
    public static final int DLT_RAW_14 = 14;
    /** LINKTYPE_IPV4 and LINKTYPE_IPV6: raw packets of one version. */
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    /** LINKTYPE_LINUX_SLL: Linux "cooked" capture, 16-byte header (tcpdump -i any before libpcap 1.10). */
    public static final int LINUX_SLL = 113;
    /** LINKTYPE_LINUX_SLL2: Linux cooked capture v2, 20-byte header with the interface index. */
    public static final int LINUX_SLL2 = 276;

    static final int SLL_HEADER = 16;
    static final int SLL2_HEADER = 20;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** What {@link #ipOffset} returns for a frame that carries no IP packet (ARP, LLDP, ...). */
    public static final int NOT_IP = -1;
    /** What {@link #ipOffset} returns for a frame too short for its link header. */
    public static final int TRUNCATED = -2;

    private LinkTypes() {}

    /** Whether jwfp can find IP packets in frames of this link type. */
    public static boolean isSupported(int linkType) {
        return switch (linkType) {
            case ETHERNET, RAW, DLT_RAW_12, DLT_RAW_14, IPV4, IPV6, LINUX_SLL, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** A name for messages. */
    public static String name(int linkType) {
        return switch (linkType) {
            case ETHERNET -> "Ethernet";
            case RAW, DLT_RAW_12, DLT_RAW_14 -> "raw IP";
            case IPV4 -> "raw IPv4";
            case IPV6 -> "raw IPv6";
            case LINUX_SLL -> "Linux cooked (SLL)";
            case LINUX_SLL2 -> "Linux cooked v2 (SLL2)";
            default -> "link type " + linkType;
        };
    }

    /**
     * The offset of the IP header within a frame of {@code length} bytes at {@code offset}, relative to the frame's
     * start; {@link #NOT_IP} when the frame carries something else, {@link #TRUNCATED} when it is shorter than its link
     * header. {@code eth} is a reusable view (nothing is allocated).
     */
    public static int ipOffset(int linkType, MemorySegment seg, long offset, int length, EthernetView eth) {
        switch (linkType) {
            case ETHERNET -> {
                eth.wrap(seg, offset, length);
                if (!eth.checkLength()) return TRUNCATED;
                int type = eth.payloadEtherType();
                return type == EtherType.IPV4 || type == EtherType.IPV6 ? eth.headerLength() : NOT_IP;
            }
            case RAW, DLT_RAW_12, DLT_RAW_14 -> {
                if (length < 1) return TRUNCATED;
                int v = (seg.get(ValueLayout.JAVA_BYTE, offset) >> 4) & 0xF;
                return v == 4 || v == 6 ? 0 : NOT_IP;
            }
            case IPV4, IPV6 -> {
                return 0;
            }
            case LINUX_SLL -> {
                if (length < SLL_HEADER) return TRUNCATED;
                return isIp(Short.toUnsignedInt(seg.get(BE16, offset + 14))) ? SLL_HEADER : NOT_IP;
            }
            case LINUX_SLL2 -> {
                if (length < SLL2_HEADER) return TRUNCATED;
                return isIp(Short.toUnsignedInt(seg.get(BE16, offset))) ? SLL2_HEADER : NOT_IP;
            }
            default -> {
                return NOT_IP;
            }
        }
    }

    private static boolean isIp(int etherType) {
        return etherType == EtherType.IPV4 || etherType == EtherType.IPV6;
    }
}

package io.jwfp.packet;

/**
 * IANA "Assigned Internet Protocol Numbers" used by jwfp: the IPv4 Protocol field (RFC 791 §3.1) and the IPv6 Next
 * Header field (RFC 8200 §3, §4).
 */
public final class IpProtocol {
    /** IPv6 Hop-by-Hop Options (RFC 8200 §4.3). */
    public static final int HOPOPT = 0;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** IPv6 Routing header (RFC 8200 §4.4). */
    public static final int IPV6_ROUTE = 43;
    /** IPv6 Fragment header (RFC 8200 §4.5). */
    public static final int IPV6_FRAG = 44;
    /** Encapsulating Security Payload (RFC 4303): opaque, so it ends the extension-header walk. */
    public static final int ESP = 50;
    /** Authentication Header (RFC 4302). */
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    /** No Next Header (RFC 8200 §4.7). */
    public static final int IPV6_NONXT = 59;
    /** IPv6 Destination Options (RFC 8200 §4.6). */
    public static final int IPV6_OPTS = 60;

    private IpProtocol() {}

    /** True iff {@code nextHeader} is an IPv6 extension header that {@link Ipv6View} walks over. */
    public static boolean isIpv6Extension(int nextHeader) {
        return nextHeader == HOPOPT || nextHeader == IPV6_ROUTE || nextHeader == IPV6_FRAG
                || nextHeader == IPV6_OPTS || nextHeader == AH;
    }
}

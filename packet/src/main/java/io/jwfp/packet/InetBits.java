package io.jwfp.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Conversions between {@link InetAddress} and the primitive address forms the views use: an IPv4 address is a
 * big-endian {@code int}; an IPv6 address is two big-endian {@code long}s, {@code hi} (bytes 0-7) and {@code lo}
 * (bytes 8-15). The primitive forms are what the classify path handles; {@code InetAddress} only appears when
 * building packets or printing. Stateless and thread-safe; every method that returns an object allocates.
 */
public final class InetBits {
    private InetBits() {}

    /** The IPv4 address as a big-endian int. */
    public static int v4(Inet4Address addr) {
        byte[] b = addr.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** Parses dotted-quad text (no name lookup) into a big-endian int. */
    public static int v4(String dottedQuad) {
        String[] parts = dottedQuad.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("address: " + dottedQuad + " (expected: a.b.c.d)");
        }
        int v = 0;
        for (String p : parts) {
            int octet = Integer.parseInt(p);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("address: " + dottedQuad + " (expected: octets 0-255)");
            }
            v = v << 8 | octet;
        }
        return v;
    }

    /** Bytes 0-7 of an IPv6 address. */
    public static long v6Hi(Inet6Address addr) {
        return longAt(addr.getAddress(), 0);
    }

    /** Bytes 8-15 of an IPv6 address. */
    public static long v6Lo(Inet6Address addr) {
        return longAt(addr.getAddress(), 8);
    }

    /** Eight bytes from {@code off} as a big-endian long. */
    public static long longAt(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** The IPv4 address for a big-endian int. */
    public static Inet4Address toInet4(int addr) {
        byte[] b = {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    /** The IPv6 address for its two halves (an IPv4-mapped value stays an {@link Inet6Address}). */
    public static Inet6Address toInet6(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return Inet6Address.getByAddress(null, b, null);
        } catch (UnknownHostException e) {
            throw new AssertionError("sixteen bytes are always an IPv6 address", e);
        }
    }

    /** Dotted-quad text of a big-endian int. */
    public static String v4ToString(int addr) {
        return (addr >>> 24) + "." + (addr >>> 16 & 0xFF) + "." + (addr >>> 8 & 0xFF) + "." + (addr & 0xFF);
    }

    /** RFC 5952 text of an IPv6 address given as two big-endian halves (longest zero run compressed). */
    public static String v6ToString(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** An address as people write it: IPv4 dotted, IPv6 in the RFC 5952 short form ({@code fd00:200::1}). */
    public static String toText(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) return a.getHostAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        // The longest run of two or more zero groups becomes "::" (the first one on a tie).
        int best = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                best = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

package io.jwfp.shim.pcap.replay;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address prefixes of "this host" in a replayed capture ({@code --local}): a packet from a local address to a
 * remote one is outbound, the reverse inbound, between two local addresses loopback, between two remote ones
 * forwarded. Immutable and thread-safe; matching allocates nothing.
 */
public final class LocalPrefixes {
    private final int[] v4Net;
    private final int[] v4Mask;
    private final long[] v6Hi;
    private final long[] v6Lo;
    private final long[] v6MaskHi;
    private final long[] v6MaskLo;
    private final String text;

    private LocalPrefixes(List<int[]> v4, List<long[]> v6, String text) {
        v4Net = new int[v4.size()];
        v4Mask = new int[v4.size()];
        for (int i = 0; i < v4.size(); i++) {
            v4Net[i] = v4.get(i)[0];
            v4Mask[i] = v4.get(i)[1];
        }
        v6Hi = new long[v6.size()];
        v6Lo = new long[v6.size()];
        v6MaskHi = new long[v6.size()];
        v6MaskLo = new long[v6.size()];
        for (int i = 0; i < v6.size(); i++) {
            long[] p = v6.get(i);
            v6Hi[i] = p[0];
            v6Lo[i] = p[1];
            v6MaskHi[i] = p[2];
            v6MaskLo[i] = p[3];
        }
        this.text = text;
    }

    /**
     * Parses {@code 10.0.0.0/8,192.168.1.7,fd00::/8}: comma-separated IPv4 or IPv6 literals, each with an optional
     * prefix length (a bare address is one host).
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static LocalPrefixes parse(String list) {
        List<int[]> v4 = new ArrayList<>();
        List<long[]> v6 = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (String raw : list.split(",")) {
            String item = raw.strip();
            if (item.isEmpty()) continue;
            int slash = item.indexOf('/');
            String addr = slash < 0 ? item : item.substring(0, slash);
            InetAddress a;
            try {
                if (!addr.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException();
                a = InetAddress.ofLiteral(addr); // a literal only: never a name lookup
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad local prefix '" + item + "': not an IPv4 or IPv6 address");
            }
            boolean isV4 = a instanceof Inet4Address;
            int max = isV4 ? 32 : 128;
            int len = max;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(item.substring(slash + 1));
                } catch (NumberFormatException e) {
                    len = -1;
                }
                if (len < 0 || len > max) {
                    throw new IllegalArgumentException("bad local prefix '" + item + "': the length must be 0.." + max);
                }
            }
            byte[] b = a.getAddress();
            if (isV4) {
                int ip = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
                int mask = len == 0 ? 0 : -1 << (32 - len);
                v4.add(new int[] {ip & mask, mask});
            } else {
                long hi = 0, lo = 0;
                for (int i = 0; i < 8; i++) hi = hi << 8 | (b[i] & 0xFF);
                for (int i = 8; i < 16; i++) lo = lo << 8 | (b[i] & 0xFF);
                long mhi = len == 0 ? 0 : len >= 64 ? -1L : -1L << (64 - len);
                long mlo = len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
                v6.add(new long[] {hi & mhi, lo & mlo, mhi, mlo});
            }
            shown.add(a.getHostAddress() + "/" + len);
        }
        if (shown.isEmpty()) throw new IllegalArgumentException("no local prefix given (e.g. --local 10.0.0.0/24)");
        return new LocalPrefixes(v4, v6, String.join(",", shown));
    }

    /** Whether an IPv4 address (host byte order, as {@code ParsedPacket.srcV4()}) is local. */
    public boolean isLocalV4(int addr) {
        for (int i = 0; i < v4Net.length; i++) if ((addr & v4Mask[i]) == v4Net[i]) return true;
        return false;
    }

    /** Whether an IPv6 address (big-endian halves) is local. */
    public boolean isLocalV6(long hi, long lo) {
        for (int i = 0; i < v6Hi.length; i++) {
            if ((hi & v6MaskHi[i]) == v6Hi[i] && (lo & v6MaskLo[i]) == v6Lo[i]) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}

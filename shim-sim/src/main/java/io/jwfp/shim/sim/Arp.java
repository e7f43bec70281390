package io.jwfp.shim.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * ARP frames (RFC 826) for next-hop resolution. IPv6 next hops are resolved with the same frames (protocol type
 * 0x86DD, 16-byte addresses) instead of ICMPv6 neighbour discovery, so that resolution stays below the IP layers for
 * both families (a documented simplification).
 */
record Arp(int op, long senderMac, InetAddress senderIp, long targetMac, InetAddress targetIp) {
    static final int ETHER_TYPE = 0x0806;
    static final int REQUEST = 1;
    static final int REPLY = 2;

    static byte[] frame(int op, long srcMac, InetAddress senderIp, long dstMac, long targetMac, InetAddress targetIp) {
        byte[] s = senderIp == null ? new byte[targetIp.getAddress().length] : senderIp.getAddress();
        byte[] t = targetIp.getAddress();
        int plen = t.length;
        byte[] f = new byte[14 + 8 + 2 * (6 + plen)];
        putMac(f, 0, dstMac);
        putMac(f, 6, srcMac);
        f[12] = 0x08;
        f[13] = 0x06;
        f[15] = 1; // Ethernet
        f[16] = (byte) (plen == 4 ? 0x08 : 0x86);
        f[17] = (byte) (plen == 4 ? 0x00 : 0xDD);
        f[18] = 6;
        f[19] = (byte) plen;
        f[21] = (byte) op;
        int o = 22;
        putMac(f, o, srcMac);
        System.arraycopy(s, 0, f, o + 6, plen);
        putMac(f, o + 6 + plen, targetMac);
        System.arraycopy(t, 0, f, o + 12 + plen, plen);
        return f;
    }

    static Arp parse(byte[] f) {
        if (f.length < 22) return null;
        int plen = f[19] & 0xFF;
        if (f.length < 22 + 2 * (6 + plen) || (plen != 4 && plen != 16)) return null;
        int o = 22;
        try {
            byte[] s = java.util.Arrays.copyOfRange(f, o + 6, o + 6 + plen);
            byte[] t = java.util.Arrays.copyOfRange(f, o + 12 + plen, o + 12 + 2 * plen);
            return new Arp(f[21] & 0xFF, mac(f, o), InetAddress.getByAddress(s), mac(f, o + 6 + plen),
                    InetAddress.getByAddress(t));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static long mac(byte[] b, int off) {
        long m = 0;
        for (int i = 0; i < 6; i++) m = (m << 8) | (b[off + i] & 0xFF);
        return m;
    }

    static void putMac(byte[] b, int off, long mac) {
        for (int i = 5; i >= 0; i--, mac >>>= 8) b[off + i] = (byte) mac;
    }

    static String macToString(long mac) {
        StringBuilder sb = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            sb.append(String.format("%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) sb.append(':');
        }
        return sb.toString();
    }
}

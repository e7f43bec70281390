package io.jwfp.shim.nfqueue.live;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Interface facts for the interface fields (INTERFACE_INDEX, INTERFACE_TYPE, IP_LOCAL_INTERFACE...), by ifindex, from
 * {@code /sys/class/net/NAME/{ifindex,type}} of this network namespace. Windows interface types (IF_TYPE_*) are
 * derived from the ARPHRD type; the LUID is built as Windows builds NET_LUID ({@code type << 48 | index << 24}, the
 * ifindex standing in for the NetLuidIndex).
 *
 * <p>Lookups read an array and allocate nothing; an unknown index triggers one re-read of {@code /sys}. Thread-safe
 * (the array is replaced, never changed in place).
 */
public final class Interfaces {
    public static final int IF_TYPE_OTHER = 1;
    public static final int IF_TYPE_ETHERNET_CSMACD = 6;
    public static final int IF_TYPE_SOFTWARE_LOOPBACK = 24;
    public static final int IF_TYPE_PROP_VIRTUAL = 53;
    public static final int IF_TYPE_TUNNEL = 131;
    /** The loopback interface's index in every Linux network namespace. */
    public static final int LOOPBACK_INDEX = 1;

    private final Path sysClassNet;
    private volatile int[] types = new int[0];
    private volatile long lastReload;

    public Interfaces(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
        reload();
    }

    /** The IF_TYPE of an interface (IF_TYPE_OTHER when unknown). */
    public int type(int ifindex) {
        int[] t = types;
        if (ifindex > 0 && ifindex < t.length && t[ifindex] != 0) return t[ifindex];
        if (ifindex <= 0) return IF_TYPE_OTHER;
        long now = System.nanoTime();
        if (now - lastReload > 1_000_000_000L) { // a new interface: look again, at most once a second
            reload();
            t = types;
            if (ifindex < t.length && t[ifindex] != 0) return t[ifindex];
        }
        return ifindex == LOOPBACK_INDEX ? IF_TYPE_SOFTWARE_LOOPBACK : IF_TYPE_OTHER;
    }

    /** NET_LUID of an interface. */
    public long luid(int ifindex) {
        return ((long) type(ifindex) << 48) | ((long) (ifindex & 0xFFFFFF) << 24);
    }

    private synchronized void reload() {
        lastReload = System.nanoTime();
        int[] t = new int[Math.max(16, types.length)];
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(sysClassNet)) {
            for (Path dev : ds) {
                try {
                    int index = Integer.parseInt(Files.readString(dev.resolve("ifindex")).trim());
                    int arphrd = Integer.parseInt(Files.readString(dev.resolve("type")).trim());
                    if (index <= 0 || index > 1 << 20) continue;
                    if (index >= t.length) t = java.util.Arrays.copyOf(t, Math.max(index + 1, t.length * 2));
                    t[index] = ifType(arphrd);
                } catch (IOException | NumberFormatException e) {
                    // vanished meanwhile, or not an interface directory
                }
            }
        } catch (IOException e) {
            // no sysfs: every interface is "other"
        }
        types = t;
    }

    /** IF_TYPE for an ARPHRD_* value. */
    static int ifType(int arphrd) {
        return switch (arphrd) {
            case 1 -> IF_TYPE_ETHERNET_CSMACD;      // ARPHRD_ETHER (also veth, bridges)
            case 772 -> IF_TYPE_SOFTWARE_LOOPBACK;  // ARPHRD_LOOPBACK
            case 65534 -> IF_TYPE_PROP_VIRTUAL;     // ARPHRD_NONE: tun, wireguard
            case 768, 769, 776, 778, 823 -> IF_TYPE_TUNNEL; // ipip, ip6ip6, sit, gre, ip6gre
            default -> IF_TYPE_OTHER;
        };
    }
}

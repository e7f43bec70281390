package io.jwfp.shim.sim;

import io.jwfp.engine.layer.IpVersion;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A network interface of a simulated host: an index, a MAC address, IPv4/IPv6 addresses with prefixes, an MTU, and
 * the neighbour (ARP) cache for its link. Index 1 is always the host's loopback interface. Not thread-safe (the
 * simulation is single-threaded).
 */
public final class SimInterface {
    /** IF_TYPE_ETHERNET_CSMACD. */
    public static final int IF_TYPE_ETHERNET = 6;
    /** IF_TYPE_SOFTWARE_LOOPBACK. */
    public static final int IF_TYPE_SOFTWARE_LOOPBACK = 24;

    /** An address and its prefix length. */
    public record Address(InetAddress address, int prefixLength) {
        boolean contains(InetAddress a) {
            return SimInterface.samePrefix(address, a, prefixLength);
        }
    }

    private final SimHost host;
    private final String name;
    private final int index;
    private final long mac;
    private final boolean loopback;
    private final List<Address> addresses = new ArrayList<>();
    private SimLink link;
    private boolean promiscuous;
    private final List<FrameCapture> captures = new ArrayList<>();
    final Map<InetAddress, Long> neighbours = new HashMap<>();
    final Map<InetAddress, List<Runnable>> pendingResolution = new HashMap<>();
    final Map<InetAddress, Object> arpTimers = new HashMap<>();

    SimInterface(SimHost host, String name, int index, long mac, boolean loopback) {
        this.host = host;
        this.name = name;
        this.index = index;
        this.mac = mac;
        this.loopback = loopback;
    }

    public SimHost host() {
        return host;
    }

    public String name() {
        return name;
    }

    /** The interface index (INTERFACE_INDEX). */
    public int index() {
        return index;
    }

    /** The MAC address as a 48-bit number. */
    public long mac() {
        return mac;
    }

    public boolean isLoopback() {
        return loopback;
    }

    /** IF_TYPE_* (INTERFACE_TYPE). */
    public int ifType() {
        return loopback ? IF_TYPE_SOFTWARE_LOOPBACK : IF_TYPE_ETHERNET;
    }

    /** The NET_LUID (IP_LOCAL_INTERFACE): the interface type in bits 48-63 and the index in bits 24-47. */
    public long luid() {
        return ((long) ifType() << 48) | ((long) index << 24);
    }

    /** The addresses, in the order added. */
    public List<Address> addresses() {
        return List.copyOf(addresses);
    }

    /** The first address of a family, or null. */
    public InetAddress address(IpVersion v) {
        for (Address a : addresses) if (SimHost.version(a.address()) == v) return a.address();
        return null;
    }

    /** Adds an address, {@code "10.200.0.1/24"} or {@code "fd00:200::1/64"}. */
    public SimInterface addAddress(String cidr) {
        int slash = cidr.indexOf('/');
        try {
            InetAddress a = InetAddress.getByName(slash < 0 ? cidr : cidr.substring(0, slash));
            int len = slash < 0 ? (a.getAddress().length * 8) : Integer.parseInt(cidr.substring(slash + 1));
            addresses.add(new Address(a, len));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address: " + cidr, e);
        }
        return this;
    }

    /** The MTU: the link's, 65535 for loopback, 1500 while unlinked. */
    public int mtu() {
        return loopback ? 65535 : link == null ? 1500 : link.options().mtu();
    }

    /** Accepts frames for any MAC address (the NIC's destination filter is off). */
    public void setPromiscuous(boolean on) {
        promiscuous = on;
    }

    public boolean isPromiscuous() {
        return promiscuous;
    }

    SimLink link() {
        return link;
    }

    void attach(SimLink l) {
        link = l;
    }

    /** Starts recording the frames this interface sends and receives, from now on (tcpdump on the interface). */
    public FrameCapture capture() {
        FrameCapture c = new FrameCapture(host.name() + "/" + name);
        captures.add(c);
        return c;
    }

    void captured(boolean sent, byte[] frame) {
        for (FrameCapture c : captures) c.record(host.network().clock().nanos(), this, sent, frame);
    }

    /** Adds a neighbour cache entry by hand (a static ARP entry). */
    public void addNeighbour(InetAddress ip, long peerMac) {
        neighbours.put(ip, peerMac);
    }

    boolean owns(InetAddress a) {
        for (Address x : addresses) if (x.address().equals(a)) return true;
        return false;
    }

    static boolean samePrefix(InetAddress a, InetAddress b, int len) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) return false;
        for (int i = 0; i < len; i++) {
            int bit = 7 - (i & 7);
            if (((x[i >> 3] >> bit) & 1) != ((y[i >> 3] >> bit) & 1)) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return host.name() + "/" + name + "#" + index;
    }
}

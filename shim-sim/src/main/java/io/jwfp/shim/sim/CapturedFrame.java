package io.jwfp.shim.sim;

import java.util.Arrays;

/**
 * A frame seen on a simulated wire, as tcpdump on the link (or on the switch) would show it: the bytes from the
 * Ethernet header on, who sent it and which interface it was carried to. A flooded frame is captured once per
 * receiving port. Immutable: {@link #bytes()} returns a copy.
 *
 * @param timeNanos the simulated time it was put on the wire
 * @param packetId  the id the trace gives the packet ({@link io.jwfp.shim.sim.trace.Transmission#packetId()})
 * @param from      the sending interface
 * @param to        the interface the link carries it to (its NIC may still filter it by destination MAC)
 * @param lost      the link lost it
 */
public record CapturedFrame(long timeNanos, long packetId, SimInterface from, SimInterface to, byte[] bytes,
                            boolean lost) {
    /** EtherType of IPv4. */
    public static final int IPV4 = 0x0800;
    /** EtherType of IPv6. */
    public static final int IPV6 = 0x86DD;
    /** EtherType of ARP. */
    public static final int ARP = 0x0806;

    public CapturedFrame {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public long dstMac() {
        return Arp.mac(bytes, 0);
    }

    public long srcMac() {
        return Arp.mac(bytes, 6);
    }

    public int etherType() {
        return ((bytes[12] & 0xFF) << 8) | (bytes[13] & 0xFF);
    }

    /** True for IPv4 and IPv6 frames. */
    public boolean isIp() {
        return etherType() == IPV4 || etherType() == IPV6;
    }

    /** The IP datagram (the bytes after the 14-byte Ethernet header). */
    public byte[] ip() {
        return Arrays.copyOfRange(bytes, 14, bytes.length);
    }

    @Override
    public String toString() {
        return "CapturedFrame[" + from + " > " + to + ", " + Arp.macToString(srcMac()) + " > "
                + Arp.macToString(dstMac()) + ", type 0x" + Integer.toHexString(etherType()) + ", "
                + bytes.length + " bytes" + (lost ? ", lost" : "") + "]";
    }
}

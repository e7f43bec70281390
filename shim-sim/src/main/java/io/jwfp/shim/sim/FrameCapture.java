package io.jwfp.shim.sim;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A packet capture on an interface or a switch, like {@code tcpdump -i IF}: every frame, with its time and bytes, in
 * the order it was seen. An interface capture sees the frames the interface sends (before the wire may lose them)
 * and the frames that arrive at it (before the NIC's MAC filter, as tcpdump in promiscuous mode); a switch capture
 * sees every frame that enters the switch. Frames are copies: later changes to a packet do not show here.
 *
 * <p>Not thread-safe (the simulation is single-threaded).
 */
public final class FrameCapture {
    /**
     * A captured frame.
     *
     * @param timeNanos  simulated time
     * @param where      the interface ({@code host/eth0}) or switch it was captured on
     * @param iface      the interface that sent it (switch capture, or {@code sent}) or received it
     * @param sent       true if {@code iface} sent it, false if it arrived there
     * @param bytes      the Ethernet frame
     */
    public record Frame(long timeNanos, String where, SimInterface iface, boolean sent, byte[] bytes) {
        /** Parses the frame, verifying IP and transport checksums (see {@link ParsedPacket#BAD_TRANSPORT_CHECKSUM}). */
        public ParsedPacket parse() {
            ParsedPacket p = new ParsedPacket();
            PacketParser.parseEthernet(MemorySegment.ofArray(bytes.clone()), 0, bytes.length, p, ChecksumPolicy.VERIFY);
            return p;
        }

        /** The IP packet the frame carries (the bytes after the Ethernet header), or null for ARP. */
        public byte[] ipPacket() {
            int type = ((bytes[12] & 0xFF) << 8) | (bytes[13] & 0xFF);
            if (type == Arp.ETHER_TYPE) return null;
            return java.util.Arrays.copyOfRange(bytes, 14, bytes.length);
        }

        /** True for an ARP frame. */
        public boolean isArp() {
            return ipPacket() == null;
        }
    }

    private final String where;
    private final List<Frame> frames = new ArrayList<>();
    private boolean stopped;

    FrameCapture(String where) {
        this.where = where;
    }

    void record(long time, SimInterface iface, boolean sent, byte[] frame) {
        if (!stopped) frames.add(new Frame(time, where, iface, sent, frame.clone()));
    }

    /** Every frame captured so far, in order. */
    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** The IP frames (no ARP) captured so far, in order. */
    public List<Frame> ipFrames() {
        return frames.stream().filter(f -> !f.isArp()).toList();
    }

    /** Stops recording; what was captured stays. */
    public void stop() {
        stopped = true;
    }
}

package io.jwfp.scenarios.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.shim.sim.CapturedFrame;
import io.jwfp.shim.sim.SimCapture;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** tcpdump-style checks on captured frames: "every packet on the link has valid checksums". */
public final class Wire {
    private Wire() {}

    /** The IP datagram of a frame, parsed with checksum verification. */
    public static ParsedPacket parse(CapturedFrame f) {
        byte[] ip = f.ip();
        ParsedPacket p = new ParsedPacket();
        PacketParser.parseIp(MemorySegment.ofArray(ip), 0, ip.length, p, ChecksumPolicy.VERIFY);
        return p;
    }

    /**
     * Asserts that every IP frame captured has a valid IPv4 header checksum and a valid TCP/UDP/ICMP checksum (a UDP
     * checksum over IPv6 must not be 0); fragments are put together per datagram and the whole is checked. Returns
     * how many datagrams were checked.
     */
    public static int assertChecksumsValid(SimCapture cap) {
        return assertChecksumsValid(cap.frames());
    }

    public static int assertChecksumsValid(List<CapturedFrame> frames) {
        Map<String, TreeMap<Integer, byte[]>> fragments = new LinkedHashMap<>();
        Map<String, byte[]> headers = new LinkedHashMap<>();
        int checked = 0;
        for (CapturedFrame f : frames) {
            if (!f.isIp()) continue;
            ParsedPacket p = parse(f);
            assertThat(p.has(ParsedPacket.HAS_IP)).as("IP header of %s", f).isTrue();
            assertThat(p.has(ParsedPacket.BAD_IP_CHECKSUM)).as("IPv4 header checksum of %s", f).isFalse();
            if (p.has(ParsedPacket.FRAGMENT)) {
                byte[] ip = f.ip();
                String key = p.srcV4() + ">" + p.dstV4() + "/" + p.protocol() + "#" + p.fragmentId();
                fragments.computeIfAbsent(key, k -> new TreeMap<>()).put(p.fragmentOffset(),
                        java.util.Arrays.copyOfRange(ip, p.ipHeaderSize(), p.ipLength()));
                if (p.fragmentOffset() == 0) headers.put(key, java.util.Arrays.copyOf(ip, p.ipHeaderSize()));
                continue;
            }
            assertTransport(p, f.toString());
            checked++;
        }
        for (var e : fragments.entrySet()) {
            byte[] head = headers.get(e.getKey());
            if (head == null) continue; // the first fragment was not captured
            List<byte[]> parts = new ArrayList<>(e.getValue().values());
            int len = head.length;
            for (byte[] b : parts) len += b.length;
            byte[] whole = new byte[len];
            System.arraycopy(head, 0, whole, 0, head.length);
            int at = head.length;
            for (byte[] b : parts) {
                System.arraycopy(b, 0, whole, at, b.length);
                at += b.length;
            }
            whole[2] = (byte) (len >>> 8);
            whole[3] = (byte) len;
            whole[6] = 0;
            whole[7] = 0;
            whole[10] = 0;
            whole[11] = 0;
            io.jwfp.packet.Ipv4View v = new io.jwfp.packet.Ipv4View().wrap(MemorySegment.ofArray(whole));
            v.fillChecksum();
            ParsedPacket p = new ParsedPacket();
            PacketParser.parseIp(MemorySegment.ofArray(whole), 0, whole.length, p, ChecksumPolicy.VERIFY);
            assertTransport(p, "datagram " + e.getKey() + " reassembled from " + parts.size() + " fragments");
            checked++;
        }
        return checked;
    }

    private static void assertTransport(ParsedPacket p, String what) {
        int proto = p.protocol();
        if (proto != IpProtocol.TCP && proto != IpProtocol.UDP && proto != IpProtocol.ICMP && proto != IpProtocol.ICMPV6) return;
        assertThat(p.has(ParsedPacket.HAS_TRANSPORT)).as("transport header of %s", what).isTrue();
        assertThat(p.has(ParsedPacket.CHECKSUMS_VERIFIED)).as("checksums of %s were checked", what).isTrue();
        assertThat(p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).as("transport checksum of %s", what).isFalse();
    }
}

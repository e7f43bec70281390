package io.jwfp.shim.pcap;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * The independent reader the tests compare with: pcap4j over the system's libpcap (the reference implementation of
 * both formats), asked for nanosecond timestamps.
 */
final class Libpcap {
    /** One packet as libpcap delivers it. */
    record Packet(byte[] data, int originalLength, long timestampNanos, int linkType) {}

    static {
        // Debian's libpcap0.8 ships only the versioned name; tcpdump depends on it, so it is present where tcpdump is.
        for (String p : List.of("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8")) {
            if (Files.exists(Path.of(p)) && System.getProperty("org.pcap4j.core.pcapLibName") == null) {
                System.setProperty("org.pcap4j.core.pcapLibName", p);
            }
        }
    }

    private Libpcap() {}

    static boolean available() {
        try {
            Pcaps.libVersion();
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    static List<Packet> read(Path file) throws Exception {
        List<Packet> out = new ArrayList<>();
        try (PcapHandle h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO)) {
            int dlt = h.getDlt().value();
            while (true) {
                byte[] data;
                try {
                    data = h.getNextRawPacketEx();
                } catch (EOFException e) {
                    break;
                }
                java.sql.Timestamp ts = h.getTimestamp();
                long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
                out.add(new Packet(data, h.getOriginalLength(), nanos, dlt));
            }
        }
        return out;
    }
}

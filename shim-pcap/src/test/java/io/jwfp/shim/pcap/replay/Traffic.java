package io.jwfp.shim.pcap.replay;

import static io.jwfp.packet.TcpView.*;

import io.jwfp.packet.repr.Packets;
import io.jwfp.shim.pcap.LinkTypes;
import io.jwfp.shim.pcap.PcapngWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds test captures of raw IP packets: TCP connections with their handshake, datagrams. */
final class Traffic {
    private final List<byte[]> packets = new ArrayList<>();

    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    /** A whole TCP connection opened by {@code client}: handshake, {@code data} segments each way, FIN exchange. */
    Traffic tcp(String client, int cport, String server, int sport, int data) {
        return tcp(client, cport, server, sport, server, sport, data);
    }

    /** A connection whose server answers from {@code replyFrom}:{@code replyPort} (a host behind a port forward). */
    Traffic tcp(String client, int cport, String server, int sport, String replyFrom, int replyPort, int data) {
        InetAddress c = ip(client), s = ip(server), rs = ip(replyFrom);
        long cs = 1000, ss = 5000;
        add(Packets.tcp(c, s, cport, sport, cs, 0, FLAG_SYN, 64000, List.of(), new byte[0]));
        add(Packets.tcp(rs, c, replyPort, cport, ss, cs + 1, FLAG_SYN | FLAG_ACK, 64000, List.of(), new byte[0]));
        add(Packets.tcp(c, s, cport, sport, cs + 1, ss + 1, FLAG_ACK, 64000, List.of(), new byte[0]));
        for (int i = 0; i < data; i++) {
            add(Packets.tcp(c, s, cport, sport, cs + 1 + i * 10L, ss + 1, FLAG_ACK | FLAG_PSH, 64000, List.of(), new byte[10]));
            add(Packets.tcp(rs, c, replyPort, cport, ss + 1, cs + 11 + i * 10L, FLAG_ACK, 64000, List.of(), new byte[0]));
        }
        long cEnd = cs + 1 + data * 10L;
        add(Packets.tcp(c, s, cport, sport, cEnd, ss + 1, FLAG_FIN | FLAG_ACK, 64000, List.of(), new byte[0]));
        add(Packets.tcp(rs, c, replyPort, cport, ss + 1, cEnd + 1, FLAG_FIN | FLAG_ACK, 64000, List.of(), new byte[0]));
        add(Packets.tcp(c, s, cport, sport, cEnd + 1, ss + 2, FLAG_ACK, 64000, List.of(), new byte[0]));
        return this;
    }

    Traffic udp(String src, int sport, String dst, int dport, int count) {
        for (int i = 0; i < count; i++) add(Packets.udp(ip(src), ip(dst), sport, dport, new byte[] {(byte) i, 1, 2}));
        return this;
    }

    Traffic add(byte[] packet) {
        packets.add(packet);
        return this;
    }

    List<byte[]> packets() {
        return packets;
    }

    /** Writes the packets as raw IP, a millisecond apart. */
    Path write(Path file) throws IOException {
        try (PcapngWriter w = PcapngWriter.create(file)) {
            int id = w.addInterface(LinkTypes.RAW, 0);
            long t = 1_700_000_000_000_000_000L;
            for (byte[] p : packets) {
                w.writePacket(id, t, p.length, MemorySegment.ofArray(p), 0, p.length);
                t += 1_000_000;
            }
        }
        return file;
    }
}

package io.jwfp.packet;

import io.jwfp.packet.repr.Ipv6ExtensionHeader;
import io.jwfp.packet.repr.Ipv6Header;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.TcpOption;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.List;

import static io.jwfp.packet.PacketParserTest.A4;
import static io.jwfp.packet.PacketParserTest.B4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The classify-path parse allocates nothing: the Java analogue of gVisor's +checkescape (style guide G8). */
class ZeroAllocationTest {
    private static final int ROUNDS = 10_000;
    /** Room for the measuring calls themselves; one allocation per packet would be far above it. */
    private static final long SLACK_BYTES = 1024;

    @Test
    void parsingAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "allocation counter unavailable");
        mx.setThreadAllocatedMemoryEnabled(true);

        byte[][] packets = {
                Packets.tcpV4(A4, B4, 1, 2, 3, 4, TcpView.FLAG_SYN, 5,
                        List.of(new TcpOption.Mss(1460), new TcpOption.WindowScale(7)), new byte[40]),
                Fixtures.IPV6,
                Packets.tcp(new Ipv6Header(0, 0, 64, 1, 2, 3, 4,
                                List.of(Ipv6ExtensionHeader.hopByHop(new byte[6]),
                                        Ipv6ExtensionHeader.destinationOptions(new byte[6])), 6, 0),
                        new TcpHeader(1, 2, 3, 4, TcpView.FLAG_ACK, 5, 0, List.of()), new byte[100]),
                Packets.icmpv4PortUnreachable(Packets.udpV4(A4, B4, 1, 2, new byte[8])),
                Packets.ethernet(1, 2, Packets.udpV4(A4, B4, 1, 2, new byte[8])),
                new byte[]{0x45, 0, 0},
        };
        try (Arena arena = Arena.ofConfined()) {
            // Native segments, as the NFQUEUE shim will hand over; heap ones as the simulated network does.
            MemorySegment[] segs = new MemorySegment[packets.length * 2];
            for (int i = 0; i < packets.length; i++) {
                segs[2 * i] = arena.allocate(packets[i].length).copyFrom(MemorySegment.ofArray(packets[i]));
                segs[2 * i + 1] = MemorySegment.ofArray(packets[i]);
            }
            ParsedPacket p = new ParsedPacket();
            long sink = run(segs, p); // warm-up: lets the JIT compile the parse path
            sink += run(segs, p);
            long before = mx.getCurrentThreadAllocatedBytes();
            sink += run(segs, p);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(sink).isNotZero();
            assertThat(allocated).as("bytes allocated by %d parses", ROUNDS).isLessThan(SLACK_BYTES);
        }
    }

    private static long run(MemorySegment[] segs, ParsedPacket p) {
        long sink = 0;
        for (int i = 0; i < ROUNDS; i++) {
            MemorySegment s = segs[i % segs.length];
            boolean ok = (i & 8) == 0
                    ? PacketParser.parseIp(s, 0, s.byteSize(), p, ChecksumPolicy.VERIFY)
                    : PacketParser.parseEthernet(s, 0, s.byteSize(), p, ChecksumPolicy.IGNORE);
            sink += p.flags() + p.srcPort() + p.innerDstPort() + p.srcHi() + (ok ? 1 : 0);
            if (p.protocol() == IpProtocol.TCP && p.has(ParsedPacket.HAS_TRANSPORT)) {
                TcpView t = p.tcp();
                for (int o = t.firstOption(); o >= 0; o = t.nextOption(o)) {
                    sink += t.optionKind(o);
                }
                sink += t.mss() + t.windowScale();
            }
        }
        return sink;
    }
}

package io.jwfp.shim.sim.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.packet.IpProtocol;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class FlowSpecTest {
    @Test
    void parsesTheTextFormsAndPrintsThemBack() {
        FlowSpec t = FlowSpec.parse("tcp 10.0.0.1:51000 -> 10.0.0.2:443");
        assertThat(t.protocol()).isEqualTo(IpProtocol.TCP);
        assertThat(t.source()).isEqualTo(InetAddress.ofLiteral("10.0.0.1"));
        assertThat(t.sourcePort()).isEqualTo(51000);
        assertThat(t.destinationPort()).isEqualTo(443);
        assertThat(t.toString()).isEqualTo("tcp 10.0.0.1:51000 -> 10.0.0.2:443");
        FlowSpec u = FlowSpec.parse("  UDP [fd00::1]:5353->[fd00::2]:53 ");
        assertThat(u.isV6()).isTrue();
        assertThat(u.toString()).isEqualTo("udp [fd00::1]:5353 -> [fd00::2]:53");
        FlowSpec i = FlowSpec.parse("icmp 10.0.0.1 -> 10.0.0.2");
        assertThat(i.icmpType()).isEqualTo(8);
        assertThat(i.isEchoRequest()).isTrue();
        assertThat(FlowSpec.parse("icmp fd00::1 -> fd00::2 type 3 code 4").isIcmpError()).isTrue();
        assertThat(FlowSpec.parse("icmp fd00::1 -> fd00::2").protocol()).isEqualTo(IpProtocol.ICMPV6);
        assertThat(FlowSpec.parse(t.toString())).isEqualTo(t);
    }

    @Test
    void mistakesAreNamedWithTheExpectedForm() {
        for (String bad : new String[] {"tcp 10.0.0.1:1 10.0.0.2:2", "sctp 10.0.0.1:1 -> 10.0.0.2:2",
                "tcp 10.0.0.1 -> 10.0.0.2:2", "tcp 10.0.0.1:70000 -> 10.0.0.2:2", "tcp 10.0.0.1:1 -> [fd00::2]:2",
                "icmp 10.0.0.1:1 -> 10.0.0.2", "tcp 10.0.0.300:1 -> 10.0.0.2:2", "udp 10.0.0.1:1 -> 10.0.0.2:2 type 3",
                "icmpv6 10.0.0.1 -> 10.0.0.2", ""}) {
            assertThatThrownBy(() -> FlowSpec.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected PROTOCOL SOURCE -> DESTINATION")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    /** An IPv4 packet: 20-byte header, then the transport header given. */
    static byte[] ipv4(int protocol, String src, String dst, byte[] transport) {
        byte[] p = new byte[20 + transport.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = (byte) protocol;
        System.arraycopy(InetAddress.ofLiteral(src).getAddress(), 0, p, 12, 4);
        System.arraycopy(InetAddress.ofLiteral(dst).getAddress(), 0, p, 16, 4);
        System.arraycopy(transport, 0, p, 20, transport.length);
        return p;
    }

    static byte[] tcp(int srcPort, int dstPort, int flags) {
        byte[] t = new byte[20];
        t[0] = (byte) (srcPort >> 8);
        t[1] = (byte) srcPort;
        t[2] = (byte) (dstPort >> 8);
        t[3] = (byte) dstPort;
        t[12] = 0x50;
        t[13] = (byte) flags;
        return t;
    }

    @Test
    void aPacketGivesItsFlowAsTheOpenerSeesIt() {
        FlowSpec syn = FlowSpec.ofPacket(ipv4(6, "10.0.0.1", "10.0.0.2", tcp(51000, 443, 0x02)));
        assertThat(syn.toString()).isEqualTo("tcp 10.0.0.1:51000 -> 10.0.0.2:443");
        FlowSpec synAck = FlowSpec.ofPacket(ipv4(6, "10.0.0.2", "10.0.0.1", tcp(443, 51000, 0x12)));
        assertThat(synAck).isEqualTo(syn);
        byte[] echoReply = {0, 0, 0, 0, 0, 1, 0, 1};
        assertThat(FlowSpec.ofPacket(ipv4(1, "10.0.0.2", "10.0.0.1", echoReply)).toString())
                .isEqualTo("icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0");
        assertThatThrownBy(() -> FlowSpec.ofPacket(new byte[] {0x45, 0, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowSpec.ofPacket(ipv4(47, "10.0.0.1", "10.0.0.2", new byte[4])))
                .hasMessageContaining("IP protocol 47");
    }
}

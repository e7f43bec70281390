package io.jwfp.shim.sim.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.TcpView;
import io.jwfp.packet.repr.Packets;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
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

    static byte[] tcp(String src, String dst, int srcPort, int dstPort, int flags) {
        return Packets.tcp(InetAddress.ofLiteral(src), InetAddress.ofLiteral(dst), srcPort, dstPort, 1, 0, flags, 65535,
                List.of(), new byte[0]);
    }

    @Test
    void aPacketGivesItsFlowAsTheOpenerSeesIt() {
        FlowSpec syn = FlowSpec.ofPacket(tcp("10.0.0.1", "10.0.0.2", 51000, 443, TcpView.FLAG_SYN));
        assertThat(syn.toString()).isEqualTo("tcp 10.0.0.1:51000 -> 10.0.0.2:443");
        FlowSpec synAck = FlowSpec.ofPacket(tcp("10.0.0.2", "10.0.0.1", 443, 51000, TcpView.FLAG_SYN | TcpView.FLAG_ACK));
        assertThat(synAck).isEqualTo(syn);
        byte[] echoReply = Packets.icmpv4EchoReply((Inet4Address) InetAddress.ofLiteral("10.0.0.2"),
                (Inet4Address) InetAddress.ofLiteral("10.0.0.1"), 1, 1, new byte[0]);
        assertThat(FlowSpec.ofPacket(echoReply).toString())
                .isEqualTo("icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0");
        assertThatThrownBy(() -> FlowSpec.ofPacket(new byte[] {0x45, 0, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FlowSpec.ofPacket(Packets.withIpHeader(InetAddress.ofLiteral("10.0.0.1"),
                InetAddress.ofLiteral("10.0.0.2"), 47, new byte[4])))
                .hasMessageContaining("IP protocol 47");
    }
}

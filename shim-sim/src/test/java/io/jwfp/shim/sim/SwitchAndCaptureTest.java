package io.jwfp.shim.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import io.jwfp.shim.sim.scenario.Testbed;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The T3 topology's learning switch, frame captures (tcpdump) and work items on the simulated clock. */
class SwitchAndCaptureTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void threeHostsTalkThroughTheSwitchAndUnicastFramesReachOnlyTheirPort(IpVersion v) {
        Testbed t = Testbed.t3();
        FrameCapture atC = Testbed.nic(t.c()).capture();
        FrameCapture br0 = t.bridge().capture();
        UdpSocket onB = Testbed.server(t.b()).udpSocket(v);
        onB.bind(Testbed.at(t.b(), v, 53));
        UdpSocket onC = Testbed.server(t.c()).udpSocket(v);
        onC.bind(Testbed.at(t.c(), v, 53));
        UdpSocket a = Testbed.client(t.a()).udpSocket(v);
        a.sendTo(b("to B"), Testbed.at(t.b(), v, 53));
        a.sendTo(b("to C"), Testbed.at(t.c(), v, 53));
        t.network().runUntilIdle();
        assertThat(new String(onB.receive().data(), StandardCharsets.US_ASCII)).isEqualTo("to B");
        assertThat(new String(onC.receive().data(), StandardCharsets.US_ASCII)).isEqualTo("to C");
        assertThat(onB.receive()).isNull();
        // C's NIC saw A's broadcast ARP request for B, but none of the unicast frames between A and B.
        List<FrameCapture.Frame> cIp = atC.ipFrames();
        assertThat(cIp).hasSize(1);
        assertThat(cIp.get(0).sent()).isFalse();
        assertThat(atC.frames()).anyMatch(f -> f.isArp() && !f.sent());
        assertThat(t.b().stats()).doesNotContainKey("mac-filtered");
        // br0 saw every frame: 2 ARP requests, 2 ARP replies, 2 datagrams.
        assertThat(br0.frames()).hasSize(6);
        assertThat(br0.ipFrames()).allSatisfy(f -> {
            ParsedPacket p = f.parse();
            assertThat(p.has(ParsedPacket.CHECKSUMS_VERIFIED)).isTrue();
            assertThat(p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
        });
    }

    @Test
    void aFrameForAMacNobodyOwnsIsFloodedAndDroppedByEveryNicThatIsNotPromiscuous() {
        Testbed t = Testbed.t3();
        Testbed.nic(t.c()).setPromiscuous(true);
        SimInterface a0 = Testbed.nic(t.a());
        byte[] ip = Packets.udpV4((Inet4Address) Testbed.address(t.a(), IpVersion.V4),
                (Inet4Address) Testbed.address(t.b(), IpVersion.V4), 1000, 53, new byte[] {1});
        a0.link().transmit(a0, Packets.ethernet(0x02_00_00_00_00_13L, a0.mac(), ip), 99, "datagram", "fake MAC", false);
        t.network().runUntilIdle();
        assertThat(t.b().stats().get("mac-filtered")).isEqualTo(1);
        // C is promiscuous: the frame reaches its IP layer, which finds it is not for C.
        assertThat(t.c().stats().get("not-local")).isEqualTo(1);
    }

    @Test
    void aCaptureHoldsTheBytesAsSentAndStopsWhenAsked() {
        Testbed t = Testbed.t2();
        FrameCapture atB = Testbed.nic(t.b()).capture();
        PingSocket p = Testbed.client(t.a()).pingSocket(IpVersion.V6);
        p.echo(Testbed.address(t.b(), IpVersion.V6), 1, b("hi"));
        t.network().runUntilIdle();
        assertThat(p.replies()).hasSize(1);
        List<FrameCapture.Frame> ip = atB.ipFrames();
        assertThat(ip).extracting(FrameCapture.Frame::sent).containsExactly(false, true);
        byte[] request = ip.get(0).ipPacket();
        assertThat(request[0] >> 4).isEqualTo(6);
        assertThat(request[6]).as("next header: ICMPv6, no extension header").isEqualTo((byte) 58);
        atB.stop();
        p.echo(Testbed.address(t.b(), IpVersion.V6), 2, b("hi"));
        t.network().runUntilIdle();
        assertThat(atB.frames()).hasSize(ip.size() + 2); // the neighbour frames; nothing after stop()
    }

    @Test
    void t2HasNoThirdHostAndSwitchPortsAreExclusive() {
        Testbed t = Testbed.t2();
        assertThatThrownBy(t::c).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(t::bridge).isInstanceOf(IllegalStateException.class);
        SimSwitch s = t.network().addSwitch("br1");
        assertThatThrownBy(() -> s.connect(Testbed.nic(t.a()))).hasMessageContaining("already linked");
        assertThatThrownBy(() -> t.network().addSwitch("br1")).hasMessageContaining("exists");
    }

    @Test
    void workItemsRunOnTheSimulatedClockAfterWhatIsAlreadyDueInTheOrderQueued() {
        Testbed t = Testbed.t2();
        List<String> order = new ArrayList<>();
        t.network().clock().schedule(java.time.Duration.ZERO, () -> order.add("event"));
        t.a().kernel().queueWorkItem(() -> order.add("work 1"));
        t.a().kernel().queueWorkItem(() -> order.add("work 2"));
        assertThat(order).isEmpty();
        t.network().runUntilIdle();
        assertThat(order).containsExactly("event", "work 1", "work 2");
        assertThat(t.network().clock().nanos()).isZero();
    }
}

package io.jwfp.callouts.samples.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.Ipv4View;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Rewrites keep every checksum valid, change exactly what they say, and never read later fragments as ports. */
class IpRewriteProperties {
    static ParsedPacket parse(byte[] ip) {
        ParsedPacket p = new ParsedPacket();
        PacketParser.parseIp(MemorySegment.ofArray(ip), 0, ip.length, p, ChecksumPolicy.VERIFY);
        return p;
    }

    static InetAddress v4(int a) {
        return InetBits.toInet4(a);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1500);
    }

    @Property(tries = 400)
    void rewritesKeepChecksumsValidV4(@ForAll int src, @ForAll int dst, @ForAll int newAddr,
                                      @ForAll @IntRange(max = 65535) int sport, @ForAll @IntRange(max = 65535) int dport,
                                      @ForAll @IntRange(max = 65535) int newPort, @ForAll boolean tcp,
                                      @ForAll boolean source, @ForAll("payloads") byte[] payload) {
        Inet4Address s = (Inet4Address) v4(src), d = (Inet4Address) v4(dst);
        byte[] ip = tcp ? Packets.tcpV4(s, d, sport, dport, 1, 2, 0x18, 65535, java.util.List.of(), payload) : Packets.udpV4(s, d, sport, dport, payload);
        IpRewrite.Side side = source ? IpRewrite.Side.SOURCE : IpRewrite.Side.DESTINATION;
        IpRewrite.rewrite(MemorySegment.ofArray(ip), 0, ip.length, side, NatAddress.of(v4(newAddr)), newPort);
        ParsedPacket p = parse(ip);
        assertThat(p.has(ParsedPacket.BAD_IP_CHECKSUM)).isFalse();
        assertThat(p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
        assertThat(source ? p.srcV4() : p.dstV4()).isEqualTo(newAddr);
        assertThat(source ? p.dstV4() : p.srcV4()).isEqualTo(source ? dst : src);
        assertThat(source ? p.srcPort() : p.dstPort()).isEqualTo(newPort);
        assertThat(source ? p.dstPort() : p.srcPort()).isEqualTo(source ? dport : sport);
    }

    @Property(tries = 300)
    void rewritesKeepChecksumsValidV6(@ForAll long hi, @ForAll long lo, @ForAll long newHi, @ForAll long newLo,
                                      @ForAll @IntRange(max = 2) int kind, @ForAll boolean source,
                                      @ForAll @IntRange(max = 65535) int newPort, @ForAll("payloads") byte[] payload) {
        Inet6Address s = InetBits.toInet6(hi, lo), d = InetBits.toInet6(0xfd00_0200_0000_0000L, 2);
        byte[] ip = switch (kind) {
            case 0 -> Packets.tcpV6(s, d, 1000, 80, 1, 2, 0x18, 65535, java.util.List.of(), payload);
            case 1 -> Packets.udpV6(s, d, 1000, 80, payload);
            default -> Packets.icmpv6EchoRequest(s, d, 7, 1, payload);
        };
        IpRewrite.Side side = source ? IpRewrite.Side.SOURCE : IpRewrite.Side.DESTINATION;
        IpRewrite.rewrite(MemorySegment.ofArray(ip), 0, ip.length, side, NatAddress.of(InetBits.toInet6(newHi, newLo)),
                newPort);
        ParsedPacket p = parse(ip);
        assertThat(p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
        assertThat(source ? p.srcHi() : p.dstHi()).isEqualTo(newHi);
        assertThat(source ? p.srcLo() : p.dstLo()).isEqualTo(newLo);
        if (kind == 1) assertThat(((ip[46] & 0xFF) << 8) | (ip[47] & 0xFF)).as("IPv6 UDP checksum").isNotZero();
        if (kind < 2) assertThat(source ? p.srcPort() : p.dstPort()).isEqualTo(newPort);
    }

    @Test
    void aZeroUdpChecksumOverIpv4StaysZero() {
        byte[] ip = Packets.udpV4((Inet4Address) v4(0x0AC80001), (Inet4Address) v4(0x0AC80002), 1, 2, new byte[] {1, 2, 3});
        ip[26] = 0;
        ip[27] = 0;
        IpRewrite.rewrite(MemorySegment.ofArray(ip), 0, ip.length, IpRewrite.Side.DESTINATION,
                NatAddress.of(v4(0x0AC80003)), 9);
        assertThat(ip[26] | ip[27]).isZero();
        assertThat(parse(ip).has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
    }

    @Property(tries = 100)
    void fragmentsGetTheAddressEverywhereAndThePortOnlyWhereTheHeaderIs(@ForAll("payloads") byte[] tail,
                                                                        @ForAll @IntRange(max = 65535) int newPort) {
        byte[] payload = Arrays.copyOf(tail, 2000 + tail.length);
        byte[] whole = Packets.udpV4((Inet4Address) v4(0x0AC80001), (Inet4Address) v4(0x0AC80002), 1000, 80, payload);
        int hl = 20, cut = 1480; // the first fragment: the UDP header and 1472 bytes of payload
        byte[] first = fragment(whole, hl, 0, cut, true);
        byte[] rest = fragment(whole, hl, cut, whole.length - hl - cut, false);
        byte[] restBefore = rest.clone();
        NatAddress to = NatAddress.of(v4(0x0AC8000D));
        IpRewrite.rewrite(MemorySegment.ofArray(first), 0, first.length, IpRewrite.Side.DESTINATION, to, newPort);
        IpRewrite.rewrite(MemorySegment.ofArray(rest), 0, rest.length, IpRewrite.Side.DESTINATION, to, newPort);
        assertThat(parse(first).has(ParsedPacket.BAD_IP_CHECKSUM)).isFalse();
        assertThat(parse(rest).has(ParsedPacket.BAD_IP_CHECKSUM)).isFalse();
        assertThat(Arrays.copyOfRange(rest, hl, rest.length)).as("a later fragment's data").isEqualTo(
                Arrays.copyOfRange(restBefore, hl, restBefore.length));
        // Put together again, the datagram has the new address and port and a valid UDP checksum.
        byte[] again = new byte[whole.length];
        System.arraycopy(first, 0, again, 0, first.length);
        System.arraycopy(rest, hl, again, first.length, rest.length - hl);
        Ipv4View v = new Ipv4View().wrap(MemorySegment.ofArray(again));
        v.setTotalLength(again.length);
        v.setFragment(false, false, 0);
        v.fillChecksum();
        ParsedPacket p = parse(again);
        assertThat(p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
        assertThat(p.dstV4()).isEqualTo(0x0AC8000D);
        assertThat(p.dstPort()).isEqualTo(newPort);
    }

    static byte[] fragment(byte[] whole, int hl, int off, int len, boolean more) {
        byte[] f = new byte[hl + len];
        System.arraycopy(whole, 0, f, 0, hl);
        System.arraycopy(whole, hl + off, f, hl, len);
        Ipv4View v = new Ipv4View().wrap(MemorySegment.ofArray(f));
        v.setTotalLength(f.length);
        v.setIdentification(77);
        v.setFragment(false, more, off / 8);
        v.fillChecksum();
        return f;
    }

    @Test
    void ipv6AddressesPrintInRfc5952Form() {
        assertThat(NatAddress.of(InetBits.toInet6(0xfd00_0200_0000_0000L, 0x12)).toString()).isEqualTo("fd00:200::12");
        assertThat(NatAddress.of(InetBits.toInet6(0, 1)).toString()).isEqualTo("::1");
        assertThat(NatAddress.of(InetBits.toInet6(0x2001_0db8_0000_0001L, 0x0000_0000_0000_0001L)).toString())
                .isEqualTo("2001:db8:0:1::1");
        assertThat(NatAddress.of(InetBits.toInet6(0x2001_0db8_0001_0001L, 0x0001_0001_0001_0001L)).toString())
                .isEqualTo("2001:db8:1:1:1:1:1:1");
        assertThat(NatAddress.of(v4(0x0AC80002)).toString()).isEqualTo("10.200.0.2");
    }
}

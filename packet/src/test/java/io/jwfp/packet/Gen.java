package io.jwfp.packet;

import io.jwfp.packet.repr.Icmpv4Message;
import io.jwfp.packet.repr.Icmpv6Message;
import io.jwfp.packet.repr.Ipv4Header;
import io.jwfp.packet.repr.Ipv6ExtensionHeader;
import io.jwfp.packet.repr.Ipv6Header;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.TcpOption;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.List;

/** jqwik generators for records and whole packets, shared by the property tests. */
final class Gen {
    private Gen() {}

    static Arbitrary<byte[]> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
    }

    static Arbitrary<byte[]> bytesOfSize(int n) {
        return Arbitraries.bytes().array(byte[].class).ofSize(n);
    }

    static Arbitrary<Integer> u8() {
        return Arbitraries.integers().between(0, 255);
    }

    static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    static Arbitrary<Long> u32() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
    }

    static Arbitrary<Ipv4Header> ipv4Header() {
        Arbitrary<byte[]> options = Arbitraries.integers().between(0, 10).flatMap(n -> bytesOfSize(4 * n));
        return Builders.withBuilder(() -> new Object[12])
                .use(Arbitraries.integers().between(0, 63)).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.integers().between(0, 3)).in((a, v) -> { a[1] = v; return a; })
                .use(u16()).in((a, v) -> { a[2] = v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[3] = v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[4] = v; return a; })
                .use(Arbitraries.integers().between(0, 0x1FFF)).in((a, v) -> { a[5] = v; return a; })
                .use(u8()).in((a, v) -> { a[6] = v; return a; })
                .use(u8()).in((a, v) -> { a[7] = v; return a; })
                .use(Arbitraries.integers()).in((a, v) -> { a[8] = v; return a; })
                .use(Arbitraries.integers()).in((a, v) -> { a[9] = v; return a; })
                .use(options).in((a, v) -> { a[10] = v; return a; })
                .use(Arbitraries.integers().between(0, 2000)).in((a, v) -> { a[11] = v; return a; })
                .build(a -> new Ipv4Header((Integer) a[0], (Integer) a[1], (Integer) a[2], (Boolean) a[3],
                        (Boolean) a[4], (Integer) a[5], (Integer) a[6], (Integer) a[7], (Integer) a[8],
                        (Integer) a[9], (byte[]) a[10], (Integer) a[11]));
    }

    /** Option bytes for HBH / destination options: length ≡ 6 mod 8. */
    private static Arbitrary<byte[]> optionArea() {
        return Arbitraries.integers().between(0, 4).flatMap(n -> bytesOfSize(6 + 8 * n));
    }

    static Arbitrary<Ipv6ExtensionHeader> extensionHeader() {
        return Arbitraries.oneOf(
                optionArea().map(Ipv6ExtensionHeader::hopByHop),
                optionArea().map(Ipv6ExtensionHeader::destinationOptions),
                Combinators.combine(u8(), u8(), Arbitraries.integers().between(0, 3).flatMap(n -> bytesOfSize(4 + 8 * n)))
                        .as(Ipv6ExtensionHeader::routing),
                Combinators.combine(Arbitraries.integers().between(0, 0x1FFF), Arbitraries.of(true, false), u32())
                        .as(Ipv6ExtensionHeader::fragment),
                Combinators.combine(u32(), u32(), Arbitraries.integers().between(0, 3).flatMap(n -> bytesOfSize(4 + 8 * n)))
                        .as(Ipv6ExtensionHeader::authentication));
    }

    static Arbitrary<Ipv6Header> ipv6Header() {
        Arbitrary<List<Ipv6ExtensionHeader>> chain = extensionHeader().list().ofMaxSize(5).map(Gen::legalChain);
        Arbitrary<Integer> upper = Arbitraries.oneOf(Arbitraries.of(IpProtocol.TCP, IpProtocol.UDP,
                IpProtocol.ICMPV6, IpProtocol.IPV6_NONXT, IpProtocol.ESP), u8().filter(p -> !IpProtocol.isIpv6Extension(p)));
        return Combinators.combine(u8(), Arbitraries.integers().between(0, 0xFFFFF), u8(),
                        Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), chain)
                .flatAs((tc, fl, hop, sh, sl, dh, dl, ext) -> Combinators.combine(upper,
                                Arbitraries.integers().between(0, 1500))
                        .as((up, len) -> new Ipv6Header(tc, fl, hop, sh, sl, dh, dl, ext, up, len)));
    }

    /** Cuts the chain after a non-first fragment's header, where nothing more can follow (RFC 8200 §4.5). */
    private static List<Ipv6ExtensionHeader> legalChain(List<Ipv6ExtensionHeader> chain) {
        List<Ipv6ExtensionHeader> out = new ArrayList<>();
        for (Ipv6ExtensionHeader h : chain) {
            out.add(h);
            if (h.type() == IpProtocol.IPV6_FRAG && h.fragmentOffset() != 0) {
                break;
            }
        }
        return out;
    }

    static Arbitrary<TcpOption> tcpOption() {
        return Arbitraries.oneOf(
                Arbitraries.just(new TcpOption.Nop()),
                u16().map(TcpOption.Mss::new),
                u8().map(TcpOption.WindowScale::new),
                Arbitraries.just(new TcpOption.SackPermitted()),
                Combinators.combine(u32(), u32()).as(TcpOption.SackBlock::new).list().ofMinSize(1).ofMaxSize(4)
                        .map(TcpOption.Sack::new),
                Combinators.combine(u32(), u32()).as(TcpOption.Timestamps::new),
                Combinators.combine(Arbitraries.integers().between(6, 255).filter(k -> k != 8), bytes(0, 8))
                        .as(TcpOption.Unknown::new));
    }

    static Arbitrary<List<TcpOption>> tcpOptions() {
        return tcpOption().list().ofMaxSize(8)
                .filter(l -> l.stream().mapToInt(TcpOption::length).sum() <= TcpView.MAX_OPTIONS_LEN);
    }

    static Arbitrary<TcpHeader> tcpHeader() {
        return Combinators.combine(u16(), u16(), u32(), u32(), Arbitraries.integers().between(0, TcpView.FLAGS_MASK),
                u16(), u16(), tcpOptions()).as(TcpHeader::new);
    }

    static Arbitrary<Icmpv4Message> icmpv4Message() {
        return Combinators.combine(u8(), u8(), u32(), bytes(0, 100)).as(Icmpv4Message::new);
    }

    static Arbitrary<Icmpv6Message> icmpv6Message() {
        return Combinators.combine(u8(), u8(), u32(), bytes(0, 100)).as(Icmpv6Message::new);
    }

    /** Valid whole IP datagrams of every kind the builders make. */
    static Arbitrary<byte[]> validPacket() {
        Arbitrary<byte[]> tcp4 = Combinators.combine(ipv4Header(), tcpHeader(), bytes(0, 64))
                .as(Packets::tcp);
        Arbitrary<byte[]> tcp6 = Combinators.combine(ipv6Header(), tcpHeader(), bytes(0, 64))
                .as(Packets::tcp);
        Arbitrary<byte[]> udp4 = Combinators.combine(ipv4Header(), u16(), u16(), bytes(0, 64)).as(Packets::udp);
        Arbitrary<byte[]> udp6 = Combinators.combine(ipv6Header(), u16(), u16(), bytes(0, 64)).as(Packets::udp);
        Arbitrary<byte[]> icmp4 = Combinators.combine(ipv4Header(), icmpv4Message()).as(Packets::icmpv4);
        Arbitrary<byte[]> icmp6 = Combinators.combine(ipv6Header(), icmpv6Message()).as(Packets::icmpv6);
        Arbitrary<byte[]> err4 = udp4.map(p -> Packets.icmpv4Error(0x0A000001, Icmpv4View.TYPE_DEST_UNREACHABLE,
                Icmpv4View.CODE_PORT_UNREACHABLE, 0, p));
        Arbitrary<byte[]> err6 = tcp6.map(p -> Packets.icmpv6Error(1, 2, Icmpv6View.TYPE_DEST_UNREACHABLE,
                Icmpv6View.CODE_PORT_UNREACHABLE, 0, p));
        return Arbitraries.oneOf(tcp4, tcp6, udp4, udp6, icmp4, icmp6, err4, err6);
    }
}

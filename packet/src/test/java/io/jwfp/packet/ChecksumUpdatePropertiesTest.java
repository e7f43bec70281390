package io.jwfp.packet;

import io.jwfp.packet.repr.Ipv4Header;
import io.jwfp.packet.repr.Ipv6Header;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 1624 incremental updates give exactly the checksum a full recomputation gives. */
class ChecksumUpdatePropertiesTest {
    @Provide
    Arbitrary<TcpHeader> tcp() {
        return Gen.tcpHeader();
    }

    @Provide
    Arbitrary<byte[]> payload() {
        return Gen.bytes(0, 64);
    }

    @Property
    void tcpV4NatRewrite(@ForAll("tcp") TcpHeader h, @ForAll("payload") byte[] payload, @ForAll int src,
                         @ForAll int dst, @ForAll int newSrc, @ForAll int newDst,
                         @ForAll @IntRange(max = 0xFFFF) int newSp, @ForAll @IntRange(max = 0xFFFF) int newDp) {
        byte[] pkt = Packets.tcp(Ipv4Header.of(src, dst, IpProtocol.TCP, 0), h, payload);
        ParsedPacket p = parse(pkt);
        Ipv4View ip = p.ipv4();
        TcpView t = p.tcp();
        ip.setSrcAddrWithChecksumUpdate(newSrc);
        ip.setDstAddrWithChecksumUpdate(newDst);
        t.updateChecksumForAddressV4(src, newSrc);
        t.updateChecksumForAddressV4(dst, newDst);
        t.setSrcPortWithChecksumUpdate(newSp);
        t.setDstPortWithChecksumUpdate(newDp);
        int ipIncremental = ip.headerChecksum();
        int tcpIncremental = t.checksum();
        ip.fillChecksum();
        t.fillChecksumV4(newSrc, newDst);
        assertThat(ipIncremental).isEqualTo(ip.headerChecksum());
        assertThat(tcpIncremental).isEqualTo(t.checksum());
        assertThat(t.verifyChecksumV4(newSrc, newDst)).isTrue();
    }

    @Property
    void udpV4NatRewrite(@ForAll("payload") byte[] payload, @ForAll int src, @ForAll int dst, @ForAll int newSrc,
                         @ForAll @IntRange(max = 0xFFFF) int sp, @ForAll @IntRange(max = 0xFFFF) int dp,
                         @ForAll @IntRange(max = 0xFFFF) int newDp) {
        byte[] pkt = Packets.udp(Ipv4Header.of(src, dst, IpProtocol.UDP, 0), sp, dp, payload);
        ParsedPacket p = parse(pkt);
        UdpView u = p.udp();
        p.ipv4().setSrcAddrWithChecksumUpdate(newSrc);
        u.updateChecksumForAddressV4(src, newSrc);
        u.setDstPortWithChecksumUpdate(newDp);
        int incremental = u.checksum();
        u.fillChecksumV4(newSrc, dst);
        assertThat(incremental).isEqualTo(u.checksum());
        assertThat(p.ipv4().verifyChecksum()).isTrue();
    }

    @Property
    void tcpAndUdpV6AddressRewrite(@ForAll("tcp") TcpHeader h, @ForAll("payload") byte[] payload, @ForAll long sh,
                                   @ForAll long sl, @ForAll long dh, @ForAll long dl, @ForAll long nh,
                                   @ForAll long nl) {
        byte[] pkt = Packets.tcp(Ipv6Header.of(sh, sl, dh, dl, IpProtocol.TCP, 0), h, payload);
        ParsedPacket p = parse(pkt);
        TcpView t = p.tcp();
        p.ipv6().setDstAddr(nh, nl);
        t.updateChecksumForAddressV6(dh, dl, nh, nl);
        int incremental = t.checksum();
        t.fillChecksumV6(sh, sl, nh, nl);
        assertThat(incremental).isEqualTo(t.checksum());

        byte[] udp = Packets.udp(Ipv6Header.of(sh, sl, dh, dl, IpProtocol.UDP, 0), 1, 2, payload);
        ParsedPacket q = parse(udp);
        q.udp().updateChecksumForAddressV6(sh, sl, nh, nl);
        assertThat(q.udp().verifyChecksumV6(nh, nl, dh, dl)).isTrue();
    }

    @Property
    void update16And32MatchRecomputationOverArbitraryData(@ForAll("payload") byte[] data,
                                                          @ForAll @IntRange(max = 31) int wordIndex,
                                                          @ForAll int newValue) {
        byte[] b = java.util.Arrays.copyOf(data, 64 + 2);
        b[64] = 1; // the data is never all zero, as it never is with a pseudo-header
        MemorySegment seg = MemorySegment.ofArray(b);
        int before = Checksums.finish(Checksums.partial(seg, 0, b.length, 0));
        int off = wordIndex * 2;
        int old16 = (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
        int new16 = newValue & 0xFFFF;
        b[off] = (byte) (new16 >>> 8);
        b[off + 1] = (byte) new16;
        int after16 = Checksums.finish(Checksums.partial(seg, 0, b.length, 0));
        assertThat(Checksums.update16(before, old16, new16)).isEqualTo(after16);

        int off32 = (wordIndex & ~1) * 2;
        int old32 = seg.get(HeaderView.BE_U32, off32);
        seg.set(HeaderView.BE_U32, off32, newValue);
        int after32 = Checksums.finish(Checksums.partial(seg, 0, b.length, 0));
        assertThat(Checksums.update32(after16, old32, newValue)).isEqualTo(after32);
    }

    private static ParsedPacket parse(byte[] pkt) {
        ParsedPacket p = new ParsedPacket();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(pkt), 0, pkt.length, p, ChecksumPolicy.VERIFY))
                .isTrue();
        assertThat(p.flags() & (ParsedPacket.BAD_IP_CHECKSUM | ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isZero();
        return p;
    }
}

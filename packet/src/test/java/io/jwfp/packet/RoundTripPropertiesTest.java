package io.jwfp.packet;

import io.jwfp.packet.repr.Icmpv4Message;
import io.jwfp.packet.repr.Icmpv6Message;
import io.jwfp.packet.repr.Ipv4Header;
import io.jwfp.packet.repr.Ipv6Header;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.UdpHeader;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/** Random record → emit into a 0xA5 buffer → parse gives the same record, with valid checksums. */
class RoundTripPropertiesTest {
    @Provide
    Arbitrary<Ipv4Header> ipv4() {
        return Gen.ipv4Header();
    }

    @Provide
    Arbitrary<Ipv6Header> ipv6() {
        return Gen.ipv6Header();
    }

    @Provide
    Arbitrary<TcpHeader> tcp() {
        return Gen.tcpHeader();
    }

    @Provide
    Arbitrary<Icmpv4Message> icmpv4() {
        return Gen.icmpv4Message();
    }

    @Provide
    Arbitrary<Icmpv6Message> icmpv6() {
        return Gen.icmpv6Message();
    }

    @Provide
    Arbitrary<byte[]> payload() {
        return Gen.bytes(0, 100);
    }

    @Property
    void ipv4HeaderRoundTrips(@ForAll("ipv4") Ipv4Header h) {
        MemorySegment buf = Bufs.filled(h.totalLength());
        Ipv4View v = new Ipv4View().wrap(buf);
        h.emit(v);
        assertThat(v.isValid()).isTrue();
        assertThat(v.verifyChecksum()).isTrue();
        assertThat(Ipv4Header.parse(new Ipv4View().wrap(buf), ChecksumPolicy.VERIFY)).isEqualTo(h);
    }

    @Property
    void ipv6HeaderRoundTrips(@ForAll("ipv6") Ipv6Header h) {
        MemorySegment buf = Bufs.filled(h.headerLength() + h.upperLayerLength());
        h.emit(new Ipv6View().wrap(buf));
        Ipv6View v = new Ipv6View().wrap(buf);
        assertThat(v.isValid()).isTrue();
        assertThat(v.headerLength()).isEqualTo(h.headerLength());
        assertThat(Ipv6Header.parse(v)).isEqualTo(h);
    }

    @Property
    void tcpHeaderRoundTripsWithValidChecksums(@ForAll("tcp") TcpHeader h, @ForAll("payload") byte[] payload,
                                               @ForAll int src, @ForAll int dst, @ForAll long hi, @ForAll long lo) {
        int len = h.headerLength() + payload.length;
        MemorySegment buf = Bufs.filled(len);
        TcpView v = new TcpView().wrap(buf);
        h.emit(v);
        v.write(h.headerLength(), payload);
        v.fillChecksumV4(src, dst);
        TcpView r = new TcpView().wrap(buf);
        assertThat(r.isValid()).isTrue();
        assertThat(r.verifyChecksumV4(src, dst)).isTrue();
        assertThat(TcpHeader.parse(r)).isEqualTo(h);
        assertThat(r.toByteArray(r.payloadOffset(), r.payloadLength())).isEqualTo(payload);
        v.fillChecksumV6(hi, lo, ~hi, ~lo);
        assertThat(r.verifyChecksumV6(hi, lo, ~hi, ~lo)).isTrue();
    }

    @Property
    void udpRoundTripsWithValidChecksums(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 0xFFFF) int sp,
                                         @ForAll @IntRange(max = 0xFFFF) int dp, @ForAll("payload") byte[] payload) {
        byte[] pkt = Packets.udp(Ipv4Header.of(src, dst, IpProtocol.UDP, 0), sp, dp, payload);
        ParsedPacket p = new ParsedPacket();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(pkt), 0, pkt.length, p, ChecksumPolicy.VERIFY))
                .isTrue();
        assertThat(p.flags() & (ParsedPacket.MALFORMED_MASK | ParsedPacket.BAD_IP_CHECKSUM
                | ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isZero();
        UdpView u = p.udp();
        assertThat(u.checksum()).isNotZero();
        assertThat(UdpHeader.parse(u)).isEqualTo(new UdpHeader(sp, dp, payload.length));
        assertThat(u.toByteArray(8, payload.length)).isEqualTo(payload);
    }

    @Property
    void udpV6RoundTripsWithValidChecksums(@ForAll("ipv6") Ipv6Header ip, @ForAll @IntRange(max = 0xFFFF) int sp,
                                           @ForAll @IntRange(max = 0xFFFF) int dp, @ForAll("payload") byte[] payload) {
        byte[] pkt = Packets.udp(ip, sp, dp, payload);
        Ipv6View v = new Ipv6View().wrap(MemorySegment.ofArray(pkt));
        assertThat(v.isValid()).isTrue();
        UdpView u = new UdpView().wrap(v.segment(), v.upperLayerOffset(), v.upperLayerLength());
        if (!v.isFragment() || v.fragmentOffset() == 0) {
            assertThat(v.upperLayerProtocol()).isEqualTo(IpProtocol.UDP);
        }
        assertThat(u.verifyChecksumV6(v.srcAddrHi(), v.srcAddrLo(), v.dstAddrHi(), v.dstAddrLo())).isTrue();
        assertThat(UdpHeader.parse(u)).isEqualTo(new UdpHeader(sp, dp, payload.length));
    }

    @Property
    void icmpv4RoundTrips(@ForAll("icmpv4") Icmpv4Message m) {
        MemorySegment buf = Bufs.filled(m.bufferLength());
        m.emit(new Icmpv4View().wrap(buf));
        Icmpv4View v = new Icmpv4View().wrap(buf);
        assertThat(v.verifyChecksum()).isTrue();
        assertThat(Icmpv4Message.parse(v, ChecksumPolicy.VERIFY)).isEqualTo(m);
    }

    @Property
    void icmpv6RoundTrips(@ForAll("icmpv6") Icmpv6Message m, @ForAll long sh, @ForAll long sl, @ForAll long dh,
                          @ForAll long dl) {
        MemorySegment buf = Bufs.filled(m.bufferLength());
        m.emit(new Icmpv6View().wrap(buf), sh, sl, dh, dl);
        Icmpv6View v = new Icmpv6View().wrap(buf);
        assertThat(v.verifyChecksum(sh, sl, dh, dl)).isTrue();
        assertThat(Icmpv6Message.parse(v, ChecksumPolicy.VERIFY, sh, sl, dh, dl)).isEqualTo(m);
    }
}

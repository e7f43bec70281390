package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/** Calls every getter of every view over some bytes; used to show that none of them throws on garbage. */
final class ViewTouch {
    private ViewTouch() {}

    static long all(MemorySegment seg, long off, long len) {
        long acc = 0;
        EthernetView e = new EthernetView().wrap(seg, off, len);
        acc += e.dstMac() + e.srcMac() + e.etherType() + e.vlanTagCount() + e.vlanTci() + e.vlanId()
                + e.headerLength() + e.payloadEtherType() + e.payloadOffset() + bool(e.checkLength())
                + bool(e.isValid()) + e.toString().length();

        Ipv4View v4 = new Ipv4View().wrap(seg, off, len);
        acc += v4.version() + v4.headerLength() + v4.dscp() + v4.ecn() + v4.totalLength() + v4.identification()
                + bool(v4.dontFragment()) + bool(v4.moreFragments()) + v4.fragmentOffset() + bool(v4.isFragment())
                + v4.ttl() + v4.protocol() + v4.headerChecksum() + v4.srcAddr() + v4.dstAddr() + v4.optionsLength()
                + v4.payloadOffset() + v4.payloadLength() + bool(v4.checkLength()) + bool(v4.isValid())
                + bool(v4.verifyChecksum()) + v4.optionsToArray().length + v4.toString().length();

        Ipv6View v6 = new Ipv6View().wrap(seg, off, len);
        acc += v6.version() + v6.trafficClass() + v6.flowLabel() + v6.payloadLength() + v6.nextHeader()
                + v6.hopLimit() + v6.srcAddrHi() + v6.srcAddrLo() + v6.dstAddrHi() + v6.dstAddrLo()
                + bool(v6.checkLength()) + bool(v6.isValid()) + bool(v6.extensionHeadersValid())
                + v6.upperLayerProtocol() + v6.upperLayerOffset() + v6.upperLayerLength() + v6.headerLength()
                + bool(v6.hasFragmentHeader()) + v6.fragmentOffset() + bool(v6.moreFragments())
                + v6.fragmentIdentification() + bool(v6.isFragment()) + v6.toString().length();
        for (int i = -1; i <= v6.extensionHeaderCount(); i++) {
            acc += v6.extensionHeaderType(i) + v6.extensionHeaderOffset(i) + v6.extensionHeaderLength(i);
        }

        TcpView t = new TcpView().wrap(seg, off, len);
        acc += t.srcPort() + t.dstPort() + t.seqNumber() + t.ackNumber() + t.headerLength() + t.flags()
                + bool(t.hasFlags(TcpView.FLAG_SYN)) + t.window() + t.checksum() + t.urgentPointer()
                + t.payloadOffset() + t.payloadLength() + bool(t.checkLength()) + bool(t.isValid())
                + bool(t.optionsWellFormed()) + t.mss() + t.windowScale() + bool(t.sackPermitted())
                + t.timestampValue() + t.timestampEcho() + t.sackBlockCount() + t.sackLeft(0) + t.sackRight(0)
                + bool(t.verifyChecksumV4(1, 2)) + bool(t.verifyChecksumV6(1, 2, 3, 4))
                + t.optionsToArray().length + t.toString().length();
        int guard = 0;
        for (int p = t.firstOption(); p >= 0 && guard < 64; p = t.nextOption(p), guard++) {
            acc += t.optionKind(p) + t.optionLength(p);
        }
        if (guard >= 64) {
            throw new AssertionError("option walk does not end");
        }
        acc += t.optionKind(-5) + t.optionLength(1000) + t.nextOption(-1);

        UdpView u = new UdpView().wrap(seg, off, len);
        acc += u.srcPort() + u.dstPort() + u.length() + u.checksum() + u.payloadOffset() + u.payloadLength()
                + bool(u.checkLength()) + bool(u.isValid()) + bool(u.verifyChecksumV4(1, 2))
                + bool(u.verifyChecksumV6(1, 2, 3, 4)) + u.toString().length();

        Icmpv4View i4 = new Icmpv4View().wrap(seg, off, len);
        acc += i4.type() + i4.code() + i4.checksum() + i4.restOfHeader() + i4.identifier() + i4.sequenceNumber()
                + i4.nextHopMtu() + i4.pointer() + bool(i4.isError()) + i4.invokingPacketOffset()
                + i4.payloadLength() + bool(i4.checkLength()) + bool(i4.verifyChecksum()) + i4.toString().length();

        Icmpv6View i6 = new Icmpv6View().wrap(seg, off, len);
        acc += i6.type() + i6.code() + i6.checksum() + i6.restOfHeader() + i6.identifier() + i6.sequenceNumber()
                + i6.mtu() + i6.pointer() + bool(i6.isError()) + i6.invokingPacketOffset() + i6.payloadLength()
                + bool(i6.checkLength()) + bool(i6.verifyChecksum(1, 2, 3, 4)) + i6.toString().length();
        return acc;
    }

    private static int bool(boolean b) {
        return b ? 1 : 0;
    }
}

package io.jwfp.packet.repr;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.Ipv4View;
import io.jwfp.packet.MalformedPacketException;

import java.util.Arrays;

/**
 * An IPv4 header (RFC 791 §3.1) with raw options. {@link #emit} always writes version 4, the IHL for the options,
 * the total length and a correct checksum.
 *
 * @param dscp           Differentiated Services Code Point (RFC 2474), 0-63
 * @param ecn            ECN bits (RFC 3168), 0-3
 * @param identification 0-65535
 * @param dontFragment   DF flag
 * @param moreFragments  MF flag
 * @param fragmentOffset in 8-byte units, 0-8191
 * @param ttl            0-255
 * @param protocol       payload protocol, 0-255
 * @param srcAddr        source address, big-endian int
 * @param dstAddr        destination address, big-endian int
 * @param options        option bytes, already padded: a multiple of 4, at most 40 (copied)
 * @param payloadLength  bytes after the header, so that header + payload ≤ 65535
 */
public record Ipv4Header(int dscp, int ecn, int identification, boolean dontFragment, boolean moreFragments,
                         int fragmentOffset, int ttl, int protocol, int srcAddr, int dstAddr, byte[] options,
                         int payloadLength) {
    public static final int DEFAULT_TTL = 64;

    public Ipv4Header {
        Fields.check("dscp", dscp, 0, 63);
        Fields.check("ecn", ecn, 0, 3);
        Fields.check("identification", identification, 0, 0xFFFF);
        Fields.check("fragmentOffset", fragmentOffset, 0, 0x1FFF);
        Fields.check("ttl", ttl, 0, 255);
        Fields.check("protocol", protocol, 0, 255);
        options = Fields.copy("options", options);
        if (options.length % 4 != 0 || options.length > Ipv4View.MAX_OPTIONS_LEN) {
            throw new IllegalArgumentException("options: " + options.length + " bytes (expected: multiple of 4, 0-40)");
        }
        Fields.check("payloadLength", payloadLength, 0, 0xFFFF - Ipv4View.HEADER_LEN - options.length);
    }

    /** A header with jwfp's defaults: no DSCP/ECN, identification 0, DF set, TTL 64, no options. */
    public static Ipv4Header of(int srcAddr, int dstAddr, int protocol, int payloadLength) {
        return new Ipv4Header(0, 0, 0, true, false, 0, DEFAULT_TTL, protocol, srcAddr, dstAddr, new byte[0],
                payloadLength);
    }

    /**
     * Reads the header. Requires {@link Ipv4View#isValid()}; with {@link ChecksumPolicy#VERIFY} also a correct
     * header checksum.
     *
     * @throws MalformedPacketException otherwise
     */
    public static Ipv4Header parse(Ipv4View view, ChecksumPolicy policy) {
        if (!view.isValid()) {
            throw new MalformedPacketException("ipv4: truncated or inconsistent header: " + view);
        }
        if (policy == ChecksumPolicy.VERIFY && !view.verifyChecksum()) {
            throw new MalformedPacketException("ipv4: bad header checksum");
        }
        return new Ipv4Header(view.dscp(), view.ecn(), view.identification(), view.dontFragment(),
                view.moreFragments(), view.fragmentOffset(), view.ttl(), view.protocol(), view.srcAddr(),
                view.dstAddr(), view.optionsToArray(), view.payloadLength());
    }

    /** {@link #parse(Ipv4View, ChecksumPolicy)} with {@link ChecksumPolicy#VERIFY}. */
    public static Ipv4Header parse(Ipv4View view) {
        return parse(view, ChecksumPolicy.VERIFY);
    }

    @Override
    public byte[] options() {
        return options.clone();
    }

    /** 20 plus the options. */
    public int headerLength() {
        return Ipv4View.HEADER_LEN + options.length;
    }

    /** Header and payload. */
    public int totalLength() {
        return headerLength() + payloadLength;
    }

    /** Bytes {@link #emit} writes: the header. */
    public int bufferLength() {
        return headerLength();
    }

    /** Writes the header, options and checksum at the start of the view's window. */
    public void emit(Ipv4View view) {
        view.setHeaderLength(headerLength());
        view.setDscpEcn(dscp, ecn);
        view.setTotalLength(totalLength());
        view.setIdentification(identification);
        view.setFragment(dontFragment, moreFragments, fragmentOffset);
        view.setTtl(ttl);
        view.setProtocol(protocol);
        view.setSrcAddr(srcAddr);
        view.setDstAddr(dstAddr);
        view.setOptions(options);
        view.fillChecksum();
    }

    /** A copy with other addresses. */
    public Ipv4Header withAddresses(int src, int dst) {
        return new Ipv4Header(dscp, ecn, identification, dontFragment, moreFragments, fragmentOffset, ttl, protocol,
                src, dst, options, payloadLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Header h && dscp == h.dscp && ecn == h.ecn && identification == h.identification
                && dontFragment == h.dontFragment && moreFragments == h.moreFragments
                && fragmentOffset == h.fragmentOffset && ttl == h.ttl && protocol == h.protocol
                && srcAddr == h.srcAddr && dstAddr == h.dstAddr && payloadLength == h.payloadLength
                && Arrays.equals(options, h.options);
    }

    @Override
    public int hashCode() {
        int h = srcAddr * 31 + dstAddr;
        h = h * 31 + protocol;
        h = h * 31 + identification;
        h = h * 31 + payloadLength;
        return h * 31 + Arrays.hashCode(options);
    }

    @Override
    public String toString() {
        return "Ipv4Header[" + InetBits.v4ToString(srcAddr) + " > " + InetBits.v4ToString(dstAddr)
                + ", proto=" + protocol + ", ttl=" + ttl + ", id=" + identification + ", dscp=" + dscp
                + ", ecn=" + ecn + (dontFragment ? ", DF" : "") + (moreFragments ? ", MF" : "")
                + ", frag=" + fragmentOffset + ", options=" + Fields.hex(options)
                + ", payloadLength=" + payloadLength + "]";
    }
}

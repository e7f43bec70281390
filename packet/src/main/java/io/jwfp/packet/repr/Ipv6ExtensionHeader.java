package io.jwfp.packet.repr;

import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.Ipv6View;
import io.jwfp.packet.MalformedPacketException;

import java.util.Arrays;

/**
 * One IPv6 extension header (RFC 8200 §4) as its type and the bytes after its first two. The first two bytes (Next
 * Header and Hdr Ext Len, or Next Header and Reserved for a Fragment header) are derived when the chain is emitted.
 *
 * <p>Length rules, checked at construction: Hop-by-Hop, Routing and Destination Options headers are a multiple of 8
 * bytes (RFC 8200 §4.3-4.6); a Fragment header is exactly 8 (§4.5); an Authentication Header is a multiple of 8
 * and at least 12 over IPv6 (RFC 4302 §2.2, §3.3.3.2.1).
 *
 * @param type the header's protocol number: {@link IpProtocol#HOPOPT}, {@link IpProtocol#IPV6_ROUTE},
 *             {@link IpProtocol#IPV6_FRAG}, {@link IpProtocol#IPV6_OPTS} or {@link IpProtocol#AH}
 * @param body the header's bytes from offset 2 (copied)
 */
public record Ipv6ExtensionHeader(int type, byte[] body) {
    public Ipv6ExtensionHeader {
        if (!IpProtocol.isIpv6Extension(type)) {
            throw new IllegalArgumentException("type: " + type + " (expected: 0, 43, 44, 51 or 60)");
        }
        body = Fields.copy("body", body);
        int len = body.length + 2;
        if (type == IpProtocol.IPV6_FRAG) {
            if (len != Ipv6View.FRAGMENT_HEADER_LEN) {
                throw new IllegalArgumentException("body: " + body.length + " bytes (expected: 6 for a fragment)");
            }
        } else if (type == IpProtocol.AH) {
            if (len % 8 != 0 || len < 16 || len > 1024) {
                throw new IllegalArgumentException("body: " + body.length
                        + " bytes (expected: AH of 16-1024 bytes, a multiple of 8, minus 2)");
            }
        } else if (len % 8 != 0 || len > 2048) {
            throw new IllegalArgumentException("body: " + body.length
                    + " bytes (expected: header of 8-2048 bytes, a multiple of 8, minus 2)");
        }
    }

    /** A Hop-by-Hop Options header; {@code options} must already be padded (length ≡ 6 mod 8). */
    public static Ipv6ExtensionHeader hopByHop(byte[] options) {
        return new Ipv6ExtensionHeader(IpProtocol.HOPOPT, options);
    }

    /** A Destination Options header; {@code options} must already be padded (length ≡ 6 mod 8). */
    public static Ipv6ExtensionHeader destinationOptions(byte[] options) {
        return new Ipv6ExtensionHeader(IpProtocol.IPV6_OPTS, options);
    }

    /** A Routing header; {@code typeSpecific} follows Routing Type and Segments Left (length ≡ 4 mod 8). */
    public static Ipv6ExtensionHeader routing(int routingType, int segmentsLeft, byte[] typeSpecific) {
        Fields.check("routingType", routingType, 0, 255);
        Fields.check("segmentsLeft", segmentsLeft, 0, 255);
        byte[] b = new byte[typeSpecific.length + 2];
        b[0] = (byte) routingType;
        b[1] = (byte) segmentsLeft;
        System.arraycopy(typeSpecific, 0, b, 2, typeSpecific.length);
        return new Ipv6ExtensionHeader(IpProtocol.IPV6_ROUTE, b);
    }

    /** A Fragment header; {@code offset} in 8-byte units (0-8191), {@code id} 32 bits. */
    public static Ipv6ExtensionHeader fragment(int offset, boolean moreFragments, long id) {
        Fields.check("offset", offset, 0, 0x1FFF);
        Fields.check("id", id, 0, 0xFFFF_FFFFL);
        int word = offset << 3 | (moreFragments ? 1 : 0);
        return new Ipv6ExtensionHeader(IpProtocol.IPV6_FRAG, new byte[]{(byte) (word >>> 8), (byte) word,
                (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
    }

    /** An Authentication Header: SPI, sequence number and ICV ({@code icv.length} ≡ 4 mod 8). */
    public static Ipv6ExtensionHeader authentication(long spi, long sequence, byte[] icv) {
        Fields.check("spi", spi, 0, 0xFFFF_FFFFL);
        Fields.check("sequence", sequence, 0, 0xFFFF_FFFFL);
        byte[] b = new byte[10 + icv.length];
        putInt(b, 2, spi);
        putInt(b, 6, sequence);
        System.arraycopy(icv, 0, b, 10, icv.length);
        return new Ipv6ExtensionHeader(IpProtocol.AH, b);
    }

    private static void putInt(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Reads the {@code i}-th extension header the view walked. */
    public static Ipv6ExtensionHeader parse(Ipv6View view, int i) {
        int off = view.extensionHeaderOffset(i);
        if (off < 0) {
            throw new MalformedPacketException("ipv6: no extension header " + i);
        }
        return new Ipv6ExtensionHeader(view.extensionHeaderType(i),
                view.toByteArray(off + 2, view.extensionHeaderLength(i) - 2));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Total length in bytes. */
    public int length() {
        return body.length + 2;
    }

    /** Writes the header at {@code offset} of the view's window, with {@code nextHeader} in its first byte. */
    public void emit(Ipv6View view, int offset, int nextHeader) {
        int second;
        if (type == IpProtocol.IPV6_FRAG) {
            second = 0;
        } else if (type == IpProtocol.AH) {
            second = length() / 4 - 2;
        } else {
            second = length() / 8 - 1;
        }
        view.write(offset, new byte[]{(byte) nextHeader, (byte) second});
        view.write(offset + 2, body);
    }

    private void requireFragment() {
        if (type != IpProtocol.IPV6_FRAG) {
            throw new IllegalStateException("not a fragment header: type " + type);
        }
    }

    /** Fragment offset in 8-byte units; fragment headers only. */
    public int fragmentOffset() {
        requireFragment();
        return ((body[0] & 0xFF) << 8 | (body[1] & 0xFF)) >>> 3;
    }

    /** M flag; fragment headers only. */
    public boolean moreFragments() {
        requireFragment();
        return (body[1] & 1) != 0;
    }

    /** Identification; fragment headers only. */
    public long fragmentId() {
        requireFragment();
        return (body[2] & 0xFFL) << 24 | (body[3] & 0xFF) << 16 | (body[4] & 0xFF) << 8 | (body[5] & 0xFF);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6ExtensionHeader h && type == h.type && Arrays.equals(body, h.body);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "Ipv6ExtensionHeader[type=" + type + ", body=" + Fields.hex(body) + "]";
    }
}

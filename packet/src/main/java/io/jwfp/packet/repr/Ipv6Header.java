package io.jwfp.packet.repr;

import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.Ipv6View;
import io.jwfp.packet.MalformedPacketException;

import java.util.ArrayList;
import java.util.List;

/**
 * An IPv6 header (RFC 8200 §3) with its extension-header chain (§4). The chain's Next Header fields and the
 * Payload Length are derived on {@link #emit}: Payload Length = extension headers + {@code upperLayerLength}.
 *
 * @param trafficClass       0-255
 * @param flowLabel          0-0xFFFFF
 * @param hopLimit           0-255
 * @param srcHi              source address, bytes 0-7
 * @param srcLo              source address, bytes 8-15
 * @param dstHi              destination address, bytes 0-7
 * @param dstLo              destination address, bytes 8-15
 * @param extensionHeaders   in wire order (copied)
 * @param upperLayerProtocol Next Header of the last header (6, 17, 58, 59 ...)
 * @param upperLayerLength   bytes after the chain
 */
public record Ipv6Header(int trafficClass, int flowLabel, int hopLimit, long srcHi, long srcLo, long dstHi,
                         long dstLo, List<Ipv6ExtensionHeader> extensionHeaders, int upperLayerProtocol,
                         int upperLayerLength) {
    public static final int DEFAULT_HOP_LIMIT = 64;

    public Ipv6Header {
        Fields.check("trafficClass", trafficClass, 0, 255);
        Fields.check("flowLabel", flowLabel, 0, 0xFFFFF);
        Fields.check("hopLimit", hopLimit, 0, 255);
        Fields.check("upperLayerProtocol", upperLayerProtocol, 0, 255);
        extensionHeaders = List.copyOf(extensionHeaders);
        if (extensionHeaders.size() > Ipv6View.MAX_EXTENSION_HEADERS) {
            throw new IllegalArgumentException("extensionHeaders: " + extensionHeaders.size()
                    + " (expected: at most " + Ipv6View.MAX_EXTENSION_HEADERS + ")");
        }
        int ext = 0;
        for (int i = 0; i < extensionHeaders.size(); i++) {
            Ipv6ExtensionHeader h = extensionHeaders.get(i);
            ext += h.length();
            // Headers after a non-first fragment's Fragment header are not on the wire (RFC 8200 §4.5).
            if (h.type() == IpProtocol.IPV6_FRAG && h.fragmentOffset() != 0
                    && i + 1 < extensionHeaders.size()) {
                throw new IllegalArgumentException(
                        "extensionHeaders: headers after the Fragment header of a non-first fragment");
            }
        }
        Fields.check("upperLayerLength", upperLayerLength, 0, 0xFFFF - ext);
        boolean endsAtNonFirstFragment = !extensionHeaders.isEmpty()
                && extensionHeaders.getLast().type() == IpProtocol.IPV6_FRAG
                && extensionHeaders.getLast().fragmentOffset() != 0;
        if (IpProtocol.isIpv6Extension(upperLayerProtocol) && !endsAtNonFirstFragment) {
            // Readers would walk into the payload as if it were one more extension header.
            throw new IllegalArgumentException("upperLayerProtocol: " + upperLayerProtocol
                    + " (expected: not an extension header; list extension headers in extensionHeaders)");
        }
    }

    /** A header with no extension headers, traffic class 0, flow label 0, hop limit 64. */
    public static Ipv6Header of(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int upperLayerLength) {
        return new Ipv6Header(0, 0, DEFAULT_HOP_LIMIT, srcHi, srcLo, dstHi, dstLo, List.of(), protocol,
                upperLayerLength);
    }

    /**
     * Reads the header and its chain. Requires {@link Ipv6View#isValid()}.
     *
     * @throws MalformedPacketException otherwise
     */
    public static Ipv6Header parse(Ipv6View view) {
        if (!view.isValid()) {
            throw new MalformedPacketException("ipv6: truncated or inconsistent header: " + view);
        }
        List<Ipv6ExtensionHeader> ext = new ArrayList<>(view.extensionHeaderCount());
        for (int i = 0; i < view.extensionHeaderCount(); i++) {
            ext.add(Ipv6ExtensionHeader.parse(view, i));
        }
        return new Ipv6Header(view.trafficClass(), view.flowLabel(), view.hopLimit(), view.srcAddrHi(),
                view.srcAddrLo(), view.dstAddrHi(), view.dstAddrLo(), ext, view.upperLayerProtocol(),
                view.upperLayerLength());
    }

    /** 40 plus the extension headers. */
    public int headerLength() {
        int n = Ipv6View.HEADER_LEN;
        for (Ipv6ExtensionHeader h : extensionHeaders) {
            n += h.length();
        }
        return n;
    }

    /** The Payload Length field: extension headers and upper-layer bytes. */
    public int payloadLength() {
        return headerLength() - Ipv6View.HEADER_LEN + upperLayerLength;
    }

    /** Bytes {@link #emit} writes: fixed header and chain. */
    public int bufferLength() {
        return headerLength();
    }

    /** Writes the fixed header and the chain at the start of the view's window. */
    public void emit(Ipv6View view) {
        view.setVersionTrafficClassFlowLabel(trafficClass, flowLabel);
        view.setPayloadLength(payloadLength());
        view.setNextHeader(extensionHeaders.isEmpty() ? upperLayerProtocol : extensionHeaders.getFirst().type());
        view.setHopLimit(hopLimit);
        view.setSrcAddr(srcHi, srcLo);
        view.setDstAddr(dstHi, dstLo);
        int off = Ipv6View.HEADER_LEN;
        for (int i = 0; i < extensionHeaders.size(); i++) {
            Ipv6ExtensionHeader h = extensionHeaders.get(i);
            int next = i + 1 < extensionHeaders.size() ? extensionHeaders.get(i + 1).type() : upperLayerProtocol;
            h.emit(view, off, next);
            off += h.length();
        }
    }

    @Override
    public String toString() {
        return "Ipv6Header[" + InetBits.v6ToString(srcHi, srcLo) + " > " + InetBits.v6ToString(dstHi, dstLo)
                + ", tc=" + trafficClass + ", flow=" + flowLabel + ", hop=" + hopLimit + ", ext="
                + extensionHeaders + ", upper=" + upperLayerProtocol + ", upperLength=" + upperLayerLength + "]";
    }
}

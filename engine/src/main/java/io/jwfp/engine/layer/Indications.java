package io.jwfp.engine.layer;

import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.ParsedPacket;

/**
 * Where a layer indicates a packet: the offset of {@code layerData}'s current data within the packet
 * (wfp-semantics §3.3, §3.4). The network layers show the IP header (outbound) or the transport header (inbound,
 * IP header already consumed), the transport layers the transport header (outbound) or the payload (inbound), the
 * ALE and datagram layers the transport header outbound and the payload inbound. Every shim positions its packets
 * with this one table, so callouts see the same offsets on the simulated network and on live traffic.
 *
 * <p>Stateless and thread-safe.
 */
public final class Indications {
    private Indications() {}

    /**
     * The data offset for an indication at {@code layer} (a discard twin indicates like its layer).
     *
     * @param inbound         whether the packet travels inbound (for layers used in both directions)
     * @param icmp            whether the packet is ICMP (whose "payload" starts at the ICMP header)
     * @param ipOffset        offset of the IP header (or of the Ethernet header, for the MAC layers: see below)
     * @param transportOffset offset of the transport header
     * @param payloadOffset   offset of the transport payload
     * @return the offset; the outbound MAC layer indicates the frame start, 0
     */
    public static long offset(Layer layer, boolean inbound, boolean icmp, long ipOffset, long transportOffset,
                              long payloadOffset) {
        Layer base = layer.isDiscard() ? layer.nonDiscardLayer() : layer;
        if (base.ipVersion() == IpVersion.V6) base = base.otherIpVersion();
        long payload = icmp ? transportOffset : payloadOffset;
        return switch (base) {
            case FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET -> 0;
            case FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET, FWPM_LAYER_OUTBOUND_IPPACKET_V4, FWPM_LAYER_IPFORWARD_V4 ->
                    ipOffset;
            case FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_OUTBOUND_TRANSPORT_V4, FWPM_LAYER_OUTBOUND_ICMP_ERROR_V4,
                 FWPM_LAYER_STREAM_PACKET_V4 -> inbound && base == Layer.FWPM_LAYER_STREAM_PACKET_V4 ? payload
                    : transportOffset;
            case FWPM_LAYER_INBOUND_TRANSPORT_V4 -> payload;
            case FWPM_LAYER_INBOUND_ICMP_ERROR_V4 -> transportOffset + 8;
            default -> inbound ? payload : transportOffset; // DATAGRAM_DATA and the ALE layers
        };
    }

    /**
     * Moves {@code list}'s data to where {@code layer} indicates the parsed packet {@code p}, which lies at
     * {@code ipOffset} for {@code ipLength} bytes of the list's segment: the data starts at {@link #offset} and ends with
     * the packet. Allocates nothing.
     */
    public static void place(NetBufferList list, Layer layer, boolean inbound, ParsedPacket p, long ipOffset,
                             long ipLength) {
        int proto = p.protocol();
        boolean icmp = proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6;
        boolean transportKnown = p.has(ParsedPacket.HAS_TRANSPORT);
        long transport = transportKnown ? p.transportOffset() : ipOffset + p.ipHeaderSize();
        long payload = transportKnown ? p.payloadOffset() : transport;
        long off = offset(layer, inbound, icmp, ipOffset, transport, payload);
        long end = ipOffset + ipLength;
        long cur = list.dataOffset();
        if (off < cur) {
            list.retreat(cur - off);
        } else {
            list.setDataLength(list.segment().byteSize() - cur);
            list.advance(off - cur);
        }
        list.setDataLength(Math.max(0, end - off));
    }
}

package io.jwfp.engine.layer;

import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.value.ClassifyFacts;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.ParsedPacket;

/**
 * The WFP layers an IP packet crosses on a host, in Windows' order (wfp-semantics §4, seed-samples §10), for the shims
 * that see packets one by one (the NFQUEUE shim, the capture replay):
 * <ul>
 *   <li>outbound: ALE (authorization of a new flow, FLOW_ESTABLISHED where due; not for ICMP errors) → DATAGRAM_DATA
 *   (UDP and ICMP queries) → OUTBOUND_ICMP_ERROR (ICMP errors) → OUTBOUND_TRANSPORT → OUTBOUND_IPPACKET;</li>
 *   <li>inbound: INBOUND_IPPACKET → INBOUND_TRANSPORT (with FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY when the packet
 *   opens a flow) → INBOUND_ICMP_ERROR (ICMP errors, which end the walk) → ALE → DATAGRAM_DATA;</li>
 *   <li>forwarded: IPFORWARD.</li>
 * </ul>
 * A layer's classification returning false ends the walk (the packet is dropped). The shim supplies the facts, the
 * ALE part (flow tracking differs: conntrack on NFQUEUE, the packets themselves in a replay) and the classification.
 *
 * <p>Not thread-safe: one instance per thread, reused for every packet (nothing is allocated by the walk).
 */
public abstract class PacketLayerWalk {
    /** The packet being classified. */
    protected final ParsedPacket parsed = new ParsedPacket();
    /** Its facts, as {@link #packetFacts} sets them for the current direction. */
    protected final ClassifyFacts facts = new ClassifyFacts();
    /** The list the packet layers indicate (positioned per layer by the shim's classify). */
    protected NetBufferList nbl;
    /** Whether the packet is IPv6 (the walk picks the layers of its version). */
    protected boolean v6;
    /** The direction of the walk in progress. */
    protected boolean inbound;

    /** Sets {@link #facts} for the current packet seen in direction {@link #inbound} (local = this host's side). */
    protected abstract void packetFacts();

    /** The ALE part of a packet that is not an ICMP error; false when the packet is dropped. */
    protected abstract boolean ale();

    /** Whether an inbound packet (not an ICMP error) opens a flow not seen yet. */
    protected abstract boolean opensFlow();

    /** Classifies the current packet (or operation) at {@code layer}; false when the packet is dropped. */
    protected abstract boolean classify(Layer layer, Object data);

    /** Adds what the shim knows of the interfaces to the forwarding facts (nothing by default). */
    protected void forwardFacts() {}

    /** @param networkOnly only OUTBOUND_IPPACKET (a packet injected at the network layer) */
    protected final boolean outbound(boolean networkOnly) {
        inbound = false;
        packetFacts();
        if (networkOnly) return classify(v(FWPM_LAYER_OUTBOUND_IPPACKET_V4), nbl);
        boolean icmpError = parsed.has(ParsedPacket.ICMP_ERROR);
        if (!icmpError && !ale()) return false;
        if (datagram(icmpError) && !classify(v(FWPM_LAYER_DATAGRAM_DATA_V4), nbl)) return false;
        if (icmpError && !classify(v(FWPM_LAYER_OUTBOUND_ICMP_ERROR_V4), nbl)) return false;
        if (!classify(v(FWPM_LAYER_OUTBOUND_TRANSPORT_V4), nbl)) return false;
        return classify(v(FWPM_LAYER_OUTBOUND_IPPACKET_V4), nbl);
    }

    /** @param fromTransport skip INBOUND_IPPACKET (a packet injected at the transport layer) */
    protected final boolean inbound(boolean fromTransport) {
        inbound = true;
        packetFacts();
        boolean icmpError = parsed.has(ParsedPacket.ICMP_ERROR);
        if (!fromTransport && !classify(v(FWPM_LAYER_INBOUND_IPPACKET_V4), nbl)) return false;
        if (!icmpError && opensFlow()) {
            // No flow yet: the transport layer marks the packet for ALE classification, as Windows does.
            facts.flags |= ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY;
            boolean ok = classify(v(FWPM_LAYER_INBOUND_TRANSPORT_V4), nbl);
            facts.flags &= ~ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY;
            if (!ok) return false;
        } else if (!classify(v(FWPM_LAYER_INBOUND_TRANSPORT_V4), nbl)) {
            return false;
        }
        if (icmpError) return classify(v(FWPM_LAYER_INBOUND_ICMP_ERROR_V4), nbl);
        if (!ale()) return false;
        return !datagram(false) || classify(v(FWPM_LAYER_DATAGRAM_DATA_V4), nbl);
    }

    /** A forwarded packet: IPFORWARD, with the source, destination and (from the shim) interface facts. */
    protected final boolean forward(int compartmentId) {
        inbound = false;
        facts.reset();
        facts.v6 = v6;
        facts.protocol = parsed.protocol();
        facts.sourceKnown = true;
        if (v6) {
            facts.sourceHi = parsed.srcHi();
            facts.sourceLo = parsed.srcLo();
            facts.destinationHi = parsed.dstHi();
            facts.destinationLo = parsed.dstLo();
            facts.destinationAddressType = ClassifyFacts.addressTypeV6(parsed.dstHi());
        } else {
            facts.sourceLo = Integer.toUnsignedLong(parsed.srcV4());
            facts.destinationLo = Integer.toUnsignedLong(parsed.dstV4());
            facts.destinationAddressType = ClassifyFacts.addressTypeV4(parsed.dstV4());
        }
        facts.compartmentId = compartmentId;
        forwardFacts();
        if (parsed.has(ParsedPacket.FRAGMENT)) facts.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_FRAGMENT;
        return classify(v(FWPM_LAYER_IPFORWARD_V4), nbl);
    }

    /**
     * Whether DATAGRAM_DATA indicates the packet: UDP, and ICMP messages other than errors (echo and the like), which
     * Windows shows there too — ddproxy's ICMP mode redirects echo requests at that layer.
     */
    protected final boolean datagram(boolean icmpError) {
        int proto = parsed.protocol();
        return proto == IpProtocol.UDP
                || (proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6) && !icmpError && parsed.has(ParsedPacket.HAS_TRANSPORT);
    }

    /**
     * Fills {@code meta} (just reset) with what every classification of the current packet carries: the compartment,
     * the packet's direction, its header sizes, the flow ({@code flowHandle}, 0: none), ALE_CLASSIFY_REQUIRED when the
     * facts say so, and the ICMP identifier and sequence of an ICMP query. Allocates nothing.
     */
    protected final void packetMetadata(FwpsIncomingMetadataValues meta, int compartmentId, long flowHandle) {
        meta.setCompartmentId(compartmentId);
        meta.setPacketDirection(inbound ? ConditionFlags.FWP_DIRECTION_INBOUND : ConditionFlags.FWP_DIRECTION_OUTBOUND);
        meta.setHeaderSizes(parsed.ipHeaderSize(), parsed.has(ParsedPacket.HAS_TRANSPORT) ? parsed.transportHeaderSize() : 0);
        if (flowHandle != 0) meta.setFlowHandle(flowHandle);
        if ((facts.flags & ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY) != 0) {
            meta.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_ALE_CLASSIFY_REQUIRED;
        }
        int proto = parsed.protocol();
        if ((proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6) && !parsed.has(ParsedPacket.ICMP_ERROR)
                && parsed.has(ParsedPacket.HAS_TRANSPORT)) {
            meta.icmpIdAndSequence = (parsed.icmpId() << 16) | (parsed.icmpSeq() & 0xFFFF);
            meta.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_ICMP_ID_AND_SEQUENCE;
        }
    }

    /** The layer of the packet's IP version, given the IPv4 one. */
    protected final Layer v(Layer v4) {
        return v6 ? v4.otherIpVersion() : v4;
    }
}

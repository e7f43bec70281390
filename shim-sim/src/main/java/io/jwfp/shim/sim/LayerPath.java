package io.jwfp.shim.sim;

import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;

import static io.jwfp.engine.layer.Conditions.*;
import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.InetBits;
import io.jwfp.shim.sim.trace.Direction;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The one place where a simulated host meets WFP. Callers in the stack say "classify this at layer X" with the
 * {@link Facts} they know; this class fills the layer's incoming values (by the layer's field indexes; what the
 * facts lack stays FWP_EMPTY) and metadata, moves the packet's data offset to where the layer indicates it
 * (wfp-semantics §3.3), calls {@link FilterEngine#classify}, restores the offset, records the classification in the
 * trace, and, for {@link #enforce}, indicates a non-absorbed block at the layer's {@code _DISCARD} twin.
 */
final class LayerPath {
    /** NL_ADDRESS_TYPE NlatUnicast. */
    static final int NLAT_UNICAST = 1;
    static final int COMPARTMENT = 1;
    /** jwfp's INET_DISCARD_REASON-style values for stack discards (Windows' are internal). */
    static final int DISCARD_NO_ENDPOINT = 1;
    static final int DISCARD_BAD_CHECKSUM = 2;
    static final int DISCARD_NOT_LOCAL = 3;
    static final int DISCARD_SOURCE_NOT_LOCAL = 4;
    static final int DISCARD_FLOW_REAUTH = 5;

    private final SimHost host;

    LayerPath(SimHost host) {
        this.host = host;
    }

    /** The IPv6 twin of a V4 layer for V6 traffic. */
    static Layer v(Layer v4Layer, IpVersion version) {
        return version == IpVersion.V4 ? v4Layer : v4Layer.otherIpVersion();
    }

    /** Classifies with every sublayer. */
    Indication classify(Layer layer, Facts f, SimPacket pkt, Object layerData) {
        return classify(layer, f, pkt, layerData, FilterEngine.ALL_SUBLAYERS);
    }

    /** Classifies; the packet (if any) is the layer data, at the layer's offset. */
    Indication classify(Layer layer, Facts f, SimPacket pkt, Object layerData, int belowWeight) {
        FwpsIncomingValues in = new FwpsIncomingValues(layer);
        fillValues(in, layer, f);
        FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
        Object data = layerData;
        long saved = -1;
        if (pkt != null && data == null) {
            data = pkt.nbl;
            saved = pkt.nbl.dataOffset();
            moveTo(pkt, indicationOffset(layer, f, pkt));
        }
        Indication ind = new Indication(host, layer, f, data, pkt);
        fillMetadata(meta, layer, f, pkt, ind);
        SimClassifyContext ctx = new SimClassifyContext(ind);
        ClassifyResult r = new ClassifyResult(ctx);
        ind.result = r;
        host.engine().classify(in, meta, data, r, null, belowWeight);
        ctx.finish();
        if (saved >= 0) moveTo(pkt, saved);
        boolean injected = pkt != null && pkt.nbl.injectionTag() instanceof SimKernel.InjectionTag;
        String summary = f.summary != null ? f.summary : pkt != null ? pkt.summary() : null;
        if (data instanceof FwpsStreamCalloutIoPacket) summary = summary + streamAnswerText(StreamChannel.answer(ind));
        host.network().trace().classification(host.network().clock().nanos(), host.name(),
                f.event != null ? f.event : pkt != null ? pkt.label() : "-", layer, f.direction, r.action(),
                r.filterId(), r.decidingFilter() == null ? null : r.decidingFilter().name(), r.isAbsorbed(),
                (f.flags & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0, injected,
                (f.flags & ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK) != 0, pkt == null ? 0 : pkt.id,
                summary);
        return ind;
    }

    /** The stream action a callout asked for, for the trace ({@code " DEFER"}, {@code " NEED_MORE_DATA(+5)"}). */
    private static String streamAnswerText(long[] answer) {
        if (answer == null) return "";
        return switch ((int) answer[0]) {
            case FwpsStreamCalloutIoPacket.FWPS_STREAM_ACTION_NONE -> " enforced=" + answer[1];
            case FwpsStreamCalloutIoPacket.FWPS_STREAM_ACTION_ALLOW_CONNECTION -> " ALLOW_CONNECTION";
            case FwpsStreamCalloutIoPacket.FWPS_STREAM_ACTION_NEED_MORE_DATA -> " NEED_MORE_DATA(+" + answer[2] + ")";
            case FwpsStreamCalloutIoPacket.FWPS_STREAM_ACTION_DROP_CONNECTION -> " DROP_CONNECTION";
            case FwpsStreamCalloutIoPacket.FWPS_STREAM_ACTION_DEFER -> " DEFER";
            default -> " action=" + answer[0];
        };
    }

    /**
     * Classifies and enforces a block: unless absorbed, a blocked packet or operation is indicated at the layer's
     * discard twin (discard module GENERAL, reason FWPS_DISCARD_FIREWALL_POLICY, the deciding filter's id).
     */
    Indication enforce(Layer layer, Facts f, SimPacket pkt, Object layerData) {
        Indication ind = classify(layer, f, pkt, layerData);
        if (ind.blocked() && !ind.result.isAbsorbed() && !ind.isPended()) {
            discard(layer, f, pkt, FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_GENERAL,
                    FwpsIncomingMetadataValues.FWPS_DISCARD_FIREWALL_POLICY, ind.result.filterId());
        }
        return ind;
    }

    Indication enforce(Layer layer, Facts f, SimPacket pkt) {
        return enforce(layer, f, pkt, null);
    }

    /** Indicates at {@code layer}'s discard twin (if it has one); returns that classification, or null. */
    Indication discard(Layer layer, Facts f, SimPacket pkt, int module, int reason, long filterId) {
        Layer d = layer.isDiscard() ? layer : layer.discardLayer();
        if (d == null) return null;
        Facts df = f.copy();
        df.discardModule = module;
        df.discardReason = reason;
        df.discardFilterId = filterId;
        return classify(d, df, pkt, null);
    }

    // ---------------------------------------------------------------- offsets (wfp-semantics §3.3, §3.4)

    private static void moveTo(SimPacket pkt, long offset) {
        long cur = pkt.nbl.dataOffset();
        if (offset < cur) pkt.nbl.retreat(cur - offset);
        else if (offset > cur) pkt.nbl.advance(offset - cur);
    }

    /** Where the layer indicates the packet's data. */
    static long indicationOffset(Layer layer, Facts f, SimPacket pkt) {
        Layer base = layer.isDiscard() ? layer.nonDiscardLayer() : layer;
        if (base.ipVersion() == IpVersion.V6) base = base.otherIpVersion();
        boolean inbound = f.direction == Direction.INBOUND;
        long payload = pkt.isIcmp() ? pkt.transportOffset() : pkt.payloadOffset();
        return switch (base) {
            case FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET -> pkt.ipOffset - SimHost.ETHERNET_HEADER;
            case FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET, FWPM_LAYER_OUTBOUND_IPPACKET_V4, FWPM_LAYER_IPFORWARD_V4 ->
                    pkt.ipOffset;
            case FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_OUTBOUND_TRANSPORT_V4, FWPM_LAYER_OUTBOUND_ICMP_ERROR_V4,
                 FWPM_LAYER_STREAM_PACKET_V4 -> inbound && base == FWPM_LAYER_STREAM_PACKET_V4 ? payload
                    : pkt.transportOffset();
            case FWPM_LAYER_INBOUND_TRANSPORT_V4 -> payload;
            case FWPM_LAYER_INBOUND_ICMP_ERROR_V4 -> pkt.transportOffset() + 8;
            default -> inbound ? payload : pkt.transportOffset(); // DATAGRAM_DATA and the ALE layers
        };
    }

    // ---------------------------------------------------------------- incoming values

    private static void fillValues(FwpsIncomingValues in, Layer layer, Facts f) {
        if (f.protocol >= 0) u8(in, layer, FWPM_CONDITION_IP_PROTOCOL, f.protocol);
        addr(in, layer, FWPM_CONDITION_IP_LOCAL_ADDRESS, f.local);
        addr(in, layer, FWPM_CONDITION_IP_REMOTE_ADDRESS, f.remote);
        if (f.local != null) u8(in, layer, FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE, NLAT_UNICAST);
        if (f.remote != null) u8(in, layer, FWPM_CONDITION_IP_DESTINATION_ADDRESS_TYPE, NLAT_UNICAST);
        if (f.localPort >= 0) u16(in, layer, FWPM_CONDITION_IP_LOCAL_PORT, f.localPort);
        if (f.remotePort >= 0) u16(in, layer, FWPM_CONDITION_IP_REMOTE_PORT, f.remotePort);
        u32(in, layer, FWPM_CONDITION_FLAGS, f.flags);
        u32(in, layer, FWPM_CONDITION_COMPARTMENT_ID, COMPARTMENT);
        if (f.direction == Direction.INBOUND || f.direction == Direction.OUTBOUND) {
            u32(in, layer, FWPM_CONDITION_DIRECTION, f.direction == Direction.INBOUND
                    ? ConditionFlags.FWP_DIRECTION_INBOUND : ConditionFlags.FWP_DIRECTION_OUTBOUND);
        }
        if ((f.flags & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0) {
            u32(in, layer, FWPM_CONDITION_REAUTHORIZE_REASON, f.reauthReason);
        }
        SimInterface i = f.iface;
        if (i != null) {
            u64(in, layer, FWPM_CONDITION_IP_LOCAL_INTERFACE, i.luid());
            u32(in, layer, FWPM_CONDITION_INTERFACE_INDEX, i.index());
            u32(in, layer, FWPM_CONDITION_SUB_INTERFACE_INDEX, 0);
            u32(in, layer, FWPM_CONDITION_INTERFACE_TYPE, i.ifType());
            u32(in, layer, FWPM_CONDITION_TUNNEL_TYPE, 0);
            if (f.direction == Direction.INBOUND) {
                u64(in, layer, FWPM_CONDITION_IP_ARRIVAL_INTERFACE, i.luid());
                u32(in, layer, FWPM_CONDITION_ARRIVAL_INTERFACE_INDEX, i.index());
                u32(in, layer, FWPM_CONDITION_ARRIVAL_INTERFACE_TYPE, i.ifType());
            } else if (f.direction == Direction.OUTBOUND) {
                u64(in, layer, FWPM_CONDITION_IP_NEXTHOP_INTERFACE, i.luid());
                u32(in, layer, FWPM_CONDITION_NEXTHOP_INTERFACE_INDEX, i.index());
                u32(in, layer, FWPM_CONDITION_NEXTHOP_INTERFACE_TYPE, i.ifType());
            }
        }
        if (f.process != null) {
            int a = layer.fieldIndex(FWPM_CONDITION_ALE_APP_ID);
            if (a >= 0) in.setByteBlob(a, f.process.appId());
            int u = layer.fieldIndex(FWPM_CONDITION_ALE_USER_ID);
            if (u >= 0) in.setToken(u, f.process.token());
        }
        if (f.embeddedProtocol >= 0) {
            u8(in, layer, FWPM_CONDITION_EMBEDDED_PROTOCOL, f.embeddedProtocol);
            addr(in, layer, FWPM_CONDITION_EMBEDDED_REMOTE_ADDRESS, f.embeddedRemote);
            u8(in, layer, FWPM_CONDITION_EMBEDDED_LOCAL_ADDRESS_TYPE, NLAT_UNICAST);
            if (f.embeddedLocalPort >= 0) u16(in, layer, FWPM_CONDITION_EMBEDDED_LOCAL_PORT, f.embeddedLocalPort);
            if (f.embeddedRemotePort >= 0) u16(in, layer, FWPM_CONDITION_EMBEDDED_REMOTE_PORT, f.embeddedRemotePort);
        }
        if (f.source != null) {
            addr(in, layer, FWPM_CONDITION_IP_SOURCE_ADDRESS, f.source);
            addr(in, layer, FWPM_CONDITION_IP_DESTINATION_ADDRESS, f.destination);
            u8(in, layer, FWPM_CONDITION_IP_DESTINATION_ADDRESS_TYPE, NLAT_UNICAST);
            if (f.forwardIface != null) {
                u64(in, layer, FWPM_CONDITION_IP_FORWARD_INTERFACE, f.forwardIface.luid());
                u32(in, layer, FWPM_CONDITION_DESTINATION_INTERFACE_INDEX, f.forwardIface.index());
            }
            if (i != null) u32(in, layer, FWPM_CONDITION_SOURCE_INTERFACE_INDEX, i.index());
        }
        if (f.etherType >= 0) {
            if (i != null) mac(in, layer, FWPM_CONDITION_INTERFACE_MAC_ADDRESS, i.mac());
            mac(in, layer, FWPM_CONDITION_MAC_LOCAL_ADDRESS, f.macLocal);
            mac(in, layer, FWPM_CONDITION_MAC_REMOTE_ADDRESS, f.macRemote);
            u8(in, layer, FWPM_CONDITION_MAC_LOCAL_ADDRESS_TYPE, macType(f.macLocal));
            u8(in, layer, FWPM_CONDITION_MAC_REMOTE_ADDRESS_TYPE, macType(f.macRemote));
            u16(in, layer, FWPM_CONDITION_ETHER_TYPE, f.etherType);
            u32(in, layer, FWPM_CONDITION_L2_FLAGS, ConditionFlags.FWP_CONDITION_L2_IS_NATIVE_ETHERNET);
        }
    }

    /** DL_ADDRESS_TYPE: DlUnicast 0, DlMulticast 1, DlBroadcast 2. */
    private static int macType(long mac) {
        if (mac == 0xFFFF_FFFF_FFFFL) return 2;
        return (mac >>> 40 & 1) != 0 ? 1 : 0;
    }

    private static void u8(FwpsIncomingValues in, Layer l, ConditionKey c, int v) {
        int i = l.fieldIndex(c);
        if (i >= 0) in.setUint8(i, v);
    }

    private static void u16(FwpsIncomingValues in, Layer l, ConditionKey c, int v) {
        int i = l.fieldIndex(c);
        if (i >= 0) in.setUint16(i, v);
    }

    private static void u32(FwpsIncomingValues in, Layer l, ConditionKey c, int v) {
        int i = l.fieldIndex(c);
        if (i >= 0) in.setUint32(i, v);
    }

    private static void u64(FwpsIncomingValues in, Layer l, ConditionKey c, long v) {
        int i = l.fieldIndex(c);
        if (i >= 0) in.setUint64(i, v);
    }

    private static void mac(FwpsIncomingValues in, Layer l, ConditionKey c, long v) {
        int i = l.fieldIndex(c);
        if (i >= 0 && v >= 0) in.setByteArray6(i, v);
    }

    private static void addr(FwpsIncomingValues in, Layer l, ConditionKey c, InetAddress a) {
        int i = l.fieldIndex(c);
        if (i < 0 || a == null) return;
        if (a instanceof Inet4Address v4) in.setUint32(i, InetBits.v4(v4));
        else in.setByteArray16(i, InetBits.v6Hi((Inet6Address) a), InetBits.v6Lo((Inet6Address) a));
    }

    // ---------------------------------------------------------------- metadata (wfp-semantics §3.6)

    private static void fillMetadata(FwpsIncomingMetadataValues m, Layer layer, Facts f, SimPacket pkt,
                                     Indication ind) {
        m.setCompartmentId(COMPARTMENT);
        if (f.flowHandle != 0) m.setFlowHandle(f.flowHandle);
        if (f.endpointHandle != 0) m.setTransportEndpointHandle(f.endpointHandle);
        if (f.parentEndpointHandle != 0) {
            m.parentEndpointHandle = f.parentEndpointHandle;
            m.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_PARENT_ENDPOINT_HANDLE;
        }
        if (layer.isAle() && f.process != null) {
            m.setProcess(f.process.pid(), f.process.path(), f.process.token());
        }
        if (f.direction == Direction.INBOUND || f.direction == Direction.OUTBOUND) {
            m.setPacketDirection(f.direction == Direction.INBOUND ? ConditionFlags.FWP_DIRECTION_INBOUND
                    : ConditionFlags.FWP_DIRECTION_OUTBOUND);
        }
        if (pkt != null && pkt.p.ipHeaderSize() > 0) {
            m.setHeaderSizes(pkt.ipHeaderSize(), pkt.transportHeaderSize());
            if (pkt.isIcmp() && !pkt.isIcmpError()) {
                m.icmpIdAndSequence = (pkt.p.icmpId() << 16) | (pkt.p.icmpSeq() & 0xFFFF);
                m.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_ICMP_ID_AND_SEQUENCE;
            }
        }
        if (f.iface != null && layer.name().contains("OUTBOUND_IPPACKET")) {
            m.pathMtu = f.iface.mtu();
            m.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_PATH_MTU;
        }
        if (f.completionHandle != null) m.setCompletionHandle(ind);
        if (f.redirectRecords != null) {
            m.redirectRecords = f.redirectRecords;
            m.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_REDIRECT_RECORD_HANDLE;
        }
        if (f.aleClassifyRequired) {
            m.currentMetadataValues |= FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_ALE_CLASSIFY_REQUIRED;
        }
        if (f.discardModule >= 0) m.setDiscard(f.discardModule, f.discardReason, f.discardFilterId);
    }
}

package io.jwfp.shim.sim;

import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;

import static io.jwfp.engine.layer.Conditions.*;
import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.InjectionTags;
import io.jwfp.engine.layer.Indications;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.value.ClassifyFacts;
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
        boolean injected = pkt != null && InjectionTags.isInjected(pkt.nbl);
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
        // The sim builds frames with the Ethernet header right before the IP header, not at the buffer's start.
        if (layer == Layer.FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET) return pkt.ipOffset - SimHost.ETHERNET_HEADER;
        return Indications.offset(layer, f.direction == Direction.INBOUND, pkt.isIcmp(), pkt.ipOffset,
                pkt.transportOffset(), pkt.payloadOffset());
    }

    // ---------------------------------------------------------------- incoming values

    /** Translates the host's facts into the shared {@link ClassifyFacts}, which decides each layer's fields. */
    private static void fillValues(FwpsIncomingValues in, Layer layer, Facts f) {
        ClassifyFacts c = new ClassifyFacts();
        c.v6 = layer.ipVersion() == IpVersion.V6;
        c.protocol = f.protocol;
        if (f.local != null) c.local(hi(f.local), lo(f.local, c.v6));
        if (f.remote != null) c.remote(hi(f.remote), lo(f.remote, c.v6));
        c.localPort = f.localPort;
        c.remotePort = f.remotePort;
        c.flags = f.flags;
        c.compartmentId = COMPARTMENT;
        if (f.direction == Direction.INBOUND || f.direction == Direction.OUTBOUND) {
            c.direction = f.direction == Direction.INBOUND ? ConditionFlags.FWP_DIRECTION_INBOUND
                    : ConditionFlags.FWP_DIRECTION_OUTBOUND;
        }
        c.reauthReason = f.reauthReason;
        SimInterface i = f.iface;
        if (i != null) {
            c.ifIndex = i.index();
            c.ifLuid = i.luid();
            c.ifType = i.ifType();
            c.interfaceMac = i.mac();
        }
        if (f.process != null) {
            c.appId = f.process.appId();
            c.userToken = f.process.token();
        }
        c.embeddedProtocol = f.embeddedProtocol;
        if (f.embeddedRemote != null) {
            c.embeddedRemoteKnown = true;
            c.embeddedRemoteHi = hi(f.embeddedRemote);
            c.embeddedRemoteLo = lo(f.embeddedRemote, c.v6);
        }
        c.embeddedLocalPort = f.embeddedLocalPort;
        c.embeddedRemotePort = f.embeddedRemotePort;
        if (f.source != null) {
            c.sourceKnown = true;
            c.sourceHi = hi(f.source);
            c.sourceLo = lo(f.source, c.v6);
            c.destinationHi = hi(f.destination);
            c.destinationLo = lo(f.destination, c.v6);
            if (f.forwardIface != null) {
                c.forwardIfIndex = f.forwardIface.index();
                c.forwardIfLuid = f.forwardIface.luid();
            }
        }
        c.etherType = f.etherType;
        c.macLocal = f.macLocal;
        c.macRemote = f.macRemote;
        c.fillInto(in);
    }

    private static long hi(InetAddress a) {
        return a instanceof Inet6Address v6 ? InetBits.v6Hi(v6) : 0;
    }

    /** The low half; an IPv4 address at a V6 layer (dual stack) is given in IPv4-mapped form. */
    private static long lo(InetAddress a, boolean v6Layer) {
        if (a instanceof Inet6Address v6) return InetBits.v6Lo(v6);
        long v4 = Integer.toUnsignedLong(InetBits.v4((Inet4Address) a));
        return v6Layer ? 0xFFFF_0000_0000L | v4 : v4;
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

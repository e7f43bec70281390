package io.jwfp.bfe.netevent;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_USER_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_DIRECTION;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_FLAGS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_DESTINATION_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_SOURCE_ADDRESS;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.Keys;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import java.time.Instant;

/** Builds a net event from a classification: the 5-tuple, direction, app and user from the layer's fields. */
public final class NetEventFactory {
    private NetEventFactory() {}

    /** Extra packet facts a shim can supply for layers whose fields lack them (the IP packet layers). */
    public interface PacketFacts {
        /** IP protocol, or -1. */
        int ipProtocol();

        /** Local port (ICMP type), or -1. */
        int localPort();

        /** Remote port (ICMP code), or -1. */
        int remotePort();
    }

    public static NetEvent create(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                                  ClassifyResult r, Instant now) {
        Layer layer = in.layer();
        int proto = (int) number(in, FWPM_CONDITION_IP_PROTOCOL, -1);
        int lport = (int) number(in, FWPM_CONDITION_IP_LOCAL_PORT, -1);
        int rport = (int) number(in, FWPM_CONDITION_IP_REMOTE_PORT, -1);
        if (layerData instanceof PacketFacts pf) {
            if (proto < 0) proto = pf.ipProtocol();
            if (lport < 0) lport = pf.localPort();
            if (rport < 0) rport = pf.remotePort();
        } else if ((proto < 0 || lport < 0) && layerData instanceof NetBufferList nbl) {
            // The IP packet layers have no protocol or port fields: read them from the packet itself (events are
            // rare, so parsing here costs nothing on the classify path).
            ParsedPacket p = parseIndicated(layer, meta, nbl);
            if (p != null) {
                boolean inbound = NetEventFactory.direction(in, meta).equals("FWP_DIRECTION_INBOUND");
                if (proto < 0) proto = p.protocol();
                if (lport < 0 && p.has(ParsedPacket.HAS_PORTS)) {
                    lport = inbound ? p.dstPort() : p.srcPort();
                    rport = inbound ? p.srcPort() : p.dstPort();
                } else if (lport < 0 && p.has(ParsedPacket.HAS_TRANSPORT)
                        && (p.protocol() == IpProtocol.ICMP || p.protocol() == IpProtocol.ICMPV6)) {
                    lport = p.icmpType(); // WFP's convention: ICMP type and code in the port fields
                    rport = p.icmpCode();
                }
            }
        }
        String local = address(in, FWPM_CONDITION_IP_LOCAL_ADDRESS);
        if (local == null) local = address(in, FWPM_CONDITION_IP_SOURCE_ADDRESS);
        String remote = address(in, FWPM_CONDITION_IP_REMOTE_ADDRESS);
        if (remote == null) remote = address(in, FWPM_CONDITION_IP_DESTINATION_ADDRESS);
        String app = null;
        int af = layer.fieldIndex(FWPM_CONDITION_ALE_APP_ID);
        if (af >= 0 && in.ref(af) instanceof byte[] blob) app = AppIds.tryDecode(blob);
        if (app == null && meta != null && meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_PROCESS_PATH)) {
            app = meta.processPath;
        }
        FwpToken token = null;
        int uf = layer.fieldIndex(FWPM_CONDITION_ALE_USER_ID);
        if (uf >= 0 && in.ref(uf) instanceof FwpToken t) token = t;
        if (token == null && meta != null && meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_TOKEN)) {
            token = meta.token;
        }
        long flags = number(in, FWPM_CONDITION_FLAGS, 0);
        IpVersion v = layer.ipVersion();
        return new NetEvent(0,
                r.action() == ActionType.FWP_ACTION_BLOCK ? NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP
                        : NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_ALLOW,
                now, layer, r.filterId(), r.decidingFilter() == null ? null : r.decidingFilter().name(),
                direction(in, meta), v == null ? -1 : v == IpVersion.V4 ? 4 : 6, proto, local, lport, remote, rport,
                app, token == null ? -1 : Integer.toUnsignedLong(token.uid()), token == null ? null : token.userName(),
                (flags & ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK) != 0,
                (flags & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0, r.isVeto());
    }

    /**
     * The packet an IP-level layer indicated, parsed from its IP header: the inbound IP packet layer indicates the
     * transport header (the IP header, {@code meta.ipHeaderSize} bytes, lies just before it); the outbound IP packet
     * and forward layers indicate the IP header. Null for other layers or when nothing parses.
     */
    private static ParsedPacket parseIndicated(Layer layer, FwpsIncomingMetadataValues meta, NetBufferList nbl) {
        Layer base = layer.isDiscard() ? layer.nonDiscardLayer() : layer;
        if (base == null) return null;
        String n = base.shortName();
        if (!n.startsWith("INBOUND_IPPACKET") && !n.startsWith("OUTBOUND_IPPACKET") && !n.startsWith("IPFORWARD")) {
            return null;
        }
        long ip = nbl.dataOffset();
        if (n.startsWith("INBOUND_IPPACKET")) {
            if (meta == null || !meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_IP_HEADER_SIZE)) return null;
            ip -= meta.ipHeaderSize;
            if (ip < 0) return null;
        }
        ParsedPacket p = new ParsedPacket();
        long len = nbl.segment().byteSize() - ip;
        return PacketParser.parseIp(nbl.segment(), ip, len, p) ? p : null;
    }

    /** The direction of traffic at a layer: from its name, its DIRECTION field, or the packet-direction metadata. */
    public static String direction(FwpsIncomingValues in, FwpsIncomingMetadataValues meta) {
        String n = in.layer().name();
        if (n.contains("_INBOUND_") || n.contains("RECV_ACCEPT") || n.contains("AUTH_LISTEN")) return "FWP_DIRECTION_INBOUND";
        if (n.contains("_OUTBOUND_") || n.contains("AUTH_CONNECT") || n.contains("CONNECT_REDIRECT")) return "FWP_DIRECTION_OUTBOUND";
        long d = number(in, FWPM_CONDITION_DIRECTION, -1);
        if (d < 0 && meta != null && meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_PACKET_DIRECTION)) {
            d = meta.packetDirection;
        }
        return d == ConditionFlags.FWP_DIRECTION_INBOUND ? "FWP_DIRECTION_INBOUND" : "FWP_DIRECTION_OUTBOUND";
    }

    private static long number(FwpsIncomingValues in, ConditionKey c, long dflt) {
        int f = in.layer().fieldIndex(c);
        if (f < 0) return dflt;
        DataType t = DataType.ofCode(in.typeCode(f));
        return t != null && t.isUnsigned() ? in.keyLo(f) : dflt;
    }

    private static String address(FwpsIncomingValues in, ConditionKey c) {
        int f = in.layer().fieldIndex(c);
        if (f < 0) return null;
        int t = in.typeCode(f);
        if (t == DataType.FWP_UINT32.code()) return Keys.formatIpv4(in.keyLo(f));
        if (t == DataType.FWP_BYTE_ARRAY16_TYPE.code()) return Keys.formatIpv6(in.keyHi(f), in.keyLo(f));
        return null;
    }
}

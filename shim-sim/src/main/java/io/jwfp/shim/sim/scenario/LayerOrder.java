package io.jwfp.shim.sim.scenario;

import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.trace.Classification;
import java.util.ArrayList;
import java.util.List;

/**
 * Windows' layer order for TCP as Microsoft's "TCP Packet Flows" page gives it (seed-samples §10), as trace lines
 * ({@code event LAYER}, without {@code FWPM_LAYER_} and the IP version): what the layer-order conformance scenarios
 * LO-1 and LO-2 and the simulator's own tests compare a trace with. Stateless.
 */
public final class LayerOrder {
    private LayerOrder() {}

    /** The server of a TCP handshake: passive open, the SYN, the SYN-ACK, the ACK, then FLOW_ESTABLISHED. */
    public static final List<String> SEED_SERVER = List.of(
            "bind ALE_BIND_REDIRECT", "bind ALE_RESOURCE_ASSIGNMENT", "listen ALE_AUTH_LISTEN",
            "SYN INBOUND_IPPACKET", "SYN INBOUND_TRANSPORT", "SYN ALE_AUTH_RECV_ACCEPT",
            "SYN-ACK OUTBOUND_TRANSPORT", "SYN-ACK OUTBOUND_IPPACKET",
            "ACK INBOUND_IPPACKET", "ACK INBOUND_TRANSPORT", "established ALE_FLOW_ESTABLISHED");

    /** The client of a TCP handshake: FLOW_ESTABLISHED between the inbound SYN-ACK and the outbound ACK. */
    public static final List<String> SEED_CLIENT = List.of(
            "bind ALE_BIND_REDIRECT", "bind ALE_RESOURCE_ASSIGNMENT",
            "connect ALE_CONNECT_REDIRECT", "connect ALE_AUTH_CONNECT",
            "SYN OUTBOUND_TRANSPORT", "SYN OUTBOUND_IPPACKET",
            "SYN-ACK INBOUND_IPPACKET", "SYN-ACK INBOUND_TRANSPORT", "established ALE_FLOW_ESTABLISHED",
            "ACK OUTBOUND_TRANSPORT", "ACK OUTBOUND_IPPACKET");

    /** A SYN to a port nobody listens on: the transport discard layer, then the RST out. */
    public static final List<String> CLOSED_PORT_SERVER = List.of(
            "SYN INBOUND_IPPACKET", "SYN INBOUND_TRANSPORT_DISCARD", "RST OUTBOUND_TRANSPORT", "RST OUTBOUND_IPPACKET");

    /** A classification as a trace line: {@code SYN INBOUND_TRANSPORT}. */
    public static String line(Classification c) {
        return c.event() + " " + c.layer().shortName().replace("_V4", "").replace("_V6", "");
    }

    /** A host's classifications at the IP and ALE layers (the MAC frame layers left out, as the seed's lists). */
    public static List<String> ipLines(SimNetwork net, String host) {
        List<String> out = new ArrayList<>();
        for (Classification c : net.trace().classifications(host)) if (!c.isMacLayer()) out.add(line(c));
        return out;
    }
}

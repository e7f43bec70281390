package io.jwfp.shim.sim.explain;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.packet.IpProtocol;
import io.jwfp.shim.sim.scenario.Scenarios;
import io.jwfp.shim.sim.trace.Classification;
import io.jwfp.shim.sim.trace.Direction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layers a flow crosses on the local host, in Windows' order, as the simulator classifies them. Nothing is listed
 * here: the path is what the simulator's own scenario for the protocol ({@code tcp}, {@code udp}, {@code icmp-echo},
 * see {@link Scenarios}) classifies on the client (an outbound flow) or the server (an inbound flow), run once with no
 * filters and kept. So explain and {@code jwfp trace} cannot disagree on the order.
 *
 * <ul>
 *   <li>TCP: the whole handshake: bind, connect or listen, SYN, SYN-ACK, FLOW_ESTABLISHED and the client's ACK.</li>
 *   <li>UDP and ICMP: the first datagram (request) and the first answer, each layer once.</li>
 * </ul>
 * MAC frame layers are left out (explain knows no interface). Thread-safe: paths are immutable and cached.
 */
public final class FlowPath {
    private FlowPath() {}

    /**
     * One classification on the path.
     *
     * @param event     what is classified (bind, listen, connect, SYN, SYN-ACK, ACK, datagram, echo-request,
     *                  echo-reply, established)
     * @param layer     the layer (of the flow's IP version)
     * @param direction INBOUND or OUTBOUND for packets and flows, NONE for bind and listen
     * @param answer    true for a packet the flow's responder sends (SYN-ACK, the UDP answer, the echo reply)
     */
    public record Step(String event, Layer layer, Direction direction, boolean answer) {
        /** True for a socket operation (bind, listen), which knows no remote end. */
        public boolean isSocketOperation() {
            return direction == Direction.NONE;
        }
    }

    private static final Map<String, List<Step>> CACHE = new ConcurrentHashMap<>();

    /** The path of a flow of {@code protocol} (IANA number) on the host that opens it (outbound) or accepts it. */
    public static List<Step> of(int protocol, boolean v6, boolean outbound) {
        String scenario = switch (protocol) {
            case IpProtocol.TCP -> "tcp";
            case IpProtocol.UDP -> "udp";
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> "icmp-echo";
            default -> throw new IllegalArgumentException("no flow path for protocol " + protocol);
        };
        String key = scenario + (v6 ? "/6/" : "/4/") + (outbound ? "out" : "in");
        return CACHE.computeIfAbsent(key, k -> derive(scenario, v6 ? IpVersion.V6 : IpVersion.V4, outbound));
    }

    private static List<Step> derive(String scenario, IpVersion v, boolean outbound) {
        Scenarios.Run run = Scenarios.run(scenario, v, (name, host) -> {});
        Direction opening = outbound ? Direction.OUTBOUND : Direction.INBOUND;
        boolean tcp = scenario.equals("tcp");
        Set<String> seen = new HashSet<>();
        List<Step> out = new ArrayList<>();
        for (Classification c : run.network().trace().classifications(outbound ? "client" : "server")) {
            if (c.isMacLayer() || c.layer().isDiscard()) continue;
            // The UDP and echo scenarios send twice; the first of each layer and direction is the first exchange.
            if (!tcp && !seen.add(c.layer().name() + "/" + c.direction())) continue;
            boolean answer = !c.layer().isAle() && c.direction() != Direction.NONE && c.direction() != opening;
            out.add(new Step(c.event(), c.layer(), c.direction(), answer));
        }
        if (out.isEmpty()) throw new IllegalStateException("the simulator's " + scenario + " scenario classified nothing");
        return List.copyOf(out);
    }
}

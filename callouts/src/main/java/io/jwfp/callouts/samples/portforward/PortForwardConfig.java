package io.jwfp.callouts.samples.portforward;

import io.jwfp.callouts.samples.nat.NatAddress;
import io.jwfp.callouts.samples.nat.NatConfig;
import java.util.Map;
import java.util.Set;

/**
 * The port forwarder's configuration (the policy's {@code config:} map).
 *
 * <table>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>ListenAddress</td><td>required: the local IPv4 or IPv6 address A clients talk to</td></tr>
 *   <tr><td>ListenPort</td><td>required, 1-65535: the port on A</td></tr>
 *   <tr><td>TargetAddress</td><td>a local address B of the same family where the server listens; default ListenAddress</td></tr>
 *   <tr><td>TargetPort</td><td>1-65535, the server's port on B; default ListenPort</td></tr>
 *   <tr><td>Protocol</td><td>tcp, udp or both (default)</td></tr>
 * </table>
 * A:ListenPort and B:TargetPort must differ. Immutable and thread-safe; equal configurations are equal (the callouts
 * of one configuration share one {@link PortForwarder}).
 */
public record PortForwardConfig(NatAddress listenAddress, int listenPort, NatAddress targetAddress, int targetPort,
                                boolean tcp, boolean udp) {
    static final Set<String> KEYS = Set.of("ListenAddress", "ListenPort", "TargetAddress", "TargetPort", "Protocol");

    /** Reads and checks a configuration; IllegalArgumentException names the key at fault. */
    public static PortForwardConfig parse(Map<String, Object> config) {
        NatConfig c = new NatConfig(PortForwardCallouts.ID, config, KEYS);
        NatAddress listen = c.address("ListenAddress", true);
        if (listen.isZero()) throw c.error("ListenAddress", "must be one address of this host, not " + listen);
        int listenPort = c.port("ListenPort", false, null);
        NatAddress target = c.has("TargetAddress") ? c.address("TargetAddress", true) : listen;
        if (target.isZero()) throw c.error("TargetAddress", "must be one address of this host, not " + target);
        if (target.isV4() != listen.isV4()) {
            throw c.error("TargetAddress", target + " is " + (target.isV4() ? "IPv4" : "IPv6") + " but ListenAddress "
                    + listen + " is " + (listen.isV4() ? "IPv4" : "IPv6") + " (forwarding stays in one family)");
        }
        int targetPort = c.port("TargetPort", false, listenPort);
        if (target.equals(listen) && targetPort == listenPort) {
            throw c.error("TargetPort", "TargetAddress:TargetPort equals ListenAddress:ListenPort (" + listen + ":"
                    + listenPort + "): nothing to forward");
        }
        String proto = c.choice("Protocol", Set.of("tcp", "udp", "both"), "both");
        return new PortForwardConfig(listen, listenPort, target, targetPort, !proto.equals("udp"), !proto.equals("tcp"));
    }
}

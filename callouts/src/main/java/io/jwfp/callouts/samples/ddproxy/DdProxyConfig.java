package io.jwfp.callouts.samples.ddproxy;

import io.jwfp.callouts.samples.nat.NatAddress;
import io.jwfp.callouts.samples.nat.NatConfig;
import java.util.Map;
import java.util.Set;

/**
 * ddproxy's configuration: the sample's registry values under the same names.
 *
 * <table>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>InspectUdp</td><td>1 (default): redirect UDP; 0: redirect ICMP echo (addresses only)</td></tr>
 *   <tr><td>DestinationAddressToIntercept</td><td>IPv4 or IPv6 literal, optional</td></tr>
 *   <tr><td>DestinationPortToIntercept</td><td>1-65535, default 5001 (UDP mode)</td></tr>
 *   <tr><td>NewDestinationAddress</td><td>IPv4 or IPv6 literal, optional; same family as the intercepted one</td></tr>
 *   <tr><td>NewDestinationPort</td><td>1-65535, default 5001 (UDP mode)</td></tr>
 * </table>
 * As in the sample, UDP mode needs a port change or an address pair, ICMP mode an address pair; otherwise the
 * configuration is refused. Unlike the sample, each address is stored under its own family (the sample tests the
 * intercepted address's family when it loads the new one), and an address pair of two families is refused.
 * Immutable and thread-safe.
 *
 * @param intercept      the intercepted destination address, or null (any address of the flow's family)
 * @param newAddress     the new destination address, or null (keep the address)
 */
public record DdProxyConfig(boolean inspectUdp, NatAddress intercept, int interceptPort, NatAddress newAddress,
                            int newPort) {
    static final Set<String> KEYS = Set.of("InspectUdp", "DestinationAddressToIntercept", "DestinationPortToIntercept",
            "NewDestinationAddress", "NewDestinationPort");

    /** Reads and checks a configuration; IllegalArgumentException names the key at fault. */
    public static DdProxyConfig parse(Map<String, Object> config) {
        NatConfig c = new NatConfig(DdProxyCallouts.ID, config, KEYS);
        boolean udp = c.integer("InspectUdp", 0, 1, 1) == 1;
        NatAddress intercept = c.address("DestinationAddressToIntercept", false);
        NatAddress fresh = c.address("NewDestinationAddress", false);
        int interceptPort = c.port("DestinationPortToIntercept", false, 5001);
        int newPort = c.port("NewDestinationPort", false, 5001);
        if ((intercept == null) != (fresh == null)) {
            String missing = intercept == null ? "DestinationAddressToIntercept" : "NewDestinationAddress";
            throw c.error(missing, "missing: the addresses come in pairs (set both or neither)");
        }
        boolean pair = intercept != null;
        if (pair && intercept.isV4() != fresh.isV4()) {
            throw c.error("NewDestinationAddress", fresh + " is " + family(fresh) + " but DestinationAddressToIntercept "
                    + intercept + " is " + family(intercept) + " (a redirect stays in one family)");
        }
        if (pair && intercept.equals(fresh) && (!udp || interceptPort == newPort)) {
            throw c.error("NewDestinationAddress", "equals DestinationAddressToIntercept: nothing to redirect");
        }
        if (udp && !pair && interceptPort == newPort) {
            throw c.error("NewDestinationPort", "equals DestinationPortToIntercept (" + interceptPort
                    + ") and no address pair is configured: nothing to redirect");
        }
        if (!udp && !pair) {
            throw c.error("NewDestinationAddress", "missing: ICMP mode (InspectUdp=0) redirects addresses only");
        }
        return new DdProxyConfig(udp, intercept, interceptPort, fresh, newPort);
    }

    private static String family(NatAddress a) {
        return a.isV4() ? "IPv4" : "IPv6";
    }

    /** True if the configured addresses (if any) are of the family {@code v4}. */
    boolean addressesAre(boolean v4) {
        return intercept == null || intercept.isV4() == v4;
    }
}

package io.jwfp.callouts.samples.redirect;

import io.jwfp.callouts.samples.nat.NatAddress;
import io.jwfp.callouts.samples.nat.NatConfig;
import java.util.Map;
import java.util.Set;

/**
 * The traffic redirection driver's configuration: the sample's ten registry values, all mandatory (a missing one is a
 * configuration error, as in the sample). Zero disables a rewrite: {@code 0.0.0.0} for an address pair, 0 for a
 * port pair, {@code 00-00-00-00-00-00} for a MAC. Addresses are IPv4 (the sample hooks IPv4 only).
 *
 * <table>
 *   <tr><th>key</th><th>rewrite</th></tr>
 *   <tr><td>RemoteRealAddress / RemoteFakeAddress</td><td>required pair: the peer applications name / the peer on the wire</td></tr>
 *   <tr><td>RemoteRealPort / RemoteFakePort</td><td>the peer's port, outbound destination and inbound source</td></tr>
 *   <tr><td>LocalRealPort / LocalFakePort</td><td>this host's port, outbound source and inbound destination</td></tr>
 *   <tr><td>LocalRealAddress / LocalFakeAddress</td><td>this host's address on the wire (MAC layers, two-ended use)</td></tr>
 *   <tr><td>LocalEthernetAddress / RemoteEthernetAddress</td><td>source / destination MAC of outbound frames</td></tr>
 * </table>
 * Pairs are both set or both zero; port rewrites need the remote pair, MAC and local-address rewrites the local pair.
 * Immutable and thread-safe.
 */
public record RedirectConfig(NatAddress localReal, NatAddress localFake, NatAddress remoteReal, NatAddress remoteFake,
                             int localRealPort, int localFakePort, int remoteRealPort, int remoteFakePort,
                             long localMac, long remoteMac) {
    static final Set<String> KEYS = Set.of("LocalRealAddress", "LocalFakeAddress", "RemoteRealAddress",
            "RemoteFakeAddress", "LocalRealPort", "LocalFakePort", "RemoteRealPort", "RemoteFakePort",
            "LocalEthernetAddress", "RemoteEthernetAddress");

    /** Reads and checks a configuration; IllegalArgumentException names the key at fault. */
    public static RedirectConfig parse(Map<String, Object> config) {
        NatConfig c = new NatConfig(RedirectCallouts.ID, config, KEYS);
        for (String k : KEYS.stream().sorted().toList()) {
            if (!c.has(k)) {
                throw c.error(k, "missing (the driver needs all ten values; 0, 0.0.0.0 or 00-00-00-00-00-00 "
                        + "switches a rewrite off)");
            }
        }
        NatAddress localReal = v4(c, "LocalRealAddress"), localFake = v4(c, "LocalFakeAddress");
        NatAddress remoteReal = v4(c, "RemoteRealAddress"), remoteFake = v4(c, "RemoteFakeAddress");
        int lrp = c.port("LocalRealPort", true, null), lfp = c.port("LocalFakePort", true, null);
        int rrp = c.port("RemoteRealPort", true, null), rfp = c.port("RemoteFakePort", true, null);
        long lmac = c.mac("LocalEthernetAddress"), rmac = c.mac("RemoteEthernetAddress");
        boolean remote = pair(c, "RemoteRealAddress", remoteReal.isZero(), "RemoteFakeAddress", remoteFake.isZero());
        boolean local = pair(c, "LocalRealAddress", localReal.isZero(), "LocalFakeAddress", localFake.isZero());
        boolean remotePorts = pair(c, "RemoteRealPort", rrp == 0, "RemoteFakePort", rfp == 0);
        boolean localPorts = pair(c, "LocalRealPort", lrp == 0, "LocalFakePort", lfp == 0);
        if (!remote) {
            throw c.error("RemoteRealAddress", "0.0.0.0 switches every rewrite off: the driver would do nothing");
        }
        if (remoteReal.equals(remoteFake)) throw c.error("RemoteFakeAddress", "equals RemoteRealAddress");
        if (local && localReal.equals(localFake)) throw c.error("LocalFakeAddress", "equals LocalRealAddress");
        if ((lmac != 0 || rmac != 0) && !local) {
            throw c.error(lmac != 0 ? "LocalEthernetAddress" : "RemoteEthernetAddress",
                    "MAC rewrites happen with the local address rewrite: set LocalRealAddress and LocalFakeAddress");
        }
        if (!remotePorts) rrp = rfp = 0;
        if (!localPorts) lrp = lfp = 0;
        return new RedirectConfig(localReal, localFake, remoteReal, remoteFake, lrp, lfp, rrp, rfp, lmac, rmac);
    }

    private static NatAddress v4(NatConfig c, String key) {
        NatAddress a = c.address(key, true);
        if (!a.isV4()) throw c.error(key, a + " is not an IPv4 address (the driver hooks IPv4 only)");
        return a;
    }

    /** True if both values are set; false if both are zero; an error if only one is. */
    private static boolean pair(NatConfig c, String a, boolean aZero, String b, boolean bZero) {
        if (aZero != bZero) throw c.error(aZero ? a : b, "is zero but " + (aZero ? b : a) + " is not (set both or neither)");
        return !aZero;
    }

    /** The local address pair is set: the MAC layers rewrite this host's address (two-ended use). */
    public boolean rewritesLocalAddress() {
        return !localReal.isZero();
    }
}

package io.jwfp.scenarios.stmedit;

import static io.jwfp.scenarios.stmedit.Se1ChainedEditTest.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.bfe.FwpmSession;
import io.jwfp.callouts.samples.stmedit.StmeditPolicy;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.PolicyException;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.sim.SimNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped policies are what the code writes; configuration reaches the filters and callouts as documented. */
class StmeditPolicyTest {
    static final Path SAMPLES = Path.of("..", "examples", "policies", "samples");

    @Test
    void shippedPoliciesAreTheWritersOutputForTheDefaults() throws Exception {
        assertThat(Files.readString(SAMPLES.resolve("stmedit.yaml"))).isEqualTo(StmeditPolicy.yaml(Map.of()));
        assertThat(Files.readString(SAMPLES.resolve("stmedit-packet.yaml"))).isEqualTo(StmeditPolicy.packetYaml(Map.of()));
        Policy p = PolicyParser.parse(SAMPLES.resolve("stmedit.yaml"));
        assertThat(p.sublayers()).extracting(Policy.Sublayer::weight).containsExactly(0x40, 0x20);
        assertThat(p.callouts()).hasSize(8);
        assertThat(p.filters()).hasSize(8);
        assertThat(PolicyParser.parse(SAMPLES.resolve("stmedit-packet.yaml")).callouts()).hasSize(4);
    }

    @Test
    void aBadValueFailsTheApplyNamingTheKey() {
        String yaml = StmeditPolicy.yaml(Map.of()).replace("BusyThreshold: 16", "BusyThreshold: 0");
        SimNetwork net = new SimNetwork(1);
        var host = net.addHost("A");
        assertThatThrownBy(() -> PolicyApplier.apply(PolicyParser.parse("bad.yaml", yaml),
                host.bfe().openSession(FwpmSession.dynamic("t")), PolicyApplier.Mode.ADD))
                .isInstanceOf(PolicyException.class).hasMessageContaining("BusyThreshold: 0 is out of range");
        assertThat(host.bfe().filterEngine().state().filterCount()).isZero();
    }

    @Test
    void inspectionDirectionOutboundLeavesConnectionsThePeerOpened() {
        StmeditSim s = new StmeditSim(IpVersion.V4, Map.of("InspectionDirection", 0));
        assertThat(StmeditPolicy.yaml(Map.of("InspectionDirection", 0))).contains("FWPM_CONDITION_DIRECTION, value: 0");
        String[] r = exchange(s, 8888, "rainy", "rainy");
        assertThat(r[0]).isEqualTo("rainy");
        assertThat(r[1]).isEqualTo("rainy");
        StmeditSim in = new StmeditSim(IpVersion.V4, Map.of("InspectionDirection", 1));
        assertThat(exchange(in, 8888, "rainy", "rainy")[0]).isEqualTo("sunny");
    }

    @Test
    void inspectionRemotePortSelectsByThePeersPort() {
        String yaml = StmeditPolicy.yaml(Map.of("InspectionLocalPort", 0, "InspectionRemotePort", 443));
        assertThat(yaml).contains("FWPM_CONDITION_IP_REMOTE_PORT, value: 443").doesNotContain("IP_LOCAL_PORT");
    }
}

package io.jwfp.scenarios.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyException;
import io.jwfp.shim.sim.scenario.Testbed;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad value in a shipped sample policy's config fails the whole apply, naming the file, line and key. */
class SampleConfigTest {
    @Test
    void aBadConfigFailsTheApplyAndNamesFileLineAndKey() {
        Testbed t = Testbed.t2();
        Policy bad = SamplePolicies.withConfig("inspect", Map.of("BlockTraffic", 7));
        assertThatThrownBy(() -> SamplePolicies.load(t.a(), bad)).isInstanceOf(PolicyException.class)
                .hasMessageMatching(".*inspect\\.yaml:\\d+: callouts\\[0\\]\\.config: inspect config: BlockTraffic: 7 is out of range.*");
        Policy noAddress = SamplePolicies.withConfig("inspect", Map.of("RemoteAddressToInspect", "nowhere"));
        assertThatThrownBy(() -> SamplePolicies.load(t.a(), noAddress))
                .hasMessageContaining("RemoteAddressToInspect: 'nowhere' is not an IPv4 or IPv6 address literal");
        assertThat(t.a().engine().state().filterCount()).as("nothing half-applied").isZero();
        // The shipped files themselves apply.
        for (String name : new String[] {"block-all-outbound", "port-blocker", "inspect", "inspect-v6"}) {
            Testbed fresh = Testbed.t2();
            assertThat(SamplePolicies.load(fresh.a(), SamplePolicies.parse(name)).filterIds()).isNotEmpty();
        }
    }
}

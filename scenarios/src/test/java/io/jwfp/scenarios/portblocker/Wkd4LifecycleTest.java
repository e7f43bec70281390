package io.jwfp.scenarios.portblocker;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.scenarios.support.JwfpCli;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.sim.scenario.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WKD-4 (seed-samples §12): a clean stop removes the sample's objects; when its code is gone but its objects stay (a
 * crash of the non-dynamic sample), the terminating filter with an unregistered callout blocks every new IPv4 flow
 * until it is deleted; loading again in that state fails with "already exists" as the sample does, unless loaded
 * the jwfp way (replace), which heals.
 */
class Wkd4LifecycleTest {
    @Test
    @DisplayName("WKD-4 clean stop removes filter, sublayer and callout; port 80 works again; rules are gone after restart")
    void cleanStop(@TempDir Path dir) {
        try (PortBlockerBed bed = new PortBlockerBed(dir)) {
            bed.apps.http(bed.b, IpVersion.V4, 80, "B");
            bed.control("add-rule", "port=80");
            assertThat(curl80(bed).ok()).isFalse();

            SamplePolicies.unload(bed.a, bed.policy);
            assertThat(bed.cli.jwfp("filter", "list").out()).doesNotContain(PortBlockerBed.FILTER);
            assertThat(bed.cli.jwfp("sublayer", "list").out()).doesNotContain("wfp-sample-sublayer");
            assertThat(bed.cli.jwfp("callout", "list").out()).doesNotContain(PortBlockerBed.CALLOUT);
            assertThat(bed.a.engine().callouts().byKey(bed.policy.callouts().get(0).key())).isNull();
            assertThat(curl80(bed).ok()).isTrue();

            bed.load();
            assertThat(bed.rulePorts()).isEmpty();
            assertThat(curl80(bed).ok()).isTrue();
        }
    }

    @Test
    @DisplayName("WKD-4 crash: the stale terminating filter blocks new IPv4 flows until deleted; reloading heals (replace) or fails (add)")
    void crashLeavesAFailClosedFilter(@TempDir Path dir) {
        try (PortBlockerBed bed = new PortBlockerBed(dir)) {
            bed.apps.http(bed.b, IpVersion.V4, 8080, "B");
            bed.apps.http(bed.b, IpVersion.V6, 8080, "B6");
            bed.control("add-rule", "port=80");
            assertThat(curl(bed, IpVersion.V4).ok()).isTrue();

            SamplePolicies.crash(bed.a, bed.policy);
            assertThat(bed.cli.jwfp("callout", "list").out()).contains("NOT REGISTERED");
            Programs.CurlResult stale = curl(bed, IpVersion.V4);
            assertThat(stale.ok()).as("every new IPv4 flow fails, not only port 80").isFalse();
            assertThat(bed.apps.ping(bed.a, Testbed.address(bed.b, IpVersion.V4), 1, Duration.ofSeconds(2))).isFalse();
            assertThat(curl(bed, IpVersion.V6).ok()).as("IPv6 is not the filter's layer").isTrue();
            assertThat(bed.events(NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4))
                    .isNotEmpty().allMatch(e -> e.filterId() == bed.filterId);

            // Loading the sample again the way the sample does (add, no "already exists" tolerance) fails.
            JwfpCli.Run add = bed.cli.jwfp("apply", "--add", SamplePolicies.file("port-blocker").toString());
            assertThat(add.rc()).isNotZero();
            assertThat(add.err()).contains("already exists");
            assertThat(curl(bed, IpVersion.V4).ok()).isFalse();

            // Deleting the stale filter by hand restores traffic.
            assertThat(bed.cli.jwfp("filter", "delete", String.valueOf(bed.filterId)).rc()).isZero();
            assertThat(curl(bed, IpVersion.V4).ok()).isTrue();

            // jwfp's way of loading (jwfpd --policy, jwfp apply: replace) heals a leftover state by itself.
            SamplePolicies.crash(bed.a, bed.policy);
            try (FwpmEngine e = bed.a.bfe().openSession(FwpmSession.named("leftover"))) {
                // put the stale filter back as a crashed driver would have left it
                io.jwfp.policy.PolicyApplier.apply(bed.policy, e, io.jwfp.policy.PolicyApplier.Mode.REPLACE);
            }
            SamplePolicies.crash(bed.a, bed.policy);
            assertThat(curl(bed, IpVersion.V4).ok()).isFalse();
            JwfpCli.Run replace = bed.cli.jwfp("apply", SamplePolicies.file("port-blocker").toString());
            assertThat(replace.rc()).as(replace.err()).isZero();
            assertThat(curl(bed, IpVersion.V4).ok()).isTrue();
            assertThat(bed.rulePorts()).isEmpty();
        }
    }

    private static Programs.CurlResult curl80(PortBlockerBed bed) {
        return bed.apps.curl(bed.a, Testbed.at(bed.b, IpVersion.V4, 80), Duration.ofSeconds(5));
    }

    private static Programs.CurlResult curl(PortBlockerBed bed, IpVersion v) {
        return bed.apps.curl(bed.a, Testbed.at(bed.b, v, 8080), Duration.ofSeconds(5));
    }
}

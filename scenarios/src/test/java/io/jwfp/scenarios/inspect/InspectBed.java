package io.jwfp.scenarios.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.scenarios.support.JwfpCli;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.scenario.Testbed;
import io.jwfp.shim.sim.trace.Classification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The INS scenarios' setting (seed-samples §12, T3): inspect on A with RemoteAddressToInspect = B (10.200.0.2, or
 * fd00:200::2 for IPv6), the jwfp command line against A's engine, the programs on A, B and C.
 */
final class InspectBed implements AutoCloseable {
    final Testbed t = Testbed.t3();
    final SimHost a = t.a();
    final SimHost b = t.b();
    final SimHost c = t.c();
    final IpVersion v;
    final Programs apps = new Programs(t.network());
    final Policy policy;
    final PolicyApplier.Result loaded;
    final JwfpCli cli;
    final String suffix;

    InspectBed(Path dir, IpVersion v, boolean blockTraffic) {
        this.v = v;
        suffix = v == IpVersion.V4 ? "-v4" : "-v6";
        String name = v == IpVersion.V4 ? "inspect" : "inspect-v6";
        policy = SamplePolicies.withConfig(name, java.util.Map.of("BlockTraffic", blockTraffic ? 1 : 0));
        loaded = SamplePolicies.load(a, policy);
        cli = new JwfpCli(a.bfe(), dir);
    }

    long filterId(String role) {
        return loaded.filterIds().get("inspect-" + role + suffix);
    }

    Collection<Long> filterIds() {
        return loaded.filterIds().values();
    }

    /** {@code jwfp callout control inspect-connect-vN ARGS}: the printed result. */
    JsonNode control(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "callout";
        full[1] = "control";
        full[2] = "inspect-connect" + suffix;
        System.arraycopy(args, 0, full, 3, args.length);
        JwfpCli.Run r = cli.jwfp(full);
        if (r.rc() != 0) throw new AssertionError("jwfp callout control failed: " + r.err());
        try {
            return new ObjectMapper().readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code set BlockTraffic=0|1} at run time. */
    void setBlockTraffic(boolean block) {
        JsonNode s = control("set", "BlockTraffic=" + (block ? 1 : 0));
        if (s.path("BlockTraffic").asInt() != (block ? 1 : 0)) throw new AssertionError("not set: " + s);
    }

    /** A's classifications by the sample's filters since the trace was last cleared. */
    List<Classification> bySample() {
        return t.network().trace().classifications("A").stream().filter(x -> filterIds().contains(x.filterId())).toList();
    }

    /** A's classify-drop net events after sequence {@code after}. */
    List<NetEvent> drops(long after) {
        return a.bfe().netEvents().since(after).stream()
                .filter(e -> e.type() == NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP).toList();
    }

    long lastEvent() {
        return a.bfe().netEvents().lastSequence();
    }

    @Override
    public void close() {
        cli.close();
    }
}

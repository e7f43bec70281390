package io.jwfp.scenarios.portblocker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.layer.Layer;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The WKD scenarios' setting (seed-samples §12, T2): the port blocker loaded on A from the shipped policy, the jwfp
 * command line against A's engine, and the programs on A and B.
 */
final class PortBlockerBed implements AutoCloseable {
    static final String CALLOUT = "port-blocker";
    static final String FILTER = "port-blocker-every-ipv4-flow";

    final Testbed t = Testbed.t2();
    final SimHost a = t.a();
    final SimHost b = t.b();
    final Programs apps = new Programs(t.network());
    final Policy policy = SamplePolicies.parse("port-blocker");
    final JwfpCli cli;
    long filterId;

    PortBlockerBed(Path dir) {
        load();
        // Allows too (jwfpd --allow-events): the scenarios look at the permitted flows' 5-tuples as well.
        a.bfe().setNetEventCollection(true, true);
        cli = new JwfpCli(a.bfe(), dir);
    }

    /** Loads the sample (the driver starts): its objects and a fresh callout with no rules. */
    void load() {
        PolicyApplier.Result r = SamplePolicies.load(a, policy);
        filterId = r.filterIds().get(FILTER);
    }

    /** {@code jwfp callout control port-blocker ARGS}; asserts success and returns the printed result. */
    JsonNode control(String... args) {
        JwfpCli.Run r = controlRun(args);
        if (r.rc() != 0) throw new AssertionError("jwfp callout control failed: " + r.err());
        try {
            return new ObjectMapper().readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JwfpCli.Run controlRun(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "callout";
        full[1] = "control";
        full[2] = CALLOUT;
        System.arraycopy(args, 0, full, 3, args.length);
        return cli.jwfp(full);
    }

    /** The remote ports of the rules, as list-rules prints them. */
    List<Integer> rulePorts() {
        List<Integer> out = new ArrayList<>();
        for (JsonNode r : control("list-rules")) out.add(r.path("remotePort").asInt());
        return out;
    }

    /** A's classifications at a layer since the trace was last cleared. */
    List<Classification> at(Layer layer) {
        return t.network().trace().classifications("A").stream().filter(c -> c.layer() == layer).toList();
    }

    /** A's net events of a type at a layer. */
    List<NetEvent> events(NetEvent.Type type, Layer layer) {
        return a.bfe().netEvents().since(0).stream().filter(e -> e.type() == type && e.layer() == layer).toList();
    }

    @Override
    public void close() {
        cli.close();
    }
}

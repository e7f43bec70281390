package io.jwfp.scenarios.support;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.sim.SimHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The shipped sample policies ({@code examples/policies/samples/NAME.yaml}), loaded as a user would load them, and
 * the driver life cycle on a simulated host: load (apply in a static session), unload (remove the objects and
 * unregister the callouts), and a crash (the callouts vanish, the objects stay).
 */
public final class SamplePolicies {
    private SamplePolicies() {}

    /** The file of a sample policy (the tests run in the {@code scenarios} module directory). */
    public static Path file(String name) {
        Path p = Path.of("..", "examples", "policies", "samples", name + ".yaml");
        if (!Files.exists(p)) throw new IllegalArgumentException("no sample policy " + p.toAbsolutePath());
        return p;
    }

    /** A copy of a sample policy under {@code dir} with text replaced (as a user edits the file): pairs of old, new. */
    public static Path edited(String name, Path dir, String... oldNew) throws java.io.IOException {
        String text = Files.readString(file(name));
        for (int i = 0; i < oldNew.length; i += 2) {
            if (!text.contains(oldNew[i])) throw new IllegalArgumentException(name + " has no '" + oldNew[i] + "'");
            text = text.replace(oldNew[i], oldNew[i + 1]);
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name + "-edited.yaml"), text);
    }

    /** Parses a sample policy. */
    public static Policy parse(String name) {
        return PolicyParser.parse(file(name));
    }

    /**
     * Parses a sample policy with some of its callouts' {@code config:} values replaced (as a user edits the file),
     * e.g. {@code withConfig("inspect", Map.of("RemoteAddressToInspect", "fd00:200::2"))}: every callout whose config
     * has a key gets the new value.
     */
    public static Policy withConfig(String name, Map<String, Object> changes) {
        Policy p = parse(name);
        var callouts = p.callouts().stream().map(c -> {
            var cfg = new java.util.LinkedHashMap<>(c.config());
            for (var e : changes.entrySet()) if (cfg.containsKey(e.getKey())) cfg.put(e.getKey(), e.getValue());
            return new Policy.Callout(c.name(), c.key(), c.layer(), c.implementation(), cfg, c.providerKey(),
                    c.description(), c.persistent(), c.where(), c.implementationWhere());
        }).toList();
        return new Policy(p.file(), p.providers(), p.sublayers(), callouts, p.filters());
    }

    /** Loads a sample on a host: its objects in a static session, its callouts registered. */
    public static PolicyApplier.Result load(SimHost host, Policy policy) {
        return host.applyPolicy(policy);
    }

    /** Unloads a sample cleanly: its objects deleted, then its callouts unregistered. */
    public static void unload(SimHost host, Policy policy) {
        try (FwpmEngine e = host.bfe().openSession(FwpmSession.named("unload " + policy.file()))) {
            PolicyApplier.remove(policy, e);
        }
    }

    /** The sample's code is gone (a crash): its callouts are unregistered, its objects stay in the engine. */
    public static void crash(SimHost host, Policy policy) {
        for (Policy.Callout c : policy.callouts()) host.engine().calloutUnregisterByKey(c.key());
    }

    /** The registered run-time callout of a policy's callout object, by name. */
    public static FwpsCallout registered(SimHost host, Policy policy, String calloutName) {
        UUID key = policy.callouts().stream().filter(c -> c.name().equals(calloutName)).findFirst().orElseThrow().key();
        return host.engine().callouts().byKey(key);
    }
}

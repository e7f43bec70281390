package io.jwfp.callouts.samples.inspect;

import io.jwfp.callouts.samples.Settings;
import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsKernel;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * {@code implementation: inspect} — Microsoft's Transport Inspect sample ({@link Inspect}). Config (the sample's
 * registry values, {@code HKLM\...\Services\Inspect\Parameters}):
 * <ul>
 *   <li>{@code RemoteAddressToInspect} (required): an IPv4 or IPv6 literal; its family is the one hooked;</li>
 *   <li>{@code BlockTraffic} (0 or 1, default 0): the setting at start; change it at run time with
 *   {@code jwfp callout control CALLOUT set BlockTraffic=1}.</li>
 * </ul>
 * All callouts of one engine with the same config share one driver instance (one queue, one setting), as the four
 * callouts of one loaded driver do; applying the same policy again keeps the instance and its run-time setting, as a
 * reloaded driver finds its registry values (as long as its callouts are registered: an instance nothing uses any more
 * is forgotten). Thread-safe: instances are looked up under a lock, at policy apply only.
 */
public final class InspectProvider implements CalloutProvider {
    private record Config(InetAddress remote, boolean blockTraffic) {}

    /**
     * Driver instances by engine (its kernel) and configuration. Both levels are weak: an instance holds its kernel,
     * so a strong value would keep every engine alive; the registered callouts keep their instance alive instead.
     */
    private static final Map<FwpsKernel, Map<Config, WeakReference<Inspect>>> INSTANCES = new WeakHashMap<>();

    @Override
    public String id() {
        return "inspect";
    }

    @Override
    public String description() {
        return "Microsoft inspect: pend ALE connect/accept and hold transport packets for a worker that permits or "
                + "blocks (BlockTraffic); control: set BlockTraffic=0|1, status";
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
        return create(calloutKey, config, null);
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Map<String, Object> config, FwpsKernel kernel) {
        Settings s = Settings.of("inspect config", config, Set.of("RemoteAddressToInspect", "BlockTraffic"));
        Config c = new Config(s.address("RemoteAddressToInspect"), s.flag("BlockTraffic", false));
        if (kernel == null) return new Inspect(null, c.remote(), c.blockTraffic()).callout(calloutKey);
        synchronized (INSTANCES) {
            Map<Config, WeakReference<Inspect>> ofEngine = INSTANCES.computeIfAbsent(kernel, k -> new HashMap<>());
            WeakReference<Inspect> ref = ofEngine.get(c);
            Inspect driver = ref == null ? null : ref.get();
            if (driver == null) {
                driver = new Inspect(kernel, c.remote(), c.blockTraffic());
                ofEngine.put(c, new WeakReference<>(driver));
            }
            return driver.callout(calloutKey);
        }
    }
}

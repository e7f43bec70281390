package io.jwfp.callouts.samples.nat;

import io.jwfp.engine.kernel.FwpsKernel;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * The state a sample's callouts share, the way one Windows driver's callouts share its globals. A policy file lists
 * each callout separately and {@link io.jwfp.engine.callout.CalloutProvider#create} builds each on its own; callouts
 * built for the same engine (kernel) with an equal key — the sample's id and its parsed configuration — get the same
 * driver object. Entries go away with their engine's kernel. Thread-safe.
 */
public final class SharedDrivers {
    private static final Map<FwpsKernel, Map<Object, Object>> BY_KERNEL = Collections.synchronizedMap(new WeakHashMap<>());
    /** Engines whose kernel arrives after the policy (jwfpd applies the policy before the live shim starts). */
    private static final Map<Object, Object> WITHOUT_KERNEL = new HashMap<>();

    private SharedDrivers() {}

    /** The driver for {@code key} on {@code kernel} (may be null), created by {@code create} the first time. */
    @SuppressWarnings("unchecked")
    public static <T> T get(FwpsKernel kernel, Object key, Supplier<T> create) {
        Map<Object, Object> m = kernel == null ? WITHOUT_KERNEL : BY_KERNEL.computeIfAbsent(kernel, k -> new HashMap<>());
        synchronized (m) {
            return (T) m.computeIfAbsent(key, k -> create.get());
        }
    }
}

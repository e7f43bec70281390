package io.jwfp.callouts.samples.stmedit;

import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.Layer;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the stmedit driver keeps in globals: per engine (kernel), the stream callout of each set at each stream layer,
 * so that a flow-established callout can attach a context for "the stream callout of the same set" (the sample
 * stores the run-time callout ids FwpsCalloutRegister returned; here each stream callout records its id when its
 * filter is added). One stmedit instance per engine: a second stream callout of the same set and layer replaces the
 * first. Thread-safe.
 */
final class StmeditDriver {
    /** The two callout sets. */
    enum CalloutSet {
        /** Set 1: the out-of-band editor, sublayer weight 0x40, StringToFind to StringX. */
        OUT_OF_BAND,
        /** Set 2: the inline editor, sublayer weight 0x20, StringX to StringToReplace. */
        INLINE
    }

    /**
     * Drivers by engine. The values are weak too: a driver's callouts reference their kernel, and a strong value
     * would keep its own weak key alive. The registered callouts keep the driver alive while they are in use.
     */
    private static final Map<FwpsKernel, WeakReference<StmeditDriver>> BY_KERNEL = new WeakHashMap<>();

    private final Map<String, StreamEditor> editors = new ConcurrentHashMap<>();
    /** Flow-context values: unique per engine, never 0. */
    final AtomicLong nextContext = new AtomicLong();

    /** The driver of an engine; a private one when there is no kernel (e.g. {@code jwfp explain}). */
    static StmeditDriver of(FwpsKernel kernel) {
        if (kernel == null) return new StmeditDriver();
        synchronized (BY_KERNEL) {
            WeakReference<StmeditDriver> ref = BY_KERNEL.get(kernel);
            StmeditDriver d = ref == null ? null : ref.get();
            if (d == null) {
                d = new StmeditDriver();
                BY_KERNEL.put(kernel, new WeakReference<>(d));
            }
            return d;
        }
    }

    void register(CalloutSet set, Layer streamLayer, StreamEditor editor) {
        editors.put(set + "/" + streamLayer.name(), editor);
    }

    /** The stream callout of {@code set} at {@code streamLayer}, or null when none has a filter. */
    StreamEditor editor(CalloutSet set, Layer streamLayer) {
        return editors.get(set + "/" + streamLayer.name());
    }
}

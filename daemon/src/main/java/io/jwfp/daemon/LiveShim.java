package io.jwfp.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;

/** What jwfpd runs traffic through: a shim that classifies live packets with the engine's policy. */
public interface LiveShim extends AutoCloseable {
    /**
     * Called before jwfpd applies {@code --policy}: checks that the shim can run here and installs its callout runtime
     * in the engine, so callouts the policy builds can use it. Intercepts nothing yet.
     */
    default void prepare(BaseFilteringEngine bfe) throws Exception {}

    /** Starts intercepting; the netfilter state it adds is its own and removed by {@link #close()}. */
    void start(BaseFilteringEngine bfe) throws Exception;

    /** Counters and wiring, for {@code jwfp status}. */
    ObjectNode status();

    /** The live traffic behind this shim, for the metrics ({@code --metrics}); null before it starts or if none. */
    default io.jwfp.shim.nfqueue.live.LiveTraffic traffic() {
        return null;
    }

    /** Stops intercepting and removes what {@link #start} added. Must be safe to call twice. */
    @Override
    void close();
}

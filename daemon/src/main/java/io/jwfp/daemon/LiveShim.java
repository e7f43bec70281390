package io.jwfp.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;

/** What jwfpd runs traffic through: a shim that classifies live packets with the engine's policy. */
public interface LiveShim extends AutoCloseable {
    /** Starts intercepting; the netfilter state it adds is its own and removed by {@link #close()}. */
    void start(BaseFilteringEngine bfe) throws Exception;

    /** Counters and wiring, for {@code jwfp status}. */
    ObjectNode status();

    /** Stops intercepting and removes what {@link #start} added. Must be safe to call twice. */
    @Override
    void close();
}

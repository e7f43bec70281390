package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.FilterEngine;

/**
 * What the queue threads share: the engine, the flow table, the process resolver, interface facts, the policy clock,
 * the counters and the monitoring metrics. Every member is thread-safe.
 */
public record LiveRuntime(FilterEngine engine, FlowTable flows, ProcessResolver processes, Interfaces interfaces,
                          PolicyClock clock, LiveStats stats, LiveKernel kernel, LiveMetrics metrics) {
    /** A runtime with metrics of its own. */
    public LiveRuntime(FilterEngine engine, FlowTable flows, ProcessResolver processes, Interfaces interfaces,
                       PolicyClock clock, LiveStats stats, LiveKernel kernel) {
        this(engine, flows, processes, interfaces, clock, stats, kernel, new LiveMetrics());
    }
}

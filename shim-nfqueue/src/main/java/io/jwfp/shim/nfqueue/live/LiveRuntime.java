package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.FilterEngine;

/**
 * What the queue threads share: the engine, the flow table, the process resolver, interface facts, the policy clock
 * and the counters. Every member is thread-safe.
 */
public record LiveRuntime(FilterEngine engine, FlowTable flows, ProcessResolver processes, Interfaces interfaces,
                          PolicyClock clock, LiveStats stats, LiveKernel kernel) {}

package io.jwfp.shim.sim.trace;

/** One thing the simulated network recorded, in order: a classification or a frame on a link. */
public sealed interface TraceEntry permits Classification, Transmission {
    /** The position in the whole run, from 1. */
    long seq();

    /** Simulated time, nanoseconds since start. */
    long timeNanos();
}

/**
 * What a simulated run recorded — every classification and every frame on a link, in order — and its renderings:
 * aligned text per host ({@link io.jwfp.shim.sim.trace.TraceText}) and the seed-style sequence diagram
 * ({@link io.jwfp.shim.sim.trace.TraceSvg}). Records are immutable; the recorder is single-threaded like the network.
 */
package io.jwfp.shim.sim.trace;

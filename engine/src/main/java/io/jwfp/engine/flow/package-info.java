/**
 * ALE flows by 5-tuple, shared by the shims that track flows themselves from packets (the NFQUEUE shim, the capture
 * replay): the key as seen from the host ({@link io.jwfp.engine.flow.FlowKey}) and an open-addressing table of them
 * ({@link io.jwfp.engine.flow.FlowKeyTable}) whose lookups allocate nothing.
 */
package io.jwfp.engine.flow;

/** The scenarios {@code jwfp trace} runs: small deterministic networks and socket calls (stateless, thread-safe). */
package io.jwfp.shim.sim.scenario;

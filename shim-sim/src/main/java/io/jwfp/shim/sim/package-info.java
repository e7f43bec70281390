/**
 * The simulated network: a deterministic, in-process network whose hosts each run their own WFP, so that the
 * seed's picture — the TCP handshake flowing through WFP's layers on client and server — runs without privileges,
 * and callouts can be tested before they meet real traffic.
 *
 * <pre>
 *  SimNetwork ── SimClock (manual time, event queue) ── SplittableRandom (loss, reordering)
 *     │
 *     ├─ SimHost "client" ── BaseFilteringEngine → FilterEngine ← SimKernel (FwpsKernel)
 *     │     sockets (TcpSocket, UdpSocket, PingSocket) → TCP/UDP/ICMP → IP (route, ARP) → SimInterface
 *     │     every step that Windows indicates goes through LayerPath → FilterEngine.classify
 *     └─ SimHost "server" ... joined by SimLink (MTU, latency, loss, reordering), point to point or through a
 *        SimSwitch (a learning bridge: the seed's T3 topology); SimCapture records every frame on the links
 * </pre>
 *
 * <p>{@link io.jwfp.shim.sim.LayerPath} is the one place where the stack meets the engine: it fills a layer's
 * incoming values by field index (what the simulator does not know stays FWP_EMPTY), the metadata, and the data
 * offset the layer defines, classifies, restores the offset, records the classification, and indicates a
 * non-absorbed block at the layer's discard twin. The order of the layers, and the Windows facts around them, are in
 * {@code docs/decisions.md} ("Simulated network").
 *
 * <p>Threads: none. Everything, callouts included, runs on the thread that calls
 * {@link io.jwfp.shim.sim.SimNetwork#runUntilIdle()}; socket calls never block (run the network to make progress).
 * Nothing here is thread-safe.
 */
package io.jwfp.shim.sim;

/**
 * Live traffic through the filter engine: the NFQUEUE code that makes jwfp decide the fate of real packets.
 *
 * <ul>
 *   <li>{@link io.jwfp.shim.nfqueue.live.LiveTraffic} starts and stops everything (jwfpd uses it).</li>
 *   <li>{@link io.jwfp.shim.nfqueue.live.QueueDemand}, {@link io.jwfp.shim.nfqueue.live.RulePlan} and
 *   {@link io.jwfp.shim.nfqueue.live.Netfilter}: jwfp's own iptables chains, computed from which layers hold filters;
 *   {@link io.jwfp.shim.nfqueue.live.Marks}: the packet-mark and connmark bits they use.</li>
 *   <li>{@link io.jwfp.shim.nfqueue.live.PacketPipeline}: the WFP layers for one queued packet, in Windows' order.</li>
 *   <li>{@link io.jwfp.shim.nfqueue.live.FlowTable}, {@link io.jwfp.shim.nfqueue.live.Flow},
 *   {@link io.jwfp.shim.nfqueue.live.PolicyClock}: ALE flows, their caching and reauthorization.</li>
 *   <li>{@link io.jwfp.shim.nfqueue.live.ProcessResolver}, {@link io.jwfp.shim.nfqueue.live.Interfaces}: the app, user
 *   and interface facts.</li>
 *   <li>{@link io.jwfp.shim.nfqueue.live.LiveKernel}: the callout runtime (FwpsKernel) on NFQUEUE.</li>
 * </ul>
 *
 * The mapping of every WFP layer, and what differs from Windows, is in {@code docs/live-layers.md}.
 */
package io.jwfp.shim.nfqueue.live;

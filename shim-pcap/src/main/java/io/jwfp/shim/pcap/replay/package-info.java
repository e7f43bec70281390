/**
 * The capture replay ({@code jwfp replay}): {@link io.jwfp.shim.pcap.replay.Replay} classifies a capture's packets at
 * WFP's layers as the host owning the local prefixes ({@link io.jwfp.shim.pcap.replay.LocalPrefixes}) saw them, with
 * flows tracked from the packets and callouts run ({@link io.jwfp.shim.pcap.replay.ReplayKernel}), and counts the
 * decisions ({@link io.jwfp.shim.pcap.replay.ReplaySummary}). See docs/replay.md.
 */
package io.jwfp.shim.pcap.replay;

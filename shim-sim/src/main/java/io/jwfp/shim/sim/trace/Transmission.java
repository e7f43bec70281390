package io.jwfp.shim.sim.trace;

/**
 * A frame put on a link (or a packet looped back inside a host).
 *
 * @param fromHost  the sending host
 * @param toHost    the receiving host (the same host for loopback)
 * @param event     SYN, ACK, datagram, ARP request, ...
 * @param packetId  the packet's id, shared with the classifications of it on both hosts
 * @param lost      the link lost it
 * @param arp       an ARP frame (never classified at IP layers)
 * @param loopback  looped back inside the host
 * @param summary   the packet in words
 */
public record Transmission(long seq, long timeNanos, String fromHost, String toHost, String event, long packetId,
                           boolean lost, boolean arp, boolean loopback, String summary) implements TraceEntry {}

package io.jwfp.shim.nfqueue.live;

import java.lang.foreign.MemorySegment;

/**
 * Gives the verdict of a queued packet whose handler left it without one, from any thread
 * ({@link io.jwfp.shim.nfqueue.NfQueue#completeDeferred(int, int, boolean, int, MemorySegment, long, int)} for a real
 * queue; tests record them).
 */
@FunctionalInterface
public interface DeferredVerdicts {
    /** @param payload the packet's replacement, or null to keep it as queued */
    void complete(int packetId, int verdictCode, boolean withMark, int mark, MemorySegment payload, long payloadOffset,
                  int payloadLength);
}

package io.jwfp.shim.nfqueue;

/**
 * Called on the queue's thread for every queued packet. The packet object and its memory are reused for the
 * next packet: do not keep references past the call. Give a verdict through {@code verdicts} (see
 * {@link VerdictSink} for deferring). An exception gives the packet the configured
 * {@link NfQueueConfig#handlerErrorVerdict()} and is counted, the queue keeps running.
 */
@FunctionalInterface
public interface PacketHandler {
    void onPacket(NfPacket packet, VerdictSink verdicts);
}

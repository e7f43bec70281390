package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.layer.Layer;
import java.util.Set;

/**
 * When the policy at each layer last changed, as a sequence number, for reauthorization (wfp-semantics §4.10): a flow
 * authorized at layer L under sequence s is reauthorized on its next packet once L changed after s. Also the ALE
 * generation kept in the connmark ({@link Marks#GEN}), which brings established flows back to the queue after a change.
 *
 * <p>Thread-safe: changes come from management threads, queue threads read. The per-layer array is written before the
 * volatile sequence, and readers read the sequence first.
 */
public final class PolicyClock {
    private final long[] changedAt = new long[Layer.maxLayerId() + 1];
    private volatile long seq = 1;
    private volatile int generation;

    public PolicyClock(int firstGeneration) {
        this.generation = firstGeneration;
    }

    /** The current sequence number (flows authorized now record it). */
    public long seq() {
        return seq;
    }

    /** The current ALE generation (1..127). */
    public int generation() {
        return generation;
    }

    /** Whether a flow authorized at {@code layer} under {@code authSeq} must be reauthorized. Allocation-free. */
    public boolean stale(Layer layer, long authSeq) {
        long s = seq; // volatile read first: makes the array writes before the matching seq write visible
        return s > authSeq && changedAt[layer.layerId()] > authSeq;
    }

    /**
     * Filters changed at {@code layers}. Returns true when an ALE authorization layer changed, i.e. the generation
     * moved and the netfilter rules must be rewritten.
     */
    public synchronized boolean changed(Set<Layer> layers) {
        long next = seq + 1;
        boolean ale = false;
        for (Layer l : layers) {
            changedAt[l.layerId()] = next;
            ale |= isAuthLayer(l);
        }
        if (ale) generation = Marks.nextGen(generation);
        seq = next;
        return ale;
    }

    /** ALE_AUTH_CONNECT and ALE_AUTH_RECV_ACCEPT, V4 and V6: the layers whose changes reauthorize flows. */
    static boolean isAuthLayer(Layer l) {
        return l == Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4 || l == Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V6
                || l == Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 || l == Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6;
    }
}

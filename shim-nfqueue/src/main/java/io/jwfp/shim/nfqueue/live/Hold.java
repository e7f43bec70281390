package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.kernel.CompletionContext;
import io.jwfp.engine.layer.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * A queued packet whose verdict waits for a callout acting out of band: the callout pended its ALE operation
 * (FwpsPendOperation0), or cloned it and absorbed it to inject the clone later. The packet stays in the kernel's
 * queue (its verdict deferred) until {@link LiveKernel} completes it: with the clone's bytes when the callout injects
 * the clone, as the reauthorization after FwpsCompleteOperation0 decides, or with a drop when the callout lets go of
 * every clone, completes without a packet, or does nothing within the hold limit.
 *
 * <p>Life: OPEN while the queue thread still classifies the packet (injections and completions that arrive meanwhile
 * are parked), HELD once the classification ended in an absorb (the verdict is deferred), DONE once a verdict was
 * given (or the packet went on without holding). Every transition is synchronized on the hold.
 */
final class Hold {
    enum State { OPEN, HELD, DONE }

    /** FwpsPendOperation0's completion context: the pended ALE operation of a hold. */
    static final class Pend implements CompletionContext {
        private final long id;
        final Hold hold;
        final Layer layer;
        /** A TCP connect: the layer had no packet to absorb, so the held packet (the SYN) is the operation itself. */
        final boolean withoutPacket;
        private boolean completed;

        Pend(long id, Hold hold, Layer layer, boolean withoutPacket) {
            this.id = id;
            this.hold = hold;
            this.layer = layer;
            this.withoutPacket = withoutPacket;
        }

        @Override
        public long id() {
            return id;
        }

        /** Marks it completed; false if it was already. */
        boolean complete() {
            synchronized (hold) {
                if (completed) return false;
                completed = true;
                return true;
            }
        }

        boolean isConnect() {
            return layer.shortName().startsWith("ALE_AUTH_CONNECT");
        }
    }

    final boolean inbound;
    private State state = State.OPEN;
    private Pend pend;
    private int clones;
    private boolean claimed;
    private boolean abandoned;
    private boolean reauthOnInjection;
    private List<Runnable> parked;

    // Filled when the classification ends (hold()).
    byte[] bytes;
    int packetId;
    int hook;
    int mark;
    int inIf;
    int outIf;
    int uid;
    DeferredVerdicts target;
    long heldAtNanos;

    Hold(boolean inbound) {
        this.inbound = inbound;
    }

    synchronized State state() {
        return state;
    }

    synchronized Pend pend() {
        return pend;
    }

    synchronized void setPend(Pend p) {
        pend = p;
    }

    synchronized void addClone() {
        clones++;
    }

    /**
     * A clone was freed without being injected. Returns true when nothing can carry the packet on any more (no clone
     * left, none injected, no pended operation waiting): then it is abandoned and may be dropped at once.
     */
    synchronized boolean cloneFreed() {
        if (clones > 0) clones--;
        if (clones == 0 && !claimed && (pend == null || pend.completed) && state != State.DONE) {
            abandoned = true;
            return true;
        }
        return false;
    }

    /** Whether any clone is still out or one was injected. */
    synchronized boolean carried() {
        return clones > 0 || claimed;
    }

    /** Claims the hold for one injection (the first wins); false when it is done or already claimed. */
    synchronized boolean claim() {
        if (state == State.DONE || claimed) return false;
        claimed = true;
        return true;
    }

    /** Whether the callout let go of it (every clone freed) before it could be held. */
    synchronized boolean abandoned() {
        return abandoned;
    }

    synchronized boolean claimed() {
        return claimed;
    }

    synchronized void setReauthOnInjection() {
        reauthOnInjection = true;
    }

    synchronized boolean reauthOnInjection() {
        return reauthOnInjection;
    }

    /** Parks {@code task} while OPEN; returns false when it may run now. */
    synchronized boolean park(Runnable task) {
        if (state != State.OPEN) return false;
        if (parked == null) parked = new ArrayList<>(2);
        parked.add(task);
        return true;
    }

    /**
     * The classification ended: HELD if it may be (not abandoned meanwhile), else DONE. Returns the parked tasks,
     * which the caller runs either way (a pended connect's reauthorization is classified even when its packet is gone).
     */
    synchronized List<Runnable> settle(boolean keep) {
        state = keep && !abandoned ? State.HELD : State.DONE;
        List<Runnable> p = parked == null ? List.of() : parked;
        parked = null;
        return p;
    }

    /** HELD to DONE; false if it was not HELD (a verdict was given already). */
    synchronized boolean finish() {
        if (state != State.HELD) return false;
        state = State.DONE;
        return true;
    }

    /** Whether it is HELD, no injection is on the way and it was held before {@code deadline}. */
    synchronized boolean expired(long deadlineNanos) {
        return state == State.HELD && !claimed && heldAtNanos - deadlineNanos < 0;
    }
}

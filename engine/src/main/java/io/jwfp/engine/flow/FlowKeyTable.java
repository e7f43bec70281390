package io.jwfp.engine.flow;

import java.util.function.Consumer;

/**
 * Flows by 5-tuple in an open-addressing table (linear probing, backward-shift deletion), so a lookup allocates
 * nothing and a miss costs a probe or two. Grows at half full.
 *
 * <p>Not thread-safe: a shim that shares its flows between threads wraps the table in its own lock (the NFQUEUE
 * shim's {@code FlowTable}); a single-threaded one (the capture replay) uses it as it is.
 *
 * @param <F> the shim's flow type
 */
public final class FlowKeyTable<F extends FlowKey> {
    private Object[] slots;
    private int size;

    public FlowKeyTable() {
        this(1024);
    }

    /** @param capacity initial slots, rounded up to a power of two */
    public FlowKeyTable(int capacity) {
        slots = new Object[Integer.highestOneBit(Math.max(16, capacity - 1)) << 1];
    }

    /** The flow with this 5-tuple (local side first), or null. Allocates nothing. */
    @SuppressWarnings("unchecked")
    public F find(boolean v6, int protocol, long lhi, long llo, int lport, long rhi, long rlo, int rport) {
        Object[] s = slots;
        int mask = s.length - 1;
        int i = FlowKey.hash(v6, protocol, lhi, llo, lport, rhi, rlo, rport) & mask;
        Object o;
        while ((o = s[i]) != null) {
            F f = (F) o;
            if (f.matches(v6, protocol, lhi, llo, lport, rhi, rlo, rport)) return f;
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Adds a flow; the caller checked that none with its 5-tuple is in the table. */
    public void insert(F f) {
        if ((size + 1) * 2 > slots.length) grow();
        place(f);
    }

    private void place(Object f) {
        Object[] s = slots;
        int mask = s.length - 1;
        int i = ((FlowKey) f).hash & mask;
        while (s[i] != null) i = (i + 1) & mask;
        s[i] = f;
        size++;
    }

    private void grow() {
        Object[] old = slots;
        slots = new Object[old.length * 2];
        size = 0;
        for (Object f : old) if (f != null) place(f);
    }

    /** Removes this flow (by identity); false if it is not in the table. */
    public boolean remove(F f) {
        Object[] s = slots;
        int mask = s.length - 1;
        int i = f.hash & mask;
        while (s[i] != null && s[i] != f) i = (i + 1) & mask;
        if (s[i] == null) return false;
        s[i] = null;
        size--;
        // Backward-shift the rest of the cluster so probing still finds every flow.
        int j = (i + 1) & mask;
        while (s[j] != null) {
            Object g = s[j];
            s[j] = null;
            size--;
            place(g);
            j = (j + 1) & mask;
        }
        return true;
    }

    /** Calls {@code action} for every flow; the action must not change the table (collect first, then remove). */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<? super F> action) {
        for (Object o : slots) if (o != null) action.accept((F) o);
    }

    public int size() {
        return size;
    }
}

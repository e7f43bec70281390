package io.jwfp.engine.callout;

import java.util.ArrayList;
import java.util.List;

/**
 * Flow contexts (FwpsFlowAssociateContext0 / FwpsFlowRemoveContext0): a callout attaches a 64-bit context to a flow at
 * a layer; classifications of that flow at that layer hand it back as {@code flowContext}, and when the flow ends the
 * callout's flowDeleteFn gets it. Keys are (flow handle, layer id, callout id). Reads and writes are short and
 * synchronized; nothing is allocated on lookup.
 */
public final class FlowContextTable {
    private long[] keysFlow = new long[64];
    private int[] keysLayerCallout = new int[64];
    private long[] values = new long[64];
    private boolean[] used = new boolean[64];
    private int size;

    private static int hash(long flow, int lc) {
        long h = flow * 0x9E3779B97F4A7C15L ^ lc * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32));
    }

    private static int lc(int layerId, int calloutId) {
        return (layerId << 20) | (calloutId & 0xFFFFF);
    }

    private int slot(long flow, int lc) {
        int mask = used.length - 1;
        int i = hash(flow, lc) & mask;
        while (used[i] && !(keysFlow[i] == flow && keysLayerCallout[i] == lc)) i = (i + 1) & mask;
        return i;
    }

    /** FwpsFlowAssociateContext0; returns false (STATUS_OBJECT_NAME_EXISTS) if a context is already associated. */
    public synchronized boolean associate(long flowHandle, int layerId, int calloutId, long context) {
        if ((size + 1) * 2 > used.length) grow();
        int lc = lc(layerId, calloutId);
        int i = slot(flowHandle, lc);
        if (used[i]) return false;
        used[i] = true;
        keysFlow[i] = flowHandle;
        keysLayerCallout[i] = lc;
        values[i] = context;
        size++;
        return true;
    }

    /** FwpsFlowRemoveContext0: returns the removed context, or 0 when none was associated. */
    public synchronized long remove(long flowHandle, int layerId, int calloutId) {
        int lc = lc(layerId, calloutId);
        int i = slot(flowHandle, lc);
        if (!used[i]) return 0;
        long v = values[i];
        deleteAt(i);
        return v;
    }

    /** True if the callout has a context on the flow at the layer. */
    public synchronized boolean contains(long flowHandle, int layerId, int calloutId) {
        return used[slot(flowHandle, lc(layerId, calloutId))];
    }

    /** The context, or 0 when none. */
    public synchronized long get(long flowHandle, int layerId, int calloutId) {
        int i = slot(flowHandle, lc(layerId, calloutId));
        return used[i] ? values[i] : 0;
    }

    /** An association, as returned when a flow ends. */
    public record Association(int layerId, int calloutId, long context) {}

    /** Removes every context of a flow and returns them, for the flowDeleteFn calls. */
    public synchronized List<Association> removeFlow(long flowHandle) {
        List<Association> out = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (used[i] && keysFlow[i] == flowHandle) {
                int lc = keysLayerCallout[i];
                out.add(new Association(lc >>> 20, lc & 0xFFFFF, values[i]));
            }
        }
        for (Association a : out) remove(flowHandle, a.layerId(), a.calloutId());
        return out;
    }

    /** The number of associations. */
    public synchronized int size() {
        return size;
    }

    private void deleteAt(int i) {
        int mask = used.length - 1;
        used[i] = false;
        size--;
        // Re-insert the following cluster so probing still finds every key.
        int j = (i + 1) & mask;
        while (used[j]) {
            long f = keysFlow[j];
            int lc = keysLayerCallout[j];
            long v = values[j];
            used[j] = false;
            size--;
            int k = slot(f, lc);
            used[k] = true;
            keysFlow[k] = f;
            keysLayerCallout[k] = lc;
            values[k] = v;
            size++;
            j = (j + 1) & mask;
        }
    }

    private void grow() {
        long[] kf = keysFlow;
        int[] kl = keysLayerCallout;
        long[] v = values;
        boolean[] u = used;
        keysFlow = new long[kf.length * 2];
        keysLayerCallout = new int[kf.length * 2];
        values = new long[kf.length * 2];
        used = new boolean[kf.length * 2];
        size = 0;
        for (int i = 0; i < u.length; i++) {
            if (!u[i]) continue;
            int k = slot(kf[i], kl[i]);
            used[k] = true;
            keysFlow[k] = kf[i];
            keysLayerCallout[k] = kl[i];
            values[k] = v[i];
            size++;
        }
    }
}

package io.jwfp.shim.sim.trace;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Records every classification and every transmission of a simulated network, in order. Not thread-safe (the
 * simulation is single-threaded).
 */
public final class TraceRecorder {
    private final List<TraceEntry> entries = new ArrayList<>();
    private final List<Consumer<TraceEntry>> listeners = new ArrayList<>();
    private long seq;

    /** Records a classification. */
    public Classification classification(long time, String host, String event, Layer layer, Direction direction,
                                         ActionType action, long filterId, String filterName, boolean absorbed,
                                         boolean reauth, boolean injected, boolean loopback, long packetId,
                                         String summary) {
        Classification c = new Classification(++seq, time, host, event, layer, direction, action, filterId, filterName,
                absorbed, reauth, injected, loopback, packetId, summary);
        add(c);
        return c;
    }

    /** Records a transmission. */
    public Transmission transmission(long time, String from, String to, String event, long packetId, boolean lost,
                                     boolean arp, boolean loopback, String summary) {
        Transmission t = new Transmission(++seq, time, from, to, event, packetId, lost, arp, loopback, summary);
        add(t);
        return t;
    }

    private boolean recording = true;

    /**
     * Whether entries are kept ({@link #entries()}); listeners are called either way. Turn it off for long
     * transfers whose millions of classifications nobody reads back.
     */
    public void setRecording(boolean on) {
        recording = on;
    }

    private void add(TraceEntry e) {
        if (recording) entries.add(e);
        for (Consumer<TraceEntry> l : listeners) l.accept(e);
    }

    /** Calls {@code listener} for every entry recorded from now on. */
    public void addListener(Consumer<TraceEntry> listener) {
        listeners.add(listener);
    }

    /** Everything, in order. */
    public List<TraceEntry> entries() {
        return List.copyOf(entries);
    }

    /** The classifications, in order. */
    public List<Classification> classifications() {
        List<Classification> out = new ArrayList<>();
        for (TraceEntry e : entries) if (e instanceof Classification c) out.add(c);
        return out;
    }

    /** The classifications of one host, in order. */
    public List<Classification> classifications(String host) {
        List<Classification> out = new ArrayList<>();
        for (TraceEntry e : entries) if (e instanceof Classification c && c.host().equals(host)) out.add(c);
        return out;
    }

    /** The transmissions, in order. */
    public List<Transmission> transmissions() {
        List<Transmission> out = new ArrayList<>();
        for (TraceEntry e : entries) if (e instanceof Transmission t) out.add(t);
        return out;
    }

    /** Forgets everything recorded so far (e.g. after setting a scenario up). */
    public void clear() {
        entries.clear();
    }
}

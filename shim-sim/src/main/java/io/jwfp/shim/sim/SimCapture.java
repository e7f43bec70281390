package io.jwfp.shim.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * tcpdump for the simulated network: collects every frame put on any link from the moment it is started
 * ({@link SimNetwork#startCapture()}). Not thread-safe (the simulation is single-threaded).
 */
public final class SimCapture implements Consumer<CapturedFrame> {
    private final List<CapturedFrame> frames = new ArrayList<>();

    SimCapture() {}

    @Override
    public void accept(CapturedFrame f) {
        frames.add(f);
    }

    /** Everything captured, in order. */
    public List<CapturedFrame> frames() {
        return List.copyOf(frames);
    }

    /** The frames a link carried to {@code host} (tcpdump on the host's side of its link, promiscuous). */
    public List<CapturedFrame> to(SimHost host) {
        return frames.stream().filter(f -> f.to().host() == host).toList();
    }

    /** The frames {@code host} sent. */
    public List<CapturedFrame> from(SimHost host) {
        return frames.stream().filter(f -> f.from().host() == host).toList();
    }

    /** Forgets what was captured so far. */
    public void clear() {
        frames.clear();
    }
}

package io.jwfp.shim.sim;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * The simulated network's manual clock and event scheduler: a priority queue of timed events, ordered by time and
 * then by the order they were scheduled in, so a run is a pure function of its inputs and the network's seed. Time
 * moves only when an event runs; nothing sleeps and there are no threads.
 *
 * <p>Not thread-safe: the whole simulation runs on the thread that calls {@link #runUntilIdle()} or
 * {@link #runFor(Duration)}.
 */
public final class SimClock {
    /** Events one run may process before it is considered runaway (an injection loop, a timer storm). */
    public static final long DEFAULT_EVENT_LIMIT = 5_000_000;

    private record Event(long time, long seq, Runnable action, boolean background) {}

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
            a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    private long processed;
    private long eventLimit = DEFAULT_EVENT_LIMIT;

    /** Nanoseconds since the simulation started. */
    public long nanos() {
        return now;
    }

    /** The time since the simulation started. */
    public Duration now() {
        return Duration.ofNanos(now);
    }

    /** Runs {@code action} after {@code delay} (zero: after everything already due now). */
    public void schedule(Duration delay, Runnable action) {
        scheduleNanos(delay.toNanos(), action);
    }

    Object scheduleNanos(long delayNanos, Runnable action) {
        Event e = new Event(now + Math.max(0, delayNanos), seq++, action, false);
        queue.add(e);
        return e;
    }

    /** Removes an event {@link #scheduleNanos} returned, if it has not run (a cancelled timer moves no clock). */
    void cancel(Object event) {
        if (event != null && queue.remove(event) && ((Event) event).background) background--;
    }

    /**
     * Schedules a background event (e.g. the 60 s idle expiry of an ALE flow): it runs when the clock reaches it, but
     * {@link #runUntilIdle()} does not wait for it.
     */
    void scheduleBackground(long delayNanos, Runnable action) {
        queue.add(new Event(now + Math.max(0, delayNanos), seq++, action, true));
        background++;
    }

    private long background;

    /** Events processed so far. */
    public long processedEvents() {
        return processed;
    }

    /** Sets how many events one call of {@link #runUntilIdle()} may process before it throws. */
    public void setEventLimit(long limit) {
        this.eventLimit = limit;
    }

    /**
     * Runs events until none is left but background events (which stay scheduled, see
     * {@link #scheduleBackground}).
     *
     * @throws IllegalStateException if more than the event limit run (a loop that never settles)
     */
    public void runUntilIdle() {
        long start = processed;
        while (queue.size() > background) {
            step();
            if (processed - start > eventLimit) {
                throw new IllegalStateException("simulation did not settle after " + eventLimit + " events (at "
                        + now() + "): an injection loop or a timer that re-arms forever?");
            }
        }
    }

    /** Runs the events due within {@code d} from now, then sets the clock to now + d. */
    public void runFor(Duration d) {
        long end = now + d.toNanos();
        while (!queue.isEmpty() && queue.peek().time <= end) step();
        now = end;
    }

    /** True if no event is scheduled. */
    public boolean isIdle() {
        return queue.size() == background;
    }

    private void step() {
        Event e = queue.poll();
        if (e.background) background--;
        now = e.time;
        processed++;
        e.action.run();
    }
}

package io.jwfp.bfe.netevent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The net-event log: a bounded ring of the most recent events (like BFE's circular buffer, larger by default) and
 * subscriptions (FwpmNetEventSubscribe0). Events are recorded on the classifying thread and delivered to subscribers
 * on a separate delivery thread, asynchronously as Windows does; if subscribers fall far behind, events are dropped
 * for them and counted ({@link #droppedDeliveries()}), never blocking classification.
 */
public final class NetEventLog implements AutoCloseable {
    /** Default capacity of the ring. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final ArrayDeque<NetEvent> ring = new ArrayDeque<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final BlockingQueue<NetEvent> pending = new ArrayBlockingQueue<>(65_536);
    private final Thread delivery;
    private volatile boolean closed;
    private final Object idle = new Object();
    private long delivered;
    private volatile long enqueued;

    public NetEventLog() {
        this(DEFAULT_CAPACITY);
    }

    public NetEventLog(int capacity) {
        this.capacity = capacity;
        this.delivery = Thread.ofPlatform().daemon().name("jwfp-net-events").start(this::deliver);
    }

    /** Records an event; returns it with its sequence number. */
    public NetEvent record(NetEvent e) {
        NetEvent s;
        synchronized (ring) {
            s = e.withSequence(sequence.incrementAndGet());
            if (ring.size() == capacity) ring.removeFirst();
            ring.addLast(s);
        }
        if (!subscriptions.isEmpty()) {
            if (pending.offer(s)) enqueued = s.sequence();
            else dropped.incrementAndGet();
        }
        return s;
    }

    /** FwpmNetEventEnum: the logged events matching a template, oldest first. */
    public List<NetEvent> enumerate(NetEventEnumTemplate template) {
        synchronized (ring) {
            List<NetEvent> out = new ArrayList<>();
            for (NetEvent e : ring) if (template.matches(e)) out.add(e);
            return out;
        }
    }

    /** Events with a sequence number above {@code after}, oldest first. */
    public List<NetEvent> since(long after) {
        synchronized (ring) {
            List<NetEvent> out = new ArrayList<>();
            for (NetEvent e : ring) if (e.sequence() > after) out.add(e);
            return out;
        }
    }

    /** The sequence number of the newest event. */
    public long lastSequence() {
        return sequence.get();
    }

    /** FwpmNetEventSubscribe: the callback receives matching events on the delivery thread. */
    public Subscription subscribe(NetEventEnumTemplate template, Consumer<NetEvent> callback) {
        Subscription s = new Subscription(template, callback);
        subscriptions.add(s);
        return s;
    }

    /** Deliveries skipped because subscribers were too slow. */
    public long droppedDeliveries() {
        return dropped.get();
    }

    /** Waits until every event recorded so far has been delivered to subscribers (for tests and clean shutdown). */
    public void awaitDelivery(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long target = enqueued;
        synchronized (idle) {
            while (delivered < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return;
                idle.wait(left);
            }
        }
    }

    private void deliver() {
        while (!closed) {
            NetEvent e;
            try {
                e = pending.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ex) {
                return;
            }
            if (e != null) {
                for (Subscription s : subscriptions) {
                    if (s.template.matches(e)) {
                        try {
                            s.callback.accept(e);
                        } catch (RuntimeException ex) {
                            // A failing subscriber must not stop delivery to the others.
                            System.getLogger("jwfp.netevents").log(System.Logger.Level.WARNING, "net event subscriber failed", ex);
                        }
                    }
                }
            }
            synchronized (idle) {
                if (e != null) delivered = e.sequence();
                idle.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        delivery.interrupt();
    }

    /** A subscription; closing it is FwpmNetEventUnsubscribe. */
    public final class Subscription implements AutoCloseable {
        private final NetEventEnumTemplate template;
        private final Consumer<NetEvent> callback;

        private Subscription(NetEventEnumTemplate template, Consumer<NetEvent> callback) {
            this.template = template;
            this.callback = callback;
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }
}

package io.jwfp.shim.nfqueue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;

/**
 * Queues {@code first..last} served by one platform thread each, the user-space side of
 * {@code -j NFQUEUE --queue-balance first:last}.
 *
 * <p>Each thread opens its own {@link NfQueue}, so each queue has its own socket, confined {@link java.lang.foreign.Arena}
 * and receive buffer allocated once, and runs its own handler (from {@code handlers}, called once per queue
 * before the threads start). Handlers of different queues run concurrently; a handler shared between queues
 * must be thread-safe.
 *
 * <p>{@link #start} returns once every queue is bound, or fails with the first error after stopping the
 * queues that did open. Threads are daemon threads named {@code jwfp-nfq-N}.
 */
public final class NfQueueGroup implements AutoCloseable {
    private final int first;
    private final List<Worker> workers;

    private NfQueueGroup(int first, List<Worker> workers) {
        this.first = first;
        this.workers = workers;
    }

    /**
     * Opens queues {@code firstQueue..lastQueue} with {@code template} (its queue number is replaced).
     *
     * @throws NfQueueException the first open failure (all queues are closed again)
     */
    public static NfQueueGroup start(NfQueueConfig template, int firstQueue, int lastQueue,
            IntFunction<PacketHandler> handlers) {
        if (firstQueue < 0 || lastQueue > 0xffff || lastQueue < firstQueue) {
            throw new IllegalArgumentException("queue range must be 0 <= first <= last <= 65535, got "
                    + firstQueue + ".." + lastQueue);
        }
        NfQueue.ensureAvailable();
        int n = lastQueue - firstQueue + 1;
        CountDownLatch opened = new CountDownLatch(n);
        List<Worker> workers = new ArrayList<>(n);
        for (int q = firstQueue; q <= lastQueue; q++) {
            PacketHandler h = handlers.apply(q);
            if (h == null) {
                throw new IllegalArgumentException("no handler for queue " + q);
            }
            workers.add(new Worker(template.withQueueNumber(q), h, opened));
        }
        for (Worker w : workers) {
            w.thread = Thread.ofPlatform().name("jwfp-nfq-" + w.config.queueNumber()).daemon(true).unstarted(w);
            w.thread.start();
        }
        try {
            opened.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            new NfQueueGroup(firstQueue, workers).close();
            throw new NfQueueException("interrupted while opening queues " + firstQueue + ".." + lastQueue, 0, e);
        }
        NfQueueGroup group = new NfQueueGroup(firstQueue, workers);
        for (Worker w : workers) {
            if (w.openFailure != null) {
                group.close();
                if (w.openFailure instanceof NfQueueException e) {
                    throw e;
                }
                throw new NfQueueException("queue " + w.config.queueNumber() + " failed to open: " + w.openFailure,
                        0, w.openFailure);
            }
        }
        return group;
    }

    /** Same handler for every queue (it must be thread-safe). */
    public static NfQueueGroup start(NfQueueConfig template, int firstQueue, int lastQueue, PacketHandler handler) {
        return start(template, firstQueue, lastQueue, q -> handler);
    }

    public int firstQueue() {
        return first;
    }

    public int lastQueue() {
        return first + workers.size() - 1;
    }

    private Worker worker(int queueNumber) {
        int i = queueNumber - first;
        if (i < 0 || i >= workers.size()) {
            throw new IllegalArgumentException("queue " + queueNumber + " is not in " + first + ".." + lastQueue());
        }
        return workers.get(i);
    }

    /** Live counters of one queue. */
    public NfQueueStats stats(int queueNumber) {
        return worker(queueNumber).queue.stats();
    }

    /** Kernel statistics line of one queue. */
    public Optional<KernelQueueStats> kernelStats(int queueNumber) {
        return worker(queueNumber).queue.kernelStats();
    }

    /** The queue object, for the thread-safe calls ({@link NfQueue#completeDeferred}, {@link NfQueue#stats()}). */
    public NfQueue queue(int queueNumber) {
        return worker(queueNumber).queue;
    }

    /** Why a queue thread stopped on its own, if it did. */
    public Optional<Throwable> failure(int queueNumber) {
        return Optional.ofNullable(worker(queueNumber).runFailure);
    }

    /** Whether every queue thread is still serving. */
    public boolean isRunning() {
        for (Worker w : workers) {
            if (!w.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Stops every queue, waits for the threads to send pending verdicts and unbind. */
    @Override
    public void close() {
        for (Worker w : workers) {
            NfQueue q = w.queue;
            if (q != null) {
                q.stop();
            }
            w.stopRequested = true;
        }
        boolean interrupted = false;
        for (Worker w : workers) {
            if (w.thread == null) {
                continue;
            }
            while (true) {
                try {
                    if (!w.thread.join(java.time.Duration.ofSeconds(10))) {
                        throw new NfQueueException("queue thread " + w.thread.getName() + " did not stop within 10 s", 0);
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Worker implements Runnable {
        final NfQueueConfig config;
        final PacketHandler handler;
        final CountDownLatch opened;
        Thread thread;
        volatile NfQueue queue;
        volatile Throwable openFailure;
        volatile Throwable runFailure;
        volatile boolean stopRequested;

        Worker(NfQueueConfig config, PacketHandler handler, CountDownLatch opened) {
            this.config = config;
            this.handler = handler;
            this.opened = opened;
        }

        @Override
        public void run() {
            NfQueue q;
            try {
                q = NfQueue.open(config);
            } catch (Throwable t) {
                openFailure = t;
                opened.countDown();
                return;
            }
            queue = q;
            opened.countDown();
            try {
                if (!stopRequested) {
                    q.run(handler);
                }
            } catch (Throwable t) {
                runFailure = t;
            } finally {
                q.close();
            }
        }
    }

}

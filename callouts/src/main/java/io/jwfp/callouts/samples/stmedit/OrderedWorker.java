package io.jwfp.callouts.samples.stmedit;

import io.jwfp.engine.kernel.FwpsKernel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One of the sample's ordered work queues: tasks run one at a time in the order they were submitted, on a work item
 * of the kernel ({@link FwpsKernel#queueWorkItem}), so the same code runs on the simulator (as events) and on a live
 * shim (on a worker thread). At most one work item drains a queue at a time. Thread-safe.
 */
final class OrderedWorker {
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final FwpsKernel kernel;

    OrderedWorker(FwpsKernel kernel) {
        this.kernel = kernel;
    }

    void submit(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) kernel.queueWorkItem(this::drain);
    }

    private void drain() {
        while (true) {
            for (Runnable t; (t = tasks.poll()) != null; ) t.run();
            scheduled.set(false);
            // A task submitted between the last poll and the reset would otherwise wait for the next submit.
            if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) return;
        }
    }
}

package io.jwfp.daemon.metrics;

import io.jwfp.shim.nfqueue.KernelQueueStats;
import io.jwfp.shim.nfqueue.NfQueueStats;
import io.jwfp.shim.nfqueue.live.LiveTraffic;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;

/** The NFQUEUE queues' metrics: jwfp's counters per queue and the kernel's line of nfnetlink_queue. Stateless. */
final class NfQueueReadings {
    private NfQueueReadings() {}

    /** One queue read once per scrape; the kernel's fields are 0 when it does not list the queue. */
    record Queue(int number, NfQueueStats.Snapshot stats, boolean kernelListed, long kernelQueued, long waiting,
                 long queueDropped, long userDropped) {}

    static List<Queue> of(LiveTraffic t) {
        List<Queue> out = new ArrayList<>();
        for (LiveTraffic.QueueReading r : t.queueReadings()) {
            KernelQueueStats k = r.kernel();
            out.add(k == null ? new Queue(r.queue(), r.stats(), false, 0, 0, 0, 0)
                    : new Queue(r.queue(), r.stats(), true, k.idSequence(), k.queueTotal(), k.queueDropped(),
                            k.userDropped()));
        }
        return out;
    }

    static void add(List<MetricSnapshot> out, List<Queue> queues) {
        CounterSnapshot.Builder received = counter("jwfp_nfqueue_packets",
                "Packets jwfpd received from the queue.");
        CounterSnapshot.Builder verdicts = counter("jwfp_nfqueue_verdicts",
                "Verdicts jwfpd gave on the queue (one per packet; a batch message covers many).");
        CounterSnapshot.Builder failures = counter("jwfp_nfqueue_failures",
                "Queue failures by kind: enobufs (socket buffer overflow, the kernel dropped messages), send_error,"
                        + " verdict_error (the kernel refused a verdict), handler_error, malformed.");
        CounterSnapshot.Builder kernelQueued = counter("jwfp_nfqueue_kernel_queued",
                "Packets the kernel queued on this queue since it was bound (nfnetlink_queue's id sequence).");
        CounterSnapshot.Builder kernelDropped = counter("jwfp_nfqueue_kernel_dropped",
                "Packets the kernel dropped on this queue: reason=queue_full (queue max length reached without"
                        + " fail-open), reason=user (could not be delivered to jwfpd's socket).");
        GaugeSnapshot.Builder waiting = GaugeSnapshot.builder().name("jwfp_nfqueue_waiting")
                .help("Packets waiting in the kernel for jwfpd's verdict now.");
        for (Queue q : queues) {
            String n = Integer.toString(q.number());
            NfQueueStats.Snapshot s = q.stats();
            received.dataPoint(point(s.packets(), "queue", n));
            verdicts.dataPoint(point(s.verdicts(), "queue", n));
            failures.dataPoint(point(s.enobufs(), "kind", "enobufs", "queue", n));
            failures.dataPoint(point(s.sendErrors(), "kind", "send_error", "queue", n));
            failures.dataPoint(point(s.verdictErrors(), "kind", "verdict_error", "queue", n));
            failures.dataPoint(point(s.handlerErrors(), "kind", "handler_error", "queue", n));
            failures.dataPoint(point(s.malformed(), "kind", "malformed", "queue", n));
            if (q.kernelListed()) {
                kernelQueued.dataPoint(point(q.kernelQueued(), "queue", n));
                kernelDropped.dataPoint(point(q.queueDropped(), "queue", n, "reason", "queue_full"));
                kernelDropped.dataPoint(point(q.userDropped(), "queue", n, "reason", "user"));
                waiting.dataPoint(GaugeDataPointSnapshot.builder().value(q.waiting()).labels(Labels.of("queue", n)).build());
            }
        }
        out.add(received.build());
        out.add(verdicts.build());
        out.add(failures.build());
        out.add(kernelQueued.build());
        out.add(kernelDropped.build());
        out.add(waiting.build());
    }

    private static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    private static CounterDataPointSnapshot point(long value, String... labels) {
        return CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }
}

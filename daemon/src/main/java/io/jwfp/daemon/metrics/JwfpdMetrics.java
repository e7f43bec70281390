package io.jwfp.daemon.metrics;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.FilterHits;
import io.jwfp.engine.state.EngineState;
import io.jwfp.engine.state.LayerState;
import io.jwfp.engine.state.SublayerState;
import io.jwfp.shim.nfqueue.live.LiveMetrics;
import io.jwfp.shim.nfqueue.live.LiveStats;
import io.jwfp.shim.nfqueue.live.LiveTraffic;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * jwfpd's metrics, read at each scrape from the counters the engine and the live pipeline keep anyway (the hot path
 * never sees this class): filters per layer and net events from the Base Filtering Engine; classifications per layer,
 * per-filter hits, drops by reason, the classify-latency histogram, flows and the NFQUEUE queues' counters (jwfp's and
 * the kernel's {@code /proc/net/netfilter/nfnetlink_queue}) from {@link LiveTraffic} when jwfpd intercepts traffic.
 * Every name and label is listed in docs/metrics.md; a change here is a change there.
 *
 * <p>Thread-safe: {@link #collect} only reads thread-safe counters and the engine's current snapshot.
 */
public final class JwfpdMetrics implements MultiCollector {
    private final BaseFilteringEngine bfe;
    private final Supplier<LiveTraffic> traffic;

    /**
     * @param traffic the live traffic (null, or a supplier of null: jwfpd runs without it, {@code --no-live}, or it has
     *                not started yet)
     */
    public JwfpdMetrics(BaseFilteringEngine bfe, Supplier<LiveTraffic> traffic) {
        this.bfe = bfe;
        this.traffic = traffic != null ? traffic : () -> null;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        EngineState state = bfe.filterEngine().state();
        LiveTraffic t = traffic.get();
        filters(out, state);
        out.add(counter("jwfp_net_events", "Net events logged (drops; permits too with --allow-events).",
                point(bfe.netEvents().lastSequence())));
        filterHits(out, state);
        if (t != null) live(out, t);
        return new MetricSnapshots(out);
    }

    private static void filters(List<MetricSnapshot> out, EngineState state) {
        GaugeSnapshot.Builder g = GaugeSnapshot.builder().name("jwfp_filters").help("Filters the engine enforces, per layer.");
        for (Layer l : Layer.values()) {
            LayerState ls = state.layer(l);
            if (ls != null && ls.filterCount() > 0) {
                g.dataPoint(GaugeDataPointSnapshot.builder().value(ls.filterCount()).labels(Labels.of("layer", l.name()))
                        .build());
            }
        }
        out.add(g.build());
    }

    /**
     * jwfp_filter_hits_total for every enforced filter, from the engine's own counters (so --no-live counts too):
     * kind="decided" (classifications whose final decision the filter made) and kind="matched" (classifications that
     * reached the filter with its conditions matching, whoever decided; decided ones included).
     */
    private static void filterHits(List<MetricSnapshot> out, EngineState state) {
        CounterSnapshot.Builder c = CounterSnapshot.builder().name("jwfp_filter_hits")
                .help("Classifications per filter: kind=decided those whose final decision the filter made, kind=matched "
                        + "those that reached it with its conditions matching (decided ones included).");
        for (Layer l : Layer.values()) {
            LayerState ls = state.layer(l);
            if (ls == null) continue;
            for (int s = 0; s < ls.sublayerCount(); s++) {
                SublayerState ss = ls.sublayer(s);
                for (CompiledFilter f : ss.filters()) {
                    FilterHits.Counts h = f.hits().counts();
                    String id = Long.toString(f.filterId());
                    c.dataPoint(CounterDataPointSnapshot.builder().value(h.decided())
                            .labels(Labels.of("filter_id", id, "kind", "decided", "name", f.name())).build());
                    c.dataPoint(CounterDataPointSnapshot.builder().value(h.matched())
                            .labels(Labels.of("filter_id", id, "kind", "matched", "name", f.name())).build());
                }
            }
        }
        out.add(c.build());
    }

    private static void live(List<MetricSnapshot> out, LiveTraffic t) {
        LiveMetrics m = t.runtime().metrics();
        LiveStats s = t.runtime().stats();

        CounterSnapshot.Builder cl = CounterSnapshot.builder().name("jwfp_classifications")
                .help("Classifications of live traffic per layer and outcome (layers without filters are skipped).");
        for (Layer l : Layer.values()) {
            long permits = m.permits(l), blocks = m.blocks(l);
            if (permits == 0 && blocks == 0 && !t.runtime().engine().hasFilters(l)) continue;
            cl.dataPoint(CounterDataPointSnapshot.builder().value(permits)
                    .labels(Labels.of("action", "permit", "layer", l.name())).build());
            cl.dataPoint(CounterDataPointSnapshot.builder().value(blocks)
                    .labels(Labels.of("action", "block", "layer", l.name())).build());
        }
        out.add(cl.build());

        long[] counts = m.latencyCounts();
        double[] bounds = new double[counts.length];
        System.arraycopy(LiveMetrics.latencyBoundsSeconds(), 0, bounds, 0, counts.length - 1);
        bounds[counts.length - 1] = Double.POSITIVE_INFINITY;
        out.add(HistogramSnapshot.builder().name("jwfp_classify_duration_seconds")
                .help("Time the engine took for one classification at one layer (callouts included).")
                .dataPoint(HistogramDataPointSnapshot.builder().classicHistogramBuckets(ClassicHistogramBuckets.of(bounds,
                        counts)).sum(m.latencySumNanos() / 1e9).build())
                .build());

        out.add(counter("jwfp_packets", "Packets the live pipeline handled (queued to jwfpd).",
                point(s.get(LiveStats.PACKETS))));
        out.add(counter("jwfp_packets_permitted", "Packets the live pipeline let go on.", point(s.get(LiveStats.PERMITTED))));

        List<NfQueueReadings.Queue> queues = NfQueueReadings.of(t);
        CounterSnapshot.Builder drops = CounterSnapshot.builder().name("jwfp_packets_dropped")
                .help("Packets dropped, by reason (the kernel's queue drops included).");
        for (LiveMetrics.Drop d : LiveMetrics.Drop.values()) drops.dataPoint(reason(d.label(), m.drops(d)));
        drops.dataPoint(reason("held_dropped", s.get(LiveStats.HELD_DROPPED)));
        drops.dataPoint(reason("held_expired", s.get(LiveStats.HELD_EXPIRED)));
        drops.dataPoint(reason("kernel_queue_full", queues.stream().mapToLong(NfQueueReadings.Queue::queueDropped).sum()));
        drops.dataPoint(reason("kernel_user_dropped", queues.stream().mapToLong(NfQueueReadings.Queue::userDropped).sum()));
        out.add(drops.build());

        out.add(GaugeSnapshot.builder().name("jwfp_flows").help("Flows the live pipeline tracks now.")
                .dataPoint(GaugeDataPointSnapshot.builder().value(t.runtime().flows().size()).build()).build());
        out.add(counter("jwfp_flows_created", "Flows the live pipeline began to track.", point(t.runtime().flows().created())));
        NfQueueReadings.add(out, queues);
    }

    private static CounterDataPointSnapshot reason(String reason, long value) {
        return CounterDataPointSnapshot.builder().value(value).labels(Labels.of("reason", reason)).build();
    }

    static CounterDataPointSnapshot point(long value) {
        return CounterDataPointSnapshot.builder().value(value).build();
    }

    static CounterSnapshot counter(String name, String help, CounterDataPointSnapshot... points) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (CounterDataPointSnapshot p : points) b.dataPoint(p);
        return b.build();
    }
}

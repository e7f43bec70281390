package io.jwfp.engine.arbitration;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_INSPECTION;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_TERMINATING;
import static io.jwfp.engine.model.FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT;
import static io.jwfp.engine.testing.RecordingCallout.blocksHard;
import static io.jwfp.engine.testing.RecordingCallout.continues;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.FilterHits;
import io.jwfp.engine.testing.RecordingCallout;
import io.jwfp.engine.testing.TestPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-filter hit counters: what "decided" and "matched" count, and what does not count. */
class HitCountersTest {
    static final Layer CONNECT = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;

    final TestPolicy p = new TestPolicy(CONNECT);

    private FilterHits.Counts hits(long filterId) {
        return p.engine().hits(filterId);
    }

    private ClassifyResult port(int port) {
        return p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, Integer.toString(port)).with(FWPM_CONDITION_IP_PROTOCOL, "tcp")
                .classify();
    }

    @Test
    void the_deciding_filter_counts_decided_and_matched_and_filters_below_it_in_its_sublayer_are_not_reached() {
        UUID fw = p.sublayer("fw", 0x8000);
        long smtp = p.filter("no smtp").in(fw).weight(10).when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();
        long tcp = p.filter("tcp ok").in(fw).weight(5).when(FWPM_CONDITION_IP_PROTOCOL, "tcp").permit();

        assertThat(port(25).filterId()).isEqualTo(smtp);
        assertThat(port(25).filterId()).isEqualTo(smtp);
        assertThat(port(80).filterId()).isEqualTo(tcp);

        assertThat(hits(smtp)).isEqualTo(new FilterHits.Counts(2, 2));
        assertThat(hits(tcp)).as("reached only when port 25 did not stop the sublayer first").isEqualTo(new FilterHits.Counts(1, 1));
    }

    @Test
    void a_soft_permit_overridden_by_a_lower_sublayer_counts_matched_only() {
        UUID high = p.sublayer("high", 0xF000);
        UUID low = p.sublayer("low", 0x1000);
        long softPermit = p.filter("soft permit").in(high).permit();
        long block = p.filter("block").in(low).block();

        ClassifyResult r = port(443);

        assertThat(r.filterId()).isEqualTo(block);
        assertThat(hits(softPermit)).isEqualTo(new FilterHits.Counts(0, 1));
        assertThat(hits(block)).isEqualTo(new FilterHits.Counts(1, 1));
    }

    @Test
    void static_filters_after_a_hard_decision_are_not_reached_even_when_a_trace_visits_them() {
        UUID high = p.sublayer("high", 0xF000);
        UUID low = p.sublayer("low", 0x1000);
        long hardPermit = p.filter("hard permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
        long block = p.filter("block").in(low).block();
        p.publish();

        var in = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "443").values();
        RecordingTrace trace = new RecordingTrace();
        ClassifyResult r = new ClassifyResult();
        p.engine().classify(in, new io.jwfp.engine.callout.FwpsIncomingMetadataValues(), null, r, trace);

        assertThat(trace.sublayers()).hasSize(2); // the trace saw the low sublayer ("ignored")
        assertThat(hits(hardPermit)).isEqualTo(new FilterHits.Counts(1, 1));
        assertThat(hits(block)).as("cannot change a hard decision: not a hit").isEqualTo(new FilterHits.Counts(0, 0));
    }

    @Test
    void a_callout_answering_continue_counts_matched_only_and_the_layer_default_counts_nowhere() {
        RecordingCallout logger = p.callout("logger", continues());
        long inspect = p.filter("inspect").weight(100).callout(FWP_ACTION_CALLOUT_INSPECTION, logger);
        long smtp = p.filter("no smtp").weight(1).when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();

        port(80); // only the inspection filter reached; the layer default decides
        port(25);

        assertThat(hits(inspect)).isEqualTo(new FilterHits.Counts(0, 2));
        assertThat(hits(smtp)).isEqualTo(new FilterHits.Counts(1, 1));
    }

    @Test
    void counts_survive_a_rebuild_that_keeps_the_filter() {
        long smtp = p.filter("no smtp").when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();
        port(25);
        var compiledBefore = p.engine().state().filter(smtp);

        long other = p.filter("no telnet").when(FWPM_CONDITION_IP_REMOTE_PORT, "23").block();
        p.publish();
        port(25);
        port(23);

        assertThat(p.engine().state().filter(smtp)).isSameAs(compiledBefore);
        assertThat(hits(smtp)).isEqualTo(new FilterHits.Counts(2, 2));
        assertThat(hits(other)).isEqualTo(new FilterHits.Counts(1, 1));
        assertThat(p.engine().hits()).containsOnlyKeys(smtp, other);
        assertThat(hits(999)).as("no such filter").isNull();
    }

    @Test
    void a_rebuild_that_recompiles_the_filter_hands_it_the_same_counters() {
        UUID sub = p.sublayer("fw", 0x8000);
        long smtp = p.filter("no smtp").in(sub).when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();
        port(25);
        var before = p.engine().state();
        // A previous snapshot holding the same id with another definition object forces a new compiled form.
        var f = p.filters().getFirst();
        var copy = new io.jwfp.engine.model.FwpmFilter(f.filterKey(), f.displayData(), f.flags(), f.providerKey(),
                f.providerData(), f.layerKey(), f.subLayerKey(), f.weight(), f.filterCondition(), f.action(), f.rawContext(),
                f.filterId(), f.effectiveWeight());
        var next = io.jwfp.engine.state.EngineState.build(before,
                List.of(new io.jwfp.engine.model.FwpmSubLayer(sub, "fw", 0x8000)), List.of(copy), k -> 0, 99);
        p.engine().publish(next);

        assertThat(next.filter(smtp)).isNotSameAs(before.filter(smtp));
        assertThat(next.filter(smtp).hits()).isSameAs(before.filter(smtp).hits());
        assertThat(hits(smtp)).isEqualTo(new FilterHits.Counts(1, 1));
    }

    @Test
    void an_explain_counts_nothing() {
        long smtp = p.filter("no smtp").when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();
        p.publish();
        FilterEngine e = p.engine();
        ClassifyResult r = new ClassifyResult();
        e.explain(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "25").values(),
                new io.jwfp.engine.callout.FwpsIncomingMetadataValues(), null, r, new RecordingTrace(), e.callouts(), null);

        assertThat(r.filterId()).isEqualTo(smtp);
        assertThat(hits(smtp)).isEqualTo(new FilterHits.Counts(0, 0));
    }

    @Test
    void more_reached_filters_than_the_scratch_holds_are_still_counted_exactly() {
        RecordingCallout logger = p.callout("logger", continues());
        RecordingCallout blocker = p.callout("blocker", blocksHard());
        int loggers = ClassifyResult.REACHED_CAPACITY + 5;
        List<Long> logs = new ArrayList<>();
        for (int i = 0; i < loggers; i++) logs.add(p.filter("log " + i).weight(1000 - i).callout(FWP_ACTION_CALLOUT_INSPECTION, logger));
        long last = p.filter("decides last").weight(1).callout(FWP_ACTION_CALLOUT_TERMINATING, blocker);

        ClassifyResult r = port(80);

        assertThat(r.action()).isEqualTo(ActionType.FWP_ACTION_BLOCK);
        assertThat(r.filterId()).isEqualTo(last);
        for (long id : logs) assertThat(hits(id)).isEqualTo(new FilterHits.Counts(0, 1));
        assertThat(hits(last)).as("counted at once past the scratch, then promoted").isEqualTo(new FilterHits.Counts(1, 1));
        // And the next classification starts clean.
        port(80);
        assertThat(hits(last)).isEqualTo(new FilterHits.Counts(2, 2));
    }

    @Test
    void concurrent_classifications_lose_no_count() throws Exception {
        long smtp = p.filter("no smtp").when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();
        p.publish();
        FilterEngine e = p.engine();
        int threads = 4, each = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            var in = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "25").values();
            ts.add(Thread.ofPlatform().start(() -> {
                ClassifyResult r = new ClassifyResult();
                var meta = new io.jwfp.engine.callout.FwpsIncomingMetadataValues();
                try {
                    start.await();
                } catch (InterruptedException ex) {
                    return;
                }
                for (int i = 0; i < each; i++) e.classify(in, meta, null, r);
            }));
        }
        start.countDown();
        for (Thread t : ts) t.join();

        assertThat(hits(smtp)).isEqualTo(new FilterHits.Counts((long) threads * each, (long) threads * each));
    }
}

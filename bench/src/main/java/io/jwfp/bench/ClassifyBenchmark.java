package io.jwfp.bench;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One classification at FWPM_LAYER_ALE_AUTH_CONNECT_V4 against {@link SyntheticPolicy} of 10, 1,000 and 10,000
 * filters: {@link #indexed} is {@code FilterEngine.classify} (per-sublayer index), {@link #linear} the same
 * arbitration walking every filter ({@link LinearClassifier}), measured in the same run so the results give the
 * speed-up. Each invocation takes the next of 1,024 prepared packets (half aimed at filters, half random).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClassifyBenchmark {
    static final int PACKETS = 1024;

    @Param({"10", "1000", "10000"})
    public int filters;

    private FilterEngine engine;
    private LinearClassifier linear;
    private FwpsIncomingValues[] packets;
    private final FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
    private final ClassifyResult out = new ClassifyResult();
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        SyntheticPolicy policy = new SyntheticPolicy(filters, 42);
        engine = policy.engine();
        linear = new LinearClassifier(engine.state().layer(SyntheticPolicy.LAYER), engine.callouts());
        packets = policy.packets(PACKETS);
        // Both sides must agree on every packet, or the comparison means nothing.
        int decided = 0, blocked = 0;
        for (FwpsIncomingValues in : packets) {
            engine.classify(in, meta, null, out);
            linear.classify(in);
            if (out.action() != linear.action || out.filterId() != linear.filterId || out.isHard() != linear.hard) {
                throw new IllegalStateException("index and linear walk disagree on " + in + ": " + out + " vs "
                        + linear.action + " by " + linear.filterId);
            }
            if (out.filterId() != 0) decided++;
            if (out.action() == ActionType.FWP_ACTION_BLOCK) blocked++;
        }
        System.out.printf("%n%d filters, %s; packets: %d%% decided by a filter (%d%% blocked), %d%% layer default%n",
                filters, engine.state().layer(SyntheticPolicy.LAYER).sublayer(0).index(), decided * 100 / PACKETS,
                blocked * 100 / PACKETS, (PACKETS - decided) * 100 / PACKETS);
    }

    @Benchmark
    public ActionType indexed() {
        FwpsIncomingValues in = packets[next++ & (PACKETS - 1)];
        engine.classify(in, meta, null, out);
        return out.action();
    }

    @Benchmark
    public ActionType linear() {
        FwpsIncomingValues in = packets[next++ & (PACKETS - 1)];
        linear.classify(in);
        return linear.action;
    }
}

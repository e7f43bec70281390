package io.jwfp.shim.nfqueue.live;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.callout.ClassifyFn;
import io.jwfp.engine.callout.FlowDeleteFn;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.shim.nfqueue.Verdict;
import io.jwfp.shim.nfqueue.VerdictSink;
import io.jwfp.shim.nfqueue.natives.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@link PacketPipeline} without a queue: packets are fed from byte arrays (as the kernel would hand them, with the
 * mark bits jwfp's rules set), verdicts are recorded, and "recording" callouts log every layer a packet is classified
 * at. No root, no sockets; the process resolver has no sock_diag and a fake /proc, interfaces come from a fake sysfs.
 */
final class PipelineHarness implements AutoCloseable {
    static final int OUT = Constants.NF_INET_LOCAL_OUT;
    static final int IN = Constants.NF_INET_LOCAL_IN;
    static final int FWD = Constants.NF_INET_FORWARD;
    static final int ETH = 2;

    final BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
    final FwpmEngine session = bfe.openSession(FwpmSession.named("pipeline test"));
    final FlowTable flows = new FlowTable(bfe.filterEngine());
    final PolicyClock clock = new PolicyClock(5);
    final LiveStats stats = new LiveStats();
    final LiveRuntime rt;
    final PacketPipeline pipeline;
    final LiveKernel kernel;
    final Arena arena = Arena.ofConfined();
    final MemorySegment buffer = arena.allocate(1 << 16, 8);
    final RecordingSink sink = new RecordingSink();
    /** Layers classified, in order, as "SHORT_NAME" plus " reauth" for reauthorizations. */
    final List<String> seen = new ArrayList<>();
    /** Verdicts given later to held packets (deferred), in order. */
    final List<RecordingSink.Recorded> deferredVerdicts = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Work items and out-of-band steps, run when the test says ({@link #runPending}). */
    final java.util.ArrayDeque<Runnable> workItems = new java.util.ArrayDeque<>();
    final java.util.ArrayDeque<Runnable> outOfBand = new java.util.ArrayDeque<>();
    private int nextId = 1;
    private UUID recorders;

    PipelineHarness(Path tmp) throws IOException {
        Path sys = Files.createDirectories(tmp.resolve("sys"));
        for (String[] dev : new String[][] {{"lo", "1", "772"}, {"eth0", "2", "1"}, {"eth1", "3", "1"}}) {
            Path d = Files.createDirectories(sys.resolve(dev[0]));
            Files.writeString(d.resolve("ifindex"), dev[1] + "\n");
            Files.writeString(d.resolve("type"), dev[2] + "\n");
        }
        kernel = new LiveKernel(bfe.filterEngine(), flows, stats);
        rt = new LiveRuntime(bfe.filterEngine(), flows, new ProcessResolver(null, Files.createDirectories(tmp.resolve("proc"))),
                new Interfaces(sys), clock, stats, kernel);
        bfe.filterEngine().setKernel(kernel);
        bfe.addPolicyChangeListener(clock::changed);
        pipeline = new PacketPipeline(rt, (id, code, withMark, mark, payload, off, len) -> {
            byte[] p = null;
            if (payload != null) {
                p = new byte[len];
                MemorySegment.copy(payload, ValueLayout.JAVA_BYTE, off, p, 0, len);
            }
            deferredVerdicts.add(new RecordingSink.Recorded(id, code, withMark ? VerdictSink.WITH_MARK : 0, mark, p));
        });
        kernel.useExecutors(workItems::add, outOfBand::add);
    }

    /** Runs queued work items and out-of-band steps (and what they queue) until none is left. */
    void runPending() {
        for (int i = 0; i < 10_000; i++) {
            Runnable r = workItems.poll();
            if (r == null) r = outOfBand.poll();
            if (r == null) return;
            r.run();
        }
        throw new IllegalStateException("work keeps queueing work");
    }

    /**
     * An inspection callout at each layer that logs the layer (and reauthorization) and lets the packet pass. They
     * live in a sublayer of their own, which every classification visits whatever other filters decide.
     */
    void recordAt(Layer... layers) {
        if (recorders == null) {
            recorders = UUID.randomUUID();
            session.subLayerAdd(new io.jwfp.engine.model.FwpmSubLayer(recorders, "recorders", 0xFFFF));
        }
        for (Layer l : layers) {
            UUID key = UUID.randomUUID();
            bfe.filterEngine().calloutRegister(new FwpsCallout(key, 0, (in, meta, data, ctx, filter, flow, out) -> {
                int f = l.fieldIndex(Conditions.FWPM_CONDITION_FLAGS);
                boolean reauth = f >= 0 && (in.keyLo(f) & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0;
                seen.add(l.shortName() + (reauth ? " reauth" : ""));
                out.actionType = ActionType.FWP_ACTION_CONTINUE;
            }, null, FlowDeleteFn.NONE));
            session.calloutAdd(new FwpmCallout(key, "record " + l.shortName(), l));
            session.filterAdd(FwpmFilter.builder().name("record " + l.shortName()).layer(l).subLayer(recorders)
                    .calloutAction(ActionType.FWP_ACTION_CALLOUT_INSPECTION, key).build());
        }
    }

    /** A callout filter at {@code layer} running {@code fn} (terminating). */
    long callout(Layer layer, ClassifyFn fn, FlowDeleteFn flowDelete) {
        UUID key = UUID.randomUUID();
        bfe.filterEngine().calloutRegister(new FwpsCallout(key, 0, fn, null, flowDelete));
        session.calloutAdd(new FwpmCallout(key, "test callout", layer));
        return session.filterAddAndGet(FwpmFilter.builder().name("test callout at " + layer.shortName()).layer(layer)
                .weightRange(14).calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, key).build()).filterId();
    }

    long filter(String name, Layer layer, ActionType action) {
        return session.filterAddAndGet(FwpmFilter.builder().name(name).layer(layer).weightRange(15).action(action).build())
                .filterId();
    }

    /** Feeds one packet; returns the verdict recorded for it. */
    RecordingSink.Recorded feed(byte[] packet, int hook, int mark) {
        MemorySegment.copy(packet, 0, buffer, ValueLayout.JAVA_BYTE, 128, packet.length);
        int in = hook == OUT ? 0 : ETH;
        int out = hook == IN ? 0 : (hook == FWD ? 3 : ETH);
        seen.clear();
        pipeline.handle(buffer, 128, packet.length, hook, mark, in, out, 0, false, nextId++, sink);
        return sink.last;
    }

    @Override
    public void close() {
        session.close();
        bfe.close();
        arena.close();
    }

    /** Keeps the last verdict; allocation-free so the zero-allocation test can use it too. */
    static final class RecordingSink implements VerdictSink {
        record Recorded(int id, int verdict, int options, int mark, byte[] payload) {
            boolean permitted() {
                return verdict == Verdict.REPEAT.code() && (mark & Marks.DECIDED) != 0;
            }

            boolean dropped() {
                return verdict == Verdict.DROP.code();
            }
        }

        Recorded last;
        boolean keep = true;
        long count;
        long flushes;

        @Override
        public void verdict(int packetId, int verdictCode, int options, int mark, int connmark, MemorySegment payload,
                            long payloadOffset, int payloadLength) {
            count++;
            if (!keep) return;
            byte[] p = null;
            if ((options & WITH_PAYLOAD) != 0) {
                p = new byte[payloadLength];
                MemorySegment.copy(payload, ValueLayout.JAVA_BYTE, payloadOffset, p, 0, payloadLength);
            }
            last = new Recorded(packetId, verdictCode, options, mark, p);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }
}

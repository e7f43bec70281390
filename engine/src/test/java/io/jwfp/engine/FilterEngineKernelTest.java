package io.jwfp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.state.EngineState;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The engine additions for the callout runtime: the kernel reaches callouts, and classify below a sublayer weight. */
class FilterEngineKernelTest {
    static final Layer L = Layer.FWPM_LAYER_STREAM_V4;

    static FilterEngine engine(List<String> calls, UUID high, UUID low) {
        FilterEngine fe = new FilterEngine();
        UUID ch = UUID.randomUUID(), cl = UUID.randomUUID();
        fe.calloutRegister(new FwpsCallout(ch, (in, m, d, ctx, f, flow, out) -> {
            if (calls != null) calls.add("high " + (ctx.kernel() != null));
            out.actionType = ActionType.FWP_ACTION_CONTINUE;
        }));
        fe.calloutRegister(new FwpsCallout(cl, (in, m, d, ctx, f, flow, out) -> {
            if (calls != null) calls.add("low " + (ctx.kernel() != null));
            out.actionType = ActionType.FWP_ACTION_CONTINUE;
        }));
        List<FwpmSubLayer> subs = List.of(new FwpmSubLayer(high, "high", 0x40), new FwpmSubLayer(low, "low", 0x20));
        List<FwpmFilter> filters = List.of(
                FwpmFilter.builder().name("h").layer(L).subLayer(high)
                        .calloutAction(ActionType.FWP_ACTION_CALLOUT_INSPECTION, ch).build().withOutputs(UUID.randomUUID(), 1, 0),
                FwpmFilter.builder().name("l").layer(L).subLayer(low)
                        .calloutAction(ActionType.FWP_ACTION_CALLOUT_INSPECTION, cl).build().withOutputs(UUID.randomUUID(), 2, 0));
        fe.publish(EngineState.build(fe.state(), subs, filters, k -> fe.callouts().calloutId(k), 1));
        return fe;
    }

    @Test
    void belowSublayerWeightSkipsTheInjectorsSublayerAndHigherOnes() {
        List<String> calls = new ArrayList<>();
        FilterEngine fe = engine(calls, UUID.randomUUID(), UUID.randomUUID());
        FwpsIncomingValues in = new FwpsIncomingValues(L);
        ClassifyResult r = new ClassifyResult();
        fe.classify(in, new FwpsIncomingMetadataValues(), null, r);
        assertThat(calls).containsExactly("high false", "low false");
        calls.clear();
        fe.classify(in, new FwpsIncomingMetadataValues(), null, r, null, 0x40);
        assertThat(calls).containsExactly("low false");
        calls.clear();
        fe.classify(in, new FwpsIncomingMetadataValues(), null, r, null, 0x20);
        assertThat(calls).isEmpty();
    }

    @Test
    void calloutsFindTheEnginesKernelInTheirClassifyContext() {
        List<String> calls = new ArrayList<>();
        FilterEngine fe = engine(calls, UUID.randomUUID(), UUID.randomUUID());
        FwpsKernel k = (FwpsKernel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {FwpsKernel.class},
                (p, m, a) -> null);
        fe.setKernel(k);
        assertThat(fe.kernel()).isSameAs(k);
        fe.classify(new FwpsIncomingValues(L), new FwpsIncomingMetadataValues(), null, new ClassifyResult());
        assertThat(calls).containsExactly("high true", "low true");
    }

    @Test
    void classifyWithAKernelAndAWeightLimitAllocatesNothing() {
        FilterEngine fe = engine(null, UUID.randomUUID(), UUID.randomUUID()); // callouts that record nothing
        fe.setKernel((FwpsKernel) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {FwpsKernel.class},
                (p, m, a) -> null));
        FwpsIncomingValues in = new FwpsIncomingValues(L);
        FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
        ClassifyResult r = new ClassifyResult();
        for (int i = 0; i < 20_000; i++) fe.classify(in, meta, null, r, null, 0x40);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) fe.classify(in, meta, null, r, null, 0x40);
        long after = mx.getCurrentThreadAllocatedBytes();
        assertThat(after - before).isLessThan(10_000);
    }

    @Test
    void calloutsFindTheRunTimeIdOfASiblingCalloutByKey() {
        FilterEngine fe = new FilterEngine();
        UUID sibling = UUID.randomUUID(), me = UUID.randomUUID(), unregistered = UUID.randomUUID();
        int siblingId = fe.calloutRegister(new FwpsCallout(sibling, (in, m, d, ctx, f, flow, out) -> { }));
        int[] seen = new int[3];
        fe.calloutRegister(new FwpsCallout(me, (in, m, d, ctx, f, flow, out) -> {
            seen[0] = ctx.registeredCalloutId(sibling);
            seen[1] = ctx.registeredCalloutId(unregistered);
            seen[2] = ctx.registeredCalloutId(me);
        }));
        UUID sub = UUID.randomUUID();
        fe.publish(EngineState.build(fe.state(), List.of(new FwpmSubLayer(sub, "s", 1)), List.of(
                FwpmFilter.builder().name("f").layer(L).subLayer(sub)
                        .calloutAction(ActionType.FWP_ACTION_CALLOUT_INSPECTION, me).build().withOutputs(UUID.randomUUID(), 1, 0)),
                k -> fe.callouts().calloutId(k), 1));
        fe.classify(new FwpsIncomingValues(L), new FwpsIncomingMetadataValues(), null, new ClassifyResult());
        assertThat(seen[0]).isEqualTo(siblingId).isPositive();
        assertThat(seen[1]).isZero();
        assertThat(seen[2]).isEqualTo(fe.callouts().calloutId(me));
        fe.calloutUnregisterByKey(sibling);
        fe.classify(new FwpsIncomingValues(L), new FwpsIncomingMetadataValues(), null, new ClassifyResult());
        assertThat(seen[0]).as("unregistered since").isZero();
    }
}

package io.jwfp.bfe;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Writers commit transactions while classifiers run: no classification may see half a transaction. Each transaction
 * adds (or deletes) a hard permit in a high sublayer together with a block in a low one: seeing both permits, seeing
 * neither permits by default, seeing only the block would block.
 */
class SnapshotAtomicityTest {
    @Test
    void classificationNeverSeesHalfATransaction() throws Exception {
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory()) {
            UUID high = UUID.randomUUID(), low = UUID.randomUUID();
            try (FwpmEngine setup = bfe.openSession(FwpmSession.named("setup"))) {
                setup.subLayerAdd(new FwpmSubLayer(high, "high", 0xF000));
                setup.subLayerAdd(new FwpmSubLayer(low, "low", 0x0100));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong halfSeen = new AtomicLong(), classified = new AtomicLong();
            Thread[] readers = new Thread[2];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = Thread.ofPlatform().start(() -> {
                    FwpsIncomingValues in = new FwpsIncomingValues(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
                    FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
                    ClassifyResult r = new ClassifyResult();
                    while (!stop.get()) {
                        bfe.filterEngine().classify(in, meta, null, r);
                        if (r.action() == ActionType.FWP_ACTION_BLOCK) halfSeen.incrementAndGet();
                        classified.incrementAndGet();
                    }
                });
            }
            Thread writer = Thread.ofPlatform().start(() -> {
                try (FwpmEngine w = bfe.openSession(FwpmSession.named("writer"))) {
                    for (int i = 0; i < 300; i++) {
                        w.transactionBegin(0);
                        long block = w.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4).subLayer(low)
                                .action(ActionType.FWP_ACTION_BLOCK).build());
                        long permit = w.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4).subLayer(high)
                                .flags(FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).action(ActionType.FWP_ACTION_PERMIT).build());
                        w.transactionCommit();
                        w.transactionBegin(0);
                        w.filterDeleteById(permit);
                        w.filterDeleteById(block);
                        w.transactionCommit();
                    }
                }
            });
            writer.join();
            stop.set(true);
            for (Thread t : readers) t.join();
            assertThat(classified.get()).isPositive();
            assertThat(halfSeen.get()).as("classifications that saw only half of a transaction").isZero();
        }
    }
}

package io.jwfp.shim.sim;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.layer.Layer;

/**
 * The simulator's classify context: names the {@link Indication} so the kernel can pend it and rewrite its layer
 * data, and, at the stream layer, keeps each callout's answer apart (they share one io packet).
 */
final class SimClassifyContext extends ClassifyContext {
    final Indication indication;
    private long lastFilter = -1;

    SimClassifyContext(Indication indication) {
        this.indication = indication;
    }

    @Override
    public void enter(Layer layer, long filterId, int calloutId) {
        saveStreamAnswer();
        super.enter(layer, filterId, calloutId);
        lastFilter = filterId;
        if (indication.layerData instanceof FwpsStreamCalloutIoPacket io) io.resetOutputs();
    }

    /** After classify: keeps the last callout's answer. */
    void finish() {
        saveStreamAnswer();
        lastFilter = -1;
    }

    private void saveStreamAnswer() {
        if (lastFilter >= 0 && indication.layerData instanceof FwpsStreamCalloutIoPacket io) {
            indication.streamAnswers.put(lastFilter,
                    new long[] {io.streamAction, io.countBytesEnforced, io.countBytesRequired});
        }
    }
}

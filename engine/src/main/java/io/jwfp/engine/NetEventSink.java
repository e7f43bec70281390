package io.jwfp.engine;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.value.FwpsIncomingValues;

/**
 * Where the filter engine reports classify drops (and, when asked, allows): BFE turns them into net events. Called on
 * the classifying thread; implementations copy what they keep, since the arguments are reused.
 */
public interface NetEventSink {
    /**
     * @param layerData the layer data of the classification (a packet at packet layers, or null), from which a sink
     *                  may read what the layer's fields lack (e.g. ports at the IP packet layers)
     */
    void classified(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData, ClassifyResult result);
}

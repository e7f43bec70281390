package io.jwfp.engine;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.value.FwpsIncomingValues;

/**
 * Where the filter engine reports classify drops (and, when asked, allows): BFE turns them into net events. Called on
 * the classifying thread; implementations copy what they keep, since the arguments are reused.
 */
public interface NetEventSink {
    void classified(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, ClassifyResult result);
}

package io.jwfp.engine.callout;

import io.jwfp.engine.value.FwpsIncomingValues;

/**
 * FWPS_CALLOUT_CLASSIFY_FN: a callout's decision function, called when a filter whose action names the callout
 * matches.
 *
 * <p>Everything passed in is valid only during the call: the incoming values and metadata are reused, and
 * {@code layerData} (the packet, stream data or a bind/connect request, depending on the layer; null at layers with
 * none) must be cloned to keep. Implementations may be called from several threads at once (one per shim queue) and
 * keep per-flow state in flow contexts, not in fields.
 */
@FunctionalInterface
public interface ClassifyFn {
    void classify(FwpsIncomingValues inFixedValues, FwpsIncomingMetadataValues inMetaValues, Object layerData,
                  ClassifyContext classifyContext, FwpsFilter filter, long flowContext, FwpsClassifyOut classifyOut);
}

package io.jwfp.engine.callout;

import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.Layer;
import java.util.Map;
import java.util.UUID;

/**
 * A named callout implementation that policy files can use ({@code implementation: block}). Implementations are found
 * with {@link java.util.ServiceLoader}; jwfp's reference set lives in the callouts module, and users add their own by
 * putting a jar with a {@code META-INF/services/io.jwfp.engine.callout.CalloutProvider} entry on the class path.
 */
public interface CalloutProvider {
    /** The id a policy names, e.g. {@code block}. */
    String id();

    /** One line for {@code jwfp callouts}. */
    String description();

    /**
     * Builds the run-time callout for a management callout object.
     *
     * @param calloutKey the callout object's GUID
     * @param config     the policy's {@code config:} map (never null); throw IllegalArgumentException on bad config
     */
    FwpsCallout create(UUID calloutKey, Map<String, Object> config);

    /**
     * Builds the run-time callout with access to the callout runtime of the engine it will run in (to create
     * injection handles up front). The default ignores the kernel.
     *
     * @param kernel the engine's kernel, or null when it has none
     */
    default FwpsCallout create(UUID calloutKey, Map<String, Object> config, FwpsKernel kernel) {
        return create(calloutKey, config);
    }

    /**
     * Builds the run-time callout for a management callout object whose applicable layer is {@code layer} (its
     * FWPM_CALLOUT0.applicableLayer). A sample driver made of several callouts uses the layer to tell them apart and
     * refuses layers it cannot work at (IllegalArgumentException). The default ignores the layer.
     *
     * @param layer the callout's applicable layer, or null when unknown
     */
    default FwpsCallout create(UUID calloutKey, Layer layer, Map<String, Object> config, FwpsKernel kernel) {
        return create(calloutKey, config, kernel);
    }
}

package io.jwfp.callouts.samples.nat;

import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import java.util.Map;
import java.util.UUID;

/**
 * A sample whose callouts differ by layer: the provider needs each callout's applicable layer
 * ({@link CalloutProvider#create(UUID, Layer, Map, FwpsKernel)}) and refuses to build one without it.
 */
public abstract class LayeredCalloutProvider implements CalloutProvider {
    private final String id;
    private final String description;
    private final String layers;

    /** @param layers the layers the sample works at, for messages */
    protected LayeredCalloutProvider(String id, String description, String layers) {
        this.id = id;
        this.description = description;
        this.layers = layers;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
        throw new IllegalArgumentException(id + " needs its callout's layer (" + layers + ")");
    }

    @Override
    public abstract FwpsCallout create(UUID calloutKey, Layer layer, Map<String, Object> config, FwpsKernel kernel);

    /** The error for a callout at a layer the sample does not use. */
    protected final IllegalArgumentException wrongLayer(Layer layer) {
        return new IllegalArgumentException(id + " works at " + layers + ", not at "
                + (layer == null ? "an unknown layer" : layer.name()));
    }

    /** The IPv4 twin of a layer (the layer itself when it has no IP version), or null. */
    protected static Layer v4(Layer layer) {
        return layer == null ? null : layer.ipVersion() == IpVersion.V6 ? layer.otherIpVersion() : layer;
    }
}

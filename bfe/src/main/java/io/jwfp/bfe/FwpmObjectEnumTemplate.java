package io.jwfp.bfe;

import io.jwfp.engine.layer.Layer;
import java.util.UUID;

/**
 * FWPM_SUBLAYER_ENUM_TEMPLATE0 / FWPM_CALLOUT_ENUM_TEMPLATE0 / FWPM_PROVIDER_ENUM_TEMPLATE0 in one: null members
 * match anything.
 *
 * @param providerKey only objects of this provider
 * @param layerKey    callouts only: only callouts applicable at this layer
 */
public record FwpmObjectEnumTemplate(UUID providerKey, Layer layerKey) {
    public static final FwpmObjectEnumTemplate ALL = new FwpmObjectEnumTemplate(null, null);

    public static FwpmObjectEnumTemplate byProvider(UUID provider) {
        return new FwpmObjectEnumTemplate(provider, null);
    }

    public static FwpmObjectEnumTemplate byLayer(Layer layer) {
        return new FwpmObjectEnumTemplate(null, layer);
    }
}

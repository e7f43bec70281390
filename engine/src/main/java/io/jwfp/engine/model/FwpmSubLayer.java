package io.jwfp.engine.model;

import java.util.Objects;
import java.util.UUID;

/**
 * FWPM_SUBLAYER0: a container of filters, shared by every layer, evaluated by descending {@code weight} (UINT16).
 *
 * @param subLayerKey  GUID; null makes the engine generate one
 * @param displayData  name and description
 * @param flags        FWPM_SUBLAYER_FLAG_PERSISTENT or 0
 * @param providerKey  the provider, or null
 * @param providerData opaque data
 * @param weight       0..65535, higher first
 */
public record FwpmSubLayer(UUID subLayerKey, FwpmDisplayData displayData, int flags, UUID providerKey,
                           byte[] providerData, int weight) {

    public static final int FWPM_SUBLAYER_FLAG_PERSISTENT = 0x1;

    public FwpmSubLayer {
        if (displayData == null) displayData = FwpmDisplayData.of("");
        providerData = providerData == null ? new byte[0] : providerData.clone();
    }

    public FwpmSubLayer(UUID key, String name, int weight) {
        this(key, FwpmDisplayData.of(name), 0, null, null, weight);
    }

    public String name() {
        return displayData.name();
    }

    public boolean isPersistent() {
        return (flags & FWPM_SUBLAYER_FLAG_PERSISTENT) != 0;
    }

    public FwpmSubLayer withKey(UUID key) {
        return new FwpmSubLayer(key, displayData, flags, providerKey, providerData, weight);
    }

    @Override
    public byte[] providerData() {
        return providerData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FwpmSubLayer s && Objects.equals(s.subLayerKey, subLayerKey) && s.flags == flags
                && s.weight == weight && Objects.equals(s.providerKey, providerKey) && s.displayData.equals(displayData)
                && java.util.Arrays.equals(s.providerData, providerData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subLayerKey, weight);
    }
}

package io.jwfp.engine.model;

import java.util.Objects;
import java.util.UUID;

/** FWPM_PROVIDER0: who owns a set of objects. */
public record FwpmProvider(UUID providerKey, FwpmDisplayData displayData, int flags, byte[] providerData,
                           String serviceName) {
    public static final int FWPM_PROVIDER_FLAG_PERSISTENT = 0x1;
    public static final int FWPM_PROVIDER_FLAG_DISABLED = 0x10;

    public FwpmProvider {
        if (displayData == null) displayData = FwpmDisplayData.of("");
        providerData = providerData == null ? new byte[0] : providerData.clone();
    }

    public FwpmProvider(UUID key, String name) {
        this(key, FwpmDisplayData.of(name), 0, null, null);
    }

    public String name() {
        return displayData.name();
    }

    public boolean isPersistent() {
        return (flags & FWPM_PROVIDER_FLAG_PERSISTENT) != 0;
    }

    public FwpmProvider withKey(UUID key) {
        return new FwpmProvider(key, displayData, flags, providerData, serviceName);
    }

    @Override
    public byte[] providerData() {
        return providerData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FwpmProvider p && Objects.equals(p.providerKey, providerKey) && p.flags == flags
                && p.displayData.equals(displayData) && Objects.equals(p.serviceName, serviceName)
                && java.util.Arrays.equals(p.providerData, providerData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(providerKey);
    }
}

package io.jwfp.engine.model;

import io.jwfp.engine.layer.Layer;
import java.util.Objects;
import java.util.UUID;

/**
 * FWPM_CALLOUT0: the management object a filter's callout action names. The code behind it is registered separately
 * (FwpsCalloutRegister); a callout object without a registration is "unregistered" and its filters act per §1.6.
 *
 * @param calloutKey      GUID, matched with the run-time registration
 * @param displayData     name and description
 * @param flags           FWPM_CALLOUT_FLAG_*
 * @param providerKey     the provider, or null
 * @param providerData    opaque data
 * @param applicableLayer the one layer whose filters may use this callout
 * @param calloutId       output: the run-time callout id
 */
public record FwpmCallout(UUID calloutKey, FwpmDisplayData displayData, int flags, UUID providerKey,
                          byte[] providerData, Layer applicableLayer, int calloutId) {
    public static final int FWPM_CALLOUT_FLAG_PERSISTENT = 0x00010000;
    public static final int FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT = 0x00020000;
    public static final int FWPM_CALLOUT_FLAG_REGISTERED = 0x00040000;

    public FwpmCallout {
        Objects.requireNonNull(applicableLayer, "applicableLayer");
        if (displayData == null) displayData = FwpmDisplayData.of("");
        providerData = providerData == null ? new byte[0] : providerData.clone();
    }

    public FwpmCallout(UUID key, String name, Layer layer) {
        this(key, FwpmDisplayData.of(name), 0, null, null, layer, 0);
    }

    public String name() {
        return displayData.name();
    }

    public boolean isPersistent() {
        return (flags & FWPM_CALLOUT_FLAG_PERSISTENT) != 0;
    }

    public FwpmCallout withOutputs(UUID key, int id, int newFlags) {
        return new FwpmCallout(key, displayData, newFlags, providerKey, providerData, applicableLayer, id);
    }

    @Override
    public byte[] providerData() {
        return providerData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FwpmCallout c && Objects.equals(c.calloutKey, calloutKey) && c.flags == flags
                && c.applicableLayer == applicableLayer && c.calloutId == calloutId
                && c.displayData.equals(displayData) && Objects.equals(c.providerKey, providerKey)
                && java.util.Arrays.equals(c.providerData, providerData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(calloutKey, applicableLayer);
    }
}

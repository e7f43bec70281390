package io.jwfp.engine.model;

import java.util.List;
import java.util.UUID;

/** The built-in sublayers (GUIDs from fwpmu.h, weights as a real Windows 10/11 engine reports them). */
public final class BuiltinSublayers {
    private BuiltinSublayers() {}

    /** The default sublayer: filters that name none go here. Weight 0x8000. */
    public static final UUID FWPM_SUBLAYER_UNIVERSAL = UUID.fromString("eebecc03-ced4-4380-819a-2734397b2b74");
    /** The lowest sublayer, for inspection callouts that want to see the final state. Weight 0. */
    public static final UUID FWPM_SUBLAYER_INSPECTION = UUID.fromString("877519e1-e6a9-41a5-81b4-8c4f118e4a60");

    /** The sublayers every engine starts with (built-in: cannot be deleted). */
    public static final List<FwpmSubLayer> ALL = List.of(
            new FwpmSubLayer(FWPM_SUBLAYER_UNIVERSAL, new FwpmDisplayData("WFP Built-in Universal Sublayer", ""), 0, null, null, 0x8000),
            new FwpmSubLayer(FWPM_SUBLAYER_INSPECTION, new FwpmDisplayData("WFP Built-in Inspection Sublayer", ""), 0, null, null, 0));

    /** True for a built-in sublayer key. */
    public static boolean isBuiltin(UUID key) {
        return FWPM_SUBLAYER_UNIVERSAL.equals(key) || FWPM_SUBLAYER_INSPECTION.equals(key);
    }
}

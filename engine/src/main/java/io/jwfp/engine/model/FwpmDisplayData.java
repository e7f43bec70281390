package io.jwfp.engine.model;

/** FWPM_DISPLAY_DATA0: a name and an optional description. */
public record FwpmDisplayData(String name, String description) {
    public FwpmDisplayData {
        if (name == null) name = "";
        if (description == null) description = "";
    }

    public static FwpmDisplayData of(String name) {
        return new FwpmDisplayData(name, "");
    }
}

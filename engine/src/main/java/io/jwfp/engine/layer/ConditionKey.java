package io.jwfp.engine.layer;

import java.util.UUID;

/**
 * A filtering condition identifier (an FWPM_CONDITION_* GUID) with the name WFP gives it.
 *
 * @param name    the WFP name, e.g. {@code FWPM_CONDITION_IP_REMOTE_PORT}
 * @param key     the GUID from fwpmu.h
 * @param ordinal a dense index for per-condition lookup tables
 */
public record ConditionKey(String name, UUID key, int ordinal) {
    /** The name without the {@code FWPM_CONDITION_} prefix. */
    public String shortName() {
        return name.startsWith("FWPM_CONDITION_") ? name.substring("FWPM_CONDITION_".length()) : name;
    }

    @Override
    public String toString() {
        return name;
    }
}

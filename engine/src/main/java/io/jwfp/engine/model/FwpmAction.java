package io.jwfp.engine.model;

import java.util.Objects;
import java.util.UUID;

/** FWPM_ACTION0: the action type and, for callout actions, the callout's key. */
public record FwpmAction(ActionType type, UUID calloutKey) {
    public FwpmAction {
        Objects.requireNonNull(type, "type");
    }

    public static final FwpmAction PERMIT = new FwpmAction(ActionType.FWP_ACTION_PERMIT, null);
    public static final FwpmAction BLOCK = new FwpmAction(ActionType.FWP_ACTION_BLOCK, null);

    /** A callout action. */
    public static FwpmAction callout(ActionType type, UUID calloutKey) {
        return new FwpmAction(type, Objects.requireNonNull(calloutKey, "calloutKey"));
    }
}

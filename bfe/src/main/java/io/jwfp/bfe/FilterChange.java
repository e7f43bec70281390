package io.jwfp.bfe;

import java.util.UUID;

/** FWPM_FILTER_CHANGE0: a filter was added or deleted (delivered after the commit). */
public record FilterChange(Type changeType, UUID filterKey, long filterId) {
    /** FWPM_CHANGE_TYPE. */
    public enum Type { FWPM_CHANGE_ADD, FWPM_CHANGE_DELETE }
}

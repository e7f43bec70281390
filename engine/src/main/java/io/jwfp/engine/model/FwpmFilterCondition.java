package io.jwfp.engine.model;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import java.util.Objects;

/** FWPM_FILTER_CONDITION0: a field, a match type and a condition value. */
public record FwpmFilterCondition(ConditionKey fieldKey, MatchType matchType, FwpValue conditionValue) {
    public FwpmFilterCondition {
        Objects.requireNonNull(fieldKey, "fieldKey");
        Objects.requireNonNull(matchType, "matchType");
        Objects.requireNonNull(conditionValue, "conditionValue");
    }

    /** An FWP_MATCH_EQUAL condition. */
    public static FwpmFilterCondition equal(ConditionKey field, FwpValue value) {
        return new FwpmFilterCondition(field, MatchType.FWP_MATCH_EQUAL, value);
    }

    @Override
    public String toString() {
        return fieldKey.shortName() + " " + matchType.name().substring("FWP_MATCH_".length()) + " " + conditionValue;
    }
}

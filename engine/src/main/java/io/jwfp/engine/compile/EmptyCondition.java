package io.jwfp.engine.compile;

import io.jwfp.engine.value.FwpsIncomingValues;

/** An FWP_EMPTY condition: matches exactly when the incoming value is unknown (FWP_EMPTY). */
final class EmptyCondition extends CompiledCondition {
    EmptyCondition(int field) {
        super(field);
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        return in.isEmpty(field);
    }

    @Override
    public long[] keyIntervals() {
        return null;
    }

    @Override
    public int typeCode() {
        return 0;
    }
}

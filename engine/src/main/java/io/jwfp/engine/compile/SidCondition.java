package io.jwfp.engine.compile;

import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpsIncomingValues;

/** FWP_SID equality (ALE_PACKAGE_ID). */
final class SidCondition extends CompiledCondition {
    private final String sid;
    private final boolean negate;

    SidCondition(int field, String sid, boolean negate) {
        super(field);
        this.sid = sid;
        this.negate = negate;
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        if (in.typeCode(field) != DataType.FWP_SID.code()) return false;
        return sid.equalsIgnoreCase((String) in.ref(field)) != negate;
    }

    @Override
    public long[] keyIntervals() {
        return null;
    }

    @Override
    public int typeCode() {
        return DataType.FWP_SID.code();
    }
}

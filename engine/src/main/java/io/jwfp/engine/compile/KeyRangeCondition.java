package io.jwfp.engine.compile;

import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.Keys;

/** FWP_RANGE_TYPE: {@code low <= v <= high}, inclusive, over keyed values. */
final class KeyRangeCondition extends CompiledCondition {
    private final int type;
    private final long loHi, loLo, hiHi, hiLo;

    KeyRangeCondition(int field, int type, long loHi, long loLo, long hiHi, long hiLo) {
        super(field);
        this.type = type;
        this.loHi = loHi;
        this.loLo = loLo;
        this.hiHi = hiHi;
        this.hiLo = hiLo;
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        if (in.typeCode(field) != type) return false;
        long vHi = in.keyHi(field), vLo = in.keyLo(field);
        return Keys.compare(vHi, vLo, loHi, loLo) >= 0 && Keys.compare(vHi, vLo, hiHi, hiLo) <= 0;
    }

    @Override
    public long[] keyIntervals() {
        return new long[] {loHi, loLo, hiHi, hiLo};
    }

    @Override
    public int typeCode() {
        return type;
    }
}

package io.jwfp.engine.compile;

import io.jwfp.engine.value.FwpsIncomingValues;

/** FWP_V4_ADDR_MASK / FWP_V6_ADDR_MASK: {@code (v & mask) == (addr & mask)}, or its negation for NOT_EQUAL. */
final class PrefixCondition extends CompiledCondition {
    private final int type;
    private final long maskHi, maskLo, netHi, netLo;
    private final boolean negate;

    PrefixCondition(int field, int type, long maskHi, long maskLo, long addrHi, long addrLo, boolean negate) {
        super(field);
        this.type = type;
        this.maskHi = maskHi;
        this.maskLo = maskLo;
        this.netHi = addrHi & maskHi;
        this.netLo = addrLo & maskLo;
        this.negate = negate;
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        if (in.typeCode(field) != type) return false;
        boolean inside = (in.keyHi(field) & maskHi) == netHi && (in.keyLo(field) & maskLo) == netLo;
        return inside != negate;
    }

    /** True when the mask is a contiguous prefix, so the condition is one interval. */
    boolean contiguous() {
        return Intervals.isPrefixMask(maskHi, maskLo, type);
    }

    @Override
    public long[] keyIntervals() {
        if (!contiguous()) return null;
        long topHi = netHi | ~maskHi, topLo = netLo | ~maskLo;
        if (type == io.jwfp.engine.value.DataType.FWP_UINT32.code()) {
            topHi = 0;
            topLo &= 0xFFFF_FFFFL;
        }
        long[] r = {netHi, netLo, topHi, topLo};
        return negate ? Intervals.complement(r) : r;
    }

    @Override
    public int typeCode() {
        return type;
    }
}

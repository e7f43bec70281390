package io.jwfp.engine.compile;

import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.SecurityDescriptor;

/** A security-descriptor condition on a token field: true when the DACL grants FWP_ACTRL_MATCH_FILTER. */
final class SecurityDescriptorCondition extends CompiledCondition {
    private final SecurityDescriptor sd;
    private final boolean negate;

    SecurityDescriptorCondition(int field, SecurityDescriptor sd, boolean negate) {
        super(field);
        this.sd = sd;
        this.negate = negate;
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        int t = in.typeCode(field);
        if (t != DataType.FWP_TOKEN_ACCESS_INFORMATION_TYPE.code() && t != DataType.FWP_TOKEN_INFORMATION_TYPE.code()) {
            return false;
        }
        return sd.grants((FwpToken) in.ref(field)) != negate;
    }

    @Override
    public long[] keyIntervals() {
        return null;
    }

    @Override
    public int typeCode() {
        return DataType.FWP_TOKEN_ACCESS_INFORMATION_TYPE.code();
    }
}

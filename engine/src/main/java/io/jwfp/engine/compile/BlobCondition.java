package io.jwfp.engine.compile;

import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;
import java.util.Arrays;

/**
 * Byte blobs (ALE_APP_ID and friends): EQUAL, NOT_EQUAL, the orderings (unsigned lexicographic), and PREFIX /
 * NOT_PREFIX, which WFP documents as a <em>suffix</em> test despite the name (an app id "ends with" a file name).
 */
final class BlobCondition extends CompiledCondition {
    private final byte[] value;
    private final MatchType match;

    BlobCondition(int field, byte[] value, MatchType match) {
        super(field);
        this.value = value.clone();
        this.match = match;
    }

    @Override
    public boolean matches(FwpsIncomingValues in) {
        if (in.typeCode(field) != DataType.FWP_BYTE_BLOB_TYPE.code()) return false;
        byte[] v = (byte[]) in.ref(field);
        return switch (match) {
            case FWP_MATCH_EQUAL -> Arrays.equals(v, value);
            case FWP_MATCH_NOT_EQUAL -> !Arrays.equals(v, value);
            case FWP_MATCH_PREFIX -> endsWith(v);
            case FWP_MATCH_NOT_PREFIX -> !endsWith(v);
            case FWP_MATCH_GREATER -> Arrays.compareUnsigned(v, value) > 0;
            case FWP_MATCH_LESS -> Arrays.compareUnsigned(v, value) < 0;
            case FWP_MATCH_GREATER_OR_EQUAL -> Arrays.compareUnsigned(v, value) >= 0;
            case FWP_MATCH_LESS_OR_EQUAL -> Arrays.compareUnsigned(v, value) <= 0;
            default -> false;
        };
    }

    private boolean endsWith(byte[] v) {
        int off = v.length - value.length;
        return off >= 0 && Arrays.equals(v, off, v.length, value, 0, value.length);
    }

    @Override
    public long[] keyIntervals() {
        return null;
    }

    @Override
    public int typeCode() {
        return DataType.FWP_BYTE_BLOB_TYPE.code();
    }

    /** The exact value for EQUAL conditions (used by the blob index), else null. */
    byte[] equalValue() {
        return match == MatchType.FWP_MATCH_EQUAL ? value : null;
    }
}

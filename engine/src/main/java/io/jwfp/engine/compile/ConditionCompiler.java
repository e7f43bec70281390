package io.jwfp.engine.compile;

import static io.jwfp.engine.FwpError.FWP_E_CONDITION_NOT_FOUND;
import static io.jwfp.engine.FwpError.FWP_E_INVALID_NET_MASK;
import static io.jwfp.engine.FwpError.FWP_E_INVALID_RANGE;
import static io.jwfp.engine.FwpError.FWP_E_MATCH_TYPE_MISMATCH;
import static io.jwfp.engine.FwpError.FWP_E_TYPE_MISMATCH;

import io.jwfp.engine.FwpException;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.Keys;
import io.jwfp.engine.value.MatchType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates filter conditions against a layer's schema with WFP's rules (FwpmFilterAdd's errors) and compiles them
 * into matchers. All checking happens here, at add time; classify trusts the result.
 *
 * <p>Rules (wfp-semantics §2.3): the field must exist at the layer (FWP_E_CONDITION_NOT_FOUND); the condition's type
 * must equal the field's, except an FWP_V4_ADDR_MASK for a UINT32 field, an FWP_V6_ADDR_MASK for a BYTE_ARRAY16
 * field, a security descriptor for a token field, a range of the field's type, and FWP_EMPTY with EQUAL
 * (FWP_E_TYPE_MISMATCH); the match type must suit the type (FWP_E_MATCH_TYPE_MISMATCH); a range needs low ≤ high
 * (FWP_E_INVALID_RANGE); masks must be contiguous and prefixes at most 128 (FWP_E_INVALID_NET_MASK).
 */
public final class ConditionCompiler {
    private ConditionCompiler() {}

    /** Compiles a filter's conditions for its layer, or throws {@link FwpException}. */
    public static ConditionSet compile(Layer layer, List<FwpmFilterCondition> conditions) {
        if (conditions.isEmpty()) return ConditionSet.EMPTY;
        Map<Integer, List<CompiledCondition>> byField = new LinkedHashMap<>();
        for (int i = 0; i < conditions.size(); i++) {
            FwpmFilterCondition c = conditions.get(i);
            LayerField f = layer.field(c.fieldKey());
            if (f == null) {
                throw new FwpException(FWP_E_CONDITION_NOT_FOUND,
                        "condition " + i + ": " + c.fieldKey().name() + " is not a field of " + layer.name());
            }
            CompiledCondition cc = compileOne(f, c, "condition " + i + " (" + c.fieldKey().name() + ")");
            byField.computeIfAbsent(f.index(), k -> new ArrayList<>()).add(cc);
        }
        CompiledCondition[][] groups = new CompiledCondition[byField.size()][];
        int g = 0;
        for (List<CompiledCondition> l : byField.values()) groups[g++] = l.toArray(CompiledCondition[]::new);
        return new ConditionSet(groups);
    }

    private static CompiledCondition compileOne(LayerField f, FwpmFilterCondition c, String where) {
        MatchType m = c.matchType();
        FwpValue v = c.conditionValue();
        DataType ft = f.dataType();
        int idx = f.index();
        int typeCode = ft.code();
        if (m == MatchType.FWP_MATCH_RANGE && !(v instanceof FwpValue.Range)) {
            throw new FwpException(FWP_E_TYPE_MISMATCH, where + ": FWP_MATCH_RANGE needs an FWP_RANGE_TYPE value, got " + v.type());
        }
        switch (v) {
            case FwpValue.Empty e -> {
                if (m != MatchType.FWP_MATCH_EQUAL) throw mismatch(where, m, DataType.FWP_EMPTY);
                return new EmptyCondition(idx);
            }
            case FwpValue.Range r -> {
                if (m != MatchType.FWP_MATCH_RANGE && m != MatchType.FWP_MATCH_EQUAL) throw mismatch(where, m, DataType.FWP_RANGE_TYPE);
                if (r.low().type() != ft || r.high().type() != ft) {
                    throw new FwpException(FWP_E_TYPE_MISMATCH, where + ": range bounds are " + r.low().type() + "/"
                            + r.high().type() + " but the field is " + ft);
                }
                if (!ft.isKeyed()) throw mismatch(where, m, ft);
                if (Keys.compare(r.low().keyHi(), r.low().keyLo(), r.high().keyHi(), r.high().keyLo()) > 0) {
                    throw new FwpException(FWP_E_INVALID_RANGE, where + ": low " + r.low() + " is above high " + r.high());
                }
                return new KeyRangeCondition(idx, typeCode, r.low().keyHi(), r.low().keyLo(), r.high().keyHi(), r.high().keyLo());
            }
            case FwpValue.V4AddrMask mask -> {
                if (ft != DataType.FWP_UINT32) throw typeMismatch(where, v.type(), ft);
                if (m != MatchType.FWP_MATCH_EQUAL && m != MatchType.FWP_MATCH_NOT_EQUAL) throw mismatch(where, m, v.type());
                if (mask.prefixLength() < 0) {
                    throw new FwpException(FWP_E_INVALID_NET_MASK, where + ": mask " + Keys.formatIpv4(mask.mask() & 0xFFFF_FFFFL) + " is not contiguous");
                }
                return new PrefixCondition(idx, typeCode, 0, mask.mask() & 0xFFFF_FFFFL, 0, mask.addr() & 0xFFFF_FFFFL,
                        m == MatchType.FWP_MATCH_NOT_EQUAL);
            }
            case FwpValue.V6AddrMask mask -> {
                if (ft != DataType.FWP_BYTE_ARRAY16_TYPE) throw typeMismatch(where, v.type(), ft);
                if (m != MatchType.FWP_MATCH_EQUAL && m != MatchType.FWP_MATCH_NOT_EQUAL) throw mismatch(where, m, v.type());
                int p = mask.prefixLength();
                if (p < 0 || p > 128) throw new FwpException(FWP_E_INVALID_NET_MASK, where + ": prefix length " + p + " (expected: 0-128)");
                long mHi = p == 0 ? 0 : p >= 64 ? -1L : -1L << (64 - p);
                long mLo = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
                return new PrefixCondition(idx, typeCode, mHi, mLo, mask.keyHi(), mask.keyLo(), m == MatchType.FWP_MATCH_NOT_EQUAL);
            }
            case FwpValue.Sd sd -> {
                if (ft != DataType.FWP_TOKEN_ACCESS_INFORMATION_TYPE && ft != DataType.FWP_TOKEN_INFORMATION_TYPE) {
                    throw typeMismatch(where, v.type(), ft);
                }
                if (m != MatchType.FWP_MATCH_EQUAL && m != MatchType.FWP_MATCH_NOT_EQUAL) throw mismatch(where, m, v.type());
                return new SecurityDescriptorCondition(idx, sd.descriptor(), m == MatchType.FWP_MATCH_NOT_EQUAL);
            }
            default -> { }
        }
        if (v.type() != ft) throw typeMismatch(where, v.type(), ft);
        return switch (v) {
            case FwpValue.ByteBlob b -> {
                switch (m) {
                    case FWP_MATCH_EQUAL, FWP_MATCH_NOT_EQUAL, FWP_MATCH_PREFIX, FWP_MATCH_NOT_PREFIX, FWP_MATCH_GREATER,
                         FWP_MATCH_LESS, FWP_MATCH_GREATER_OR_EQUAL, FWP_MATCH_LESS_OR_EQUAL -> { }
                    default -> throw mismatch(where, m, ft);
                }
                yield new BlobCondition(idx, b.bytesUnsafe(), m);
            }
            case FwpValue.UnicodeString s -> {
                if (m.isFlags() || m == MatchType.FWP_MATCH_RANGE) throw mismatch(where, m, ft);
                yield new StringCondition(idx, s.value(), m);
            }
            case FwpValue.Sid s -> {
                if (m != MatchType.FWP_MATCH_EQUAL && m != MatchType.FWP_MATCH_NOT_EQUAL) throw mismatch(where, m, ft);
                yield new SidCondition(idx, s.sid(), m == MatchType.FWP_MATCH_NOT_EQUAL);
            }
            default -> {
                if (!ft.isKeyed()) throw mismatch(where, m, ft);
                if (m.isFlags()) {
                    if (!ft.isUnsigned()) throw mismatch(where, m, ft);
                    yield new FlagsCondition(idx, typeCode, v.keyLo(), m);
                }
                switch (m) {
                    case FWP_MATCH_EQUAL, FWP_MATCH_NOT_EQUAL -> { } // (in)equality applies to every type
                    case FWP_MATCH_GREATER, FWP_MATCH_LESS, FWP_MATCH_GREATER_OR_EQUAL, FWP_MATCH_LESS_OR_EQUAL -> {
                        if (!ft.isSortable()) throw mismatch(where, m, ft);
                    }
                    default -> throw mismatch(where, m, ft);
                }
                yield new KeyCondition(idx, typeCode, m, v.keyHi(), v.keyLo());
            }
        };
    }

    private static FwpException mismatch(String where, MatchType m, DataType t) {
        return new FwpException(FWP_E_MATCH_TYPE_MISMATCH, where + ": " + m.name() + " does not apply to " + t.name());
    }

    private static FwpException typeMismatch(String where, DataType got, DataType field) {
        return new FwpException(FWP_E_TYPE_MISMATCH, where + ": value is " + got.name() + " but the field is " + field.name());
    }
}

package io.jwfp.engine.testing;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.BuiltinSublayers;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A deliberately naive implementation of wfp-semantics §1 and §2, written from the text and sharing no code with the
 * engine's compiler, index or arbiter: every filter of every sublayer is walked in order, and conditions are
 * evaluated straight from their FWP_CONDITION_VALUE0 against FWP_VALUE0 incoming values. It is the oracle of the
 * index-equivalence property and the baseline idea of the benchmark.
 *
 * <p>It reproduces jwfp's documented choices where WFP is silent: sublayers of equal weight by key ascending,
 * filters of equal effective weight by id ascending, a callout invoked before any decision sees
 * FWP_ACTION_CONTINUE, the absorb flag counts only when the absorbing callout's block is the final decision.
 */
public final class ReferenceArbiter {
    private ReferenceArbiter() {}

    /** What a callout does, given what it was handed. */
    public interface CalloutModel {
        /** True if the callout is registered. */
        boolean registered(UUID calloutKey);

        /** True if the callout is registered with FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW. */
        boolean conditionalOnFlow(UUID calloutKey);

        /** The flow context the callout associated with the flow at the layer, or null when none. */
        Long flowContext(UUID calloutKey, long flowHandle);

        /** Runs the callout: returns its classify-out (action, write right kept, flags). */
        Out classify(UUID calloutKey, long filterId, ActionType actionOnEntry, boolean writeOnEntry,
                     Map<ConditionKey, FwpValue> in);
    }

    /** A callout's classify-out. */
    public record Out(ActionType action, boolean writeRight, boolean absorb) {}

    /** One callout invocation as the callout saw it. */
    public record Invocation(UUID callout, long filterId, ActionType actionOnEntry, boolean writeOnEntry, long flowContext) {}

    /** The outcome of a classification. */
    public record Outcome(ActionType action, long filterId, boolean hard, boolean veto, boolean absorb,
                          List<Invocation> invocations) {}

    public static Outcome classify(Layer layer, List<FwpmSubLayer> sublayers, List<FwpmFilter> filters,
                                   Map<ConditionKey, FwpValue> in, Long flowHandle, CalloutModel callouts) {
        Map<UUID, FwpmSubLayer> subs = new LinkedHashMap<>();
        for (FwpmSubLayer s : BuiltinSublayers.ALL) subs.put(s.subLayerKey(), s);
        for (FwpmSubLayer s : sublayers) subs.put(s.subLayerKey(), s);
        List<FwpmSubLayer> order = new ArrayList<>(subs.values());
        order.sort(Comparator.comparingInt((FwpmSubLayer s) -> -s.weight()).thenComparing(FwpmSubLayer::subLayerKey));

        ActionType state = ActionType.FWP_ACTION_NONE;
        boolean write = true;
        long decider = 0;
        boolean veto = false;
        boolean absorb = false;
        List<Invocation> log = new ArrayList<>();

        for (FwpmSubLayer sub : order) {
            List<FwpmFilter> fs = new ArrayList<>();
            for (FwpmFilter f : filters) {
                UUID sk = f.subLayerKey() == null ? BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL : f.subLayerKey();
                if (f.layerKey() == layer && sk.equals(sub.subLayerKey())
                        && !f.hasFlag(FilterFlags.FWPM_FILTER_FLAG_DISABLED)) {
                    fs.add(f);
                }
            }
            fs.sort((a, b) -> {
                int c = Long.compareUnsigned(b.effectiveWeight(), a.effectiveWeight());
                return c != 0 ? c : Long.compare(a.filterId(), b.filterId());
            });

            // §1.2: the sublayer's decision
            ActionType result = null;
            boolean rightAfter = true;
            boolean calloutVeto = false;
            boolean resultAbsorb = false;
            long resultFilter = 0;
            for (FwpmFilter f : fs) {
                if (!matches(f.filterCondition(), in)) continue;
                ActionType type = f.action().type();
                boolean clear = f.hasFlag(FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT);
                if (type == ActionType.FWP_ACTION_PERMIT || type == ActionType.FWP_ACTION_BLOCK) {
                    result = type;
                    rightAfter = type == ActionType.FWP_ACTION_PERMIT && !clear; // a static block is hard
                    resultFilter = f.filterId();
                    break;
                }
                UUID key = f.action().calloutKey();
                if (!callouts.registered(key)) { // §1.6
                    if (type == ActionType.FWP_ACTION_CALLOUT_INSPECTION) continue;
                    result = f.hasFlag(FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED)
                            ? ActionType.FWP_ACTION_PERMIT : ActionType.FWP_ACTION_BLOCK;
                    rightAfter = result == ActionType.FWP_ACTION_PERMIT && !clear;
                    resultFilter = f.filterId();
                    break;
                }
                Long ctx = flowHandle == null ? null : callouts.flowContext(key, flowHandle);
                if (callouts.conditionalOnFlow(key) && ctx == null) continue;
                ActionType entry = state == ActionType.FWP_ACTION_NONE ? ActionType.FWP_ACTION_CONTINUE : state;
                log.add(new Invocation(key, f.filterId(), entry, write, ctx == null ? 0 : ctx));
                Out out = callouts.classify(key, f.filterId(), entry, write, in);
                ActionType a = out.action();
                ActionType coerced = switch (type) { // §1.5
                    case FWP_ACTION_CALLOUT_INSPECTION -> ActionType.FWP_ACTION_CONTINUE;
                    case FWP_ACTION_CALLOUT_TERMINATING ->
                            a == ActionType.FWP_ACTION_PERMIT || a == ActionType.FWP_ACTION_BLOCK ? a : ActionType.FWP_ACTION_BLOCK;
                    default -> a == ActionType.FWP_ACTION_PERMIT || a == ActionType.FWP_ACTION_BLOCK ? a : ActionType.FWP_ACTION_CONTINUE;
                };
                if (coerced == ActionType.FWP_ACTION_CONTINUE) continue;
                result = coerced;
                rightAfter = out.writeRight() && !clear;
                calloutVeto = a == ActionType.FWP_ACTION_BLOCK && !write; // §1.4: the callout itself returned BLOCK
                resultAbsorb = coerced == ActionType.FWP_ACTION_BLOCK && out.absorb();
                resultFilter = f.filterId();
                break;
            }
            if (result == null) continue;

            // §1.3: combining with the decision so far
            if (write) {
                state = result;
                write = rightAfter;
                decider = resultFilter;
                absorb = resultAbsorb;
            } else if (state == ActionType.FWP_ACTION_PERMIT && calloutVeto) {
                state = ActionType.FWP_ACTION_BLOCK;
                decider = resultFilter;
                veto = true;
                absorb = resultAbsorb;
            }
        }
        if (state == ActionType.FWP_ACTION_NONE) { // §1.7
            return new Outcome(ActionType.FWP_ACTION_PERMIT, 0, false, false, false, log);
        }
        return new Outcome(state, decider, !write, veto, absorb, log);
    }

    // ---- §2: conditions ----

    /** Same field ORed, different fields ANDed; no conditions match everything. */
    public static boolean matches(List<FwpmFilterCondition> conditions, Map<ConditionKey, FwpValue> in) {
        Map<ConditionKey, List<FwpmFilterCondition>> groups = new LinkedHashMap<>();
        for (FwpmFilterCondition c : conditions) groups.computeIfAbsent(c.fieldKey(), k -> new ArrayList<>()).add(c);
        for (var g : groups.entrySet()) {
            FwpValue v = in.getOrDefault(g.getKey(), FwpValue.EMPTY);
            boolean any = false;
            for (FwpmFilterCondition c : g.getValue()) any |= evalMatch(c.matchType(), v, c.conditionValue());
            if (!any) return false;
        }
        return true;
    }

    /** One condition against one incoming value (§2.3). */
    public static boolean evalMatch(MatchType m, FwpValue v, FwpValue c) {
        if (c instanceof FwpValue.Empty) return v instanceof FwpValue.Empty && m == MatchType.FWP_MATCH_EQUAL;
        if (v instanceof FwpValue.Empty) return false;
        switch (c) {
            case FwpValue.V4AddrMask mask -> {
                if (!(v instanceof FwpValue.UInt32 u)) return false;
                boolean inside = ((int) u.value() & mask.mask()) == (mask.addr() & mask.mask());
                return m == MatchType.FWP_MATCH_NOT_EQUAL ? !inside : inside;
            }
            case FwpValue.V6AddrMask mask -> {
                if (!(v instanceof FwpValue.ByteArray16 b)) return false;
                boolean inside = samePrefix(b.bytes(), mask.addr(), mask.prefixLength());
                return m == MatchType.FWP_MATCH_NOT_EQUAL ? !inside : inside;
            }
            case FwpValue.Range r -> {
                return sameType(v, r.low()) && compare(r.low(), v) <= 0 && compare(v, r.high()) <= 0;
            }
            default -> { }
        }
        if (!sameType(v, c)) return false;
        return switch (m) {
            case FWP_MATCH_EQUAL -> compare(v, c) == 0;
            case FWP_MATCH_NOT_EQUAL -> compare(v, c) != 0;
            case FWP_MATCH_GREATER -> compare(v, c) > 0;
            case FWP_MATCH_LESS -> compare(v, c) < 0;
            case FWP_MATCH_GREATER_OR_EQUAL -> compare(v, c) >= 0;
            case FWP_MATCH_LESS_OR_EQUAL -> compare(v, c) <= 0;
            case FWP_MATCH_FLAGS_ALL_SET -> (unsigned(v) & unsigned(c)) == unsigned(c);
            case FWP_MATCH_FLAGS_ANY_SET -> (unsigned(v) & unsigned(c)) != 0;
            case FWP_MATCH_FLAGS_NONE_SET -> (unsigned(v) & unsigned(c)) == 0;
            case FWP_MATCH_PREFIX -> endsWith(bytes(v), bytes(c));
            case FWP_MATCH_NOT_PREFIX -> !endsWith(bytes(v), bytes(c));
            default -> throw new IllegalArgumentException("reference does not model " + m + " on " + c.type());
        };
    }

    private static boolean sameType(FwpValue a, FwpValue b) {
        return a.type() == b.type();
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int bit = 7 - (i % 8);
            if (((a[i / 8] >> bit) & 1) != ((b[i / 8] >> bit) & 1)) return false;
        }
        return true;
    }

    private static long unsigned(FwpValue v) {
        return switch (v) {
            case FwpValue.UInt8 u -> u.value();
            case FwpValue.UInt16 u -> u.value();
            case FwpValue.UInt32 u -> u.value();
            case FwpValue.UInt64 u -> u.value();
            default -> throw new IllegalArgumentException("not an unsigned integer: " + v);
        };
    }

    private static byte[] bytes(FwpValue v) {
        return switch (v) {
            case FwpValue.ByteBlob b -> b.bytes();
            case FwpValue.ByteArray16 b -> b.bytes();
            case FwpValue.ByteArray6 b -> b.bytes();
            default -> throw new IllegalArgumentException("not bytes: " + v);
        };
    }

    private static int compare(FwpValue a, FwpValue b) {
        return switch (a) {
            case FwpValue.UInt8 u -> Long.compareUnsigned(u.value(), unsigned(b));
            case FwpValue.UInt16 u -> Long.compareUnsigned(u.value(), unsigned(b));
            case FwpValue.UInt32 u -> Long.compareUnsigned(u.value(), unsigned(b));
            case FwpValue.UInt64 u -> Long.compareUnsigned(u.value(), unsigned(b));
            case FwpValue.ByteBlob x -> Arrays.compareUnsigned(x.bytes(), bytes(b));
            case FwpValue.ByteArray16 x -> Arrays.compareUnsigned(x.bytes(), bytes(b));
            case FwpValue.ByteArray6 x -> Arrays.compareUnsigned(x.bytes(), bytes(b));
            case FwpValue.Sid s -> s.sid().equalsIgnoreCase(((FwpValue.Sid) b).sid()) ? 0 : 1;
            default -> throw new IllegalArgumentException("reference does not model " + a.type());
        };
    }

    private static boolean endsWith(byte[] v, byte[] suffix) {
        int off = v.length - suffix.length;
        return off >= 0 && Arrays.equals(v, off, v.length, suffix, 0, suffix.length);
    }
}

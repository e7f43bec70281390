package io.jwfp.engine.weight;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a layer's 60 automatic-weight bits are divided among its fields: the reverse-engineered scheme of
 * {@code docs/auto-weight.md}. Built once per layer (allocates); {@link #weigh} runs when a filter is added.
 *
 * <ol>
 *   <li>Fields map to <em>slots</em>. Most fields have a slot of their own; a few share one (both addresses, the
 *       local/arrival/next-hop interfaces, the local port and ORIGINAL_ICMP_TYPE, the application-identity
 *       conditions...). A slot is <em>graded</em> when one of its fields is a number whose specificity varies
 *       (addresses, protocol, ports, interface indexes, profile ids...), otherwise it is one bit wide.</li>
 *   <li>Slots are ordered by priority: a per-layer-family head list, then the remaining slots in field order.</li>
 *   <li>One-bit slots take one bit each; the rest of the 60 bits is shared among the graded slots in proportion to
 *       the log2 of their fields' bit widths (8 → 3, 16 → 4, 32 → 5, 64 → 6, 128 → 7). The real-valued boundaries,
 *       laid out from bit 60 down, are rounded half up to whole bits.</li>
 *   <li>A condition's specificity is the fraction of its field's bits it pins, {@code (bits - log2(values it
 *       accepts)) / bits}; several conditions on one field (ORed) add up, capped at 1. A field of a w-bit slot shared
 *       by k fields scores {@code round(specificity * (2^w - 1) / k)}, at least 1; a one-bit slot scores 1. A slot's
 *       level is the sum of its fields' scores, capped at {@code 2^w - 1}, and the weight is the sum of the levels
 *       shifted to their slots.</li>
 * </ol>
 */
public final class WeightLayout {

    /** Conditions scored in a shared slot, by slot name. */
    private static final Map<String, List<String>> GROUPS = Map.of(
            "ADDRESS", List.of("IP_LOCAL_ADDRESS", "IP_REMOTE_ADDRESS", "IP_SOURCE_ADDRESS", "IP_DESTINATION_ADDRESS"),
            "INTERFACE", List.of("IP_LOCAL_INTERFACE", "IP_ARRIVAL_INTERFACE", "IP_NEXTHOP_INTERFACE",
                    "IP_FORWARD_INTERFACE", "IP_PHYSICAL_ARRIVAL_INTERFACE", "IP_PHYSICAL_NEXTHOP_INTERFACE"),
            "LOCAL_PORT", List.of("IP_LOCAL_PORT", "ORIGINAL_ICMP_TYPE"),
            "INTERFACE_TYPE", List.of("INTERFACE_TYPE", "ARRIVAL_INTERFACE_TYPE", "NEXTHOP_INTERFACE_TYPE"),
            "TUNNEL_TYPE", List.of("TUNNEL_TYPE", "ARRIVAL_TUNNEL_TYPE", "NEXTHOP_TUNNEL_TYPE"),
            "INTERFACE_INDEX", List.of("INTERFACE_INDEX", "ARRIVAL_INTERFACE_INDEX", "NEXTHOP_INTERFACE_INDEX"),
            "SUB_INTERFACE_INDEX", List.of("SUB_INTERFACE_INDEX", "NEXTHOP_SUB_INTERFACE_INDEX"),
            "INTERFACE_PROFILE", List.of("LOCAL_INTERFACE_PROFILE_ID", "ARRIVAL_INTERFACE_PROFILE_ID",
                    "NEXTHOP_INTERFACE_PROFILE_ID"),
            "APP", List.of("ALE_APP_ID", "ALE_PACKAGE_ID", "ALE_ORIGINAL_APP_ID", "ALE_SECURITY_ATTRIBUTE_FQBN_VALUE",
                    "ALE_PACKAGE_FAMILY_NAME"));

    private static final Map<String, String> GROUP_OF = new LinkedHashMap<>();

    static {
        GROUPS.forEach((g, members) -> members.forEach(m -> GROUP_OF.put(m, g)));
    }

    /** Fields whose slot width is graded; every other field gets one bit. */
    private static final Set<String> GRADED = Set.of(
            "IP_LOCAL_ADDRESS", "IP_REMOTE_ADDRESS", "IP_SOURCE_ADDRESS", "IP_DESTINATION_ADDRESS", "IP_PROTOCOL",
            "IP_LOCAL_PORT", "IP_REMOTE_PORT", "ORIGINAL_ICMP_TYPE", "ALE_NAP_CONTEXT", "ALE_PROMISCUOUS_MODE",
            "INTERFACE_INDEX", "SUB_INTERFACE_INDEX", "ARRIVAL_INTERFACE_INDEX", "NEXTHOP_INTERFACE_INDEX",
            "NEXTHOP_SUB_INTERFACE_INDEX", "SOURCE_INTERFACE_INDEX", "SOURCE_SUB_INTERFACE_INDEX",
            "DESTINATION_INTERFACE_INDEX", "DESTINATION_SUB_INTERFACE_INDEX", "ORIGINAL_PROFILE_ID",
            "CURRENT_PROFILE_ID", "DIRECTION", "EMBEDDED_PROTOCOL", "EMBEDDED_REMOTE_ADDRESS", "EMBEDDED_LOCAL_PORT",
            "EMBEDDED_REMOTE_PORT");

    /** Slots that come first, in this order; the remaining slots follow in the layer's field order. */
    private static final List<String> HEAD_DEFAULT = List.of("ADDRESS", "INTERFACE", "IP_LOCAL_ADDRESS_TYPE",
            "IP_PROTOCOL", "LOCAL_PORT", "IP_REMOTE_PORT", "APP", "ALE_USER_ID", "ALE_REMOTE_USER_ID",
            "ALE_REMOTE_MACHINE_ID", "DIRECTION");
    /** ALE_AUTH_CONNECT: a one-bit slot above the addresses and FLAGS right after the user (the data's layout). */
    private static final List<String> HEAD_CONNECT = List.of("PEER_NAME", "ADDRESS", "INTERFACE",
            "IP_LOCAL_ADDRESS_TYPE", "IP_PROTOCOL", "LOCAL_PORT", "IP_REMOTE_PORT", "APP", "ALE_USER_ID", "FLAGS",
            "ALE_REMOTE_USER_ID", "ALE_REMOTE_MACHINE_ID", "IP_DESTINATION_ADDRESS_TYPE", "INTERFACE_TYPE",
            "TUNNEL_TYPE", "REAUTHORIZE_REASON");
    /** ALE_RESOURCE_ASSIGNMENT: the local port leads; the local address ranks below FLAGS. */
    private static final List<String> HEAD_RESOURCE_ASSIGNMENT = List.of("LOCAL_PORT", "INTERFACE",
            "IP_LOCAL_ADDRESS_TYPE", "IP_PROTOCOL", "APP", "ALE_USER_ID", "ALE_PROMISCUOUS_MODE", "FLAGS", "ADDRESS");
    /** INBOUND_TRANSPORT: FLAGS ranks above the interface indexes. */
    private static final List<String> HEAD_INBOUND_TRANSPORT = concat(HEAD_DEFAULT, List.of("FLAGS"));

    /** Automatic weight of any filter at a layer without fields (observed at the *_FAST layers). */
    static final long NO_FIELDS_WEIGHT = (1L << 59) - 1;

    private static final int BITS = FilterWeights.FWPM_AUTO_WEIGHT_BITS;

    /**
     * One slot of the layout: bits {@code lo..hi-1}.
     *
     * @param name    the group name or the condition name without {@code FWPM_CONDITION_}
     * @param members the fields of the layer scored here, in field order
     * @param cost    the graded share (sum of log2 of the members' bit widths), 0 for a one-bit slot
     * @param lo      the lowest bit
     * @param hi      one above the highest bit
     */
    public record Slot(String name, List<LayerField> members, int cost, int lo, int hi) {
        public int width() {
            return hi - lo;
        }

        public boolean graded() {
            return cost > 0;
        }

        /** The largest level the slot holds, 2^width - 1. */
        public long top() {
            return width() <= 0 ? 0 : width() >= 63 ? Long.MAX_VALUE : (1L << width()) - 1;
        }
    }

    private final List<Slot> slots;
    private final Map<String, Integer> slotOfCondition = new LinkedHashMap<>();

    private WeightLayout(List<Slot> slots) {
        this.slots = List.copyOf(slots);
        for (int i = 0; i < slots.size(); i++) {
            for (LayerField f : slots.get(i).members()) slotOfCondition.put(shortName(f.condition()), i);
        }
    }

    /**
     * The layout of a layer with these fields (in FWPS field order). {@code layerName} (the FWPM name, e.g.
     * {@code FWPM_LAYER_ALE_AUTH_CONNECT_V4}) selects the priority list of the layer family.
     */
    public static WeightLayout of(String layerName, List<LayerField> fields) {
        Map<String, List<LayerField>> members = new LinkedHashMap<>();
        Map<String, Integer> costs = new LinkedHashMap<>();
        for (LayerField f : fields) {
            String n = shortName(f.condition());
            String slot = GROUP_OF.getOrDefault(n, n);
            members.computeIfAbsent(slot, k -> new ArrayList<>()).add(f);
            costs.merge(slot, GRADED.contains(n) ? log2Bits(f.dataType()) : 0, Integer::sum);
        }
        List<String> order = new ArrayList<>();
        for (String s : head(layerName)) if (members.containsKey(s)) order.add(s);
        for (String s : members.keySet()) if (!order.contains(s)) order.add(s);

        int fixed = 0;
        long cost = 0;
        for (String s : order) {
            if (costs.get(s) == 0) fixed++;
            else cost += costs.get(s);
        }
        List<Slot> out = new ArrayList<>();
        int fixedAbove = 0;
        long costAbove = 0;
        for (String s : order) {
            int hi = boundary(fixedAbove, costAbove, fixed, cost);
            int c = costs.get(s);
            if (c == 0) fixedAbove++;
            else costAbove += c;
            out.add(new Slot(s, List.copyOf(members.get(s)), c, boundary(fixedAbove, costAbove, fixed, cost), hi));
        }
        return new WeightLayout(out);
    }

    /**
     * Bit position of a slot boundary: 60 minus the one-bit slots above, minus the graded slots above, which share
     * {@code 60 - fixed} bits in proportion to their cost; rounded half up, computed exactly.
     */
    private static int boundary(int fixedAbove, long costAbove, int fixed, long cost) {
        if (cost == 0) return BITS - fixedAbove;
        long num = (long) (BITS - fixedAbove) * cost - (long) (BITS - fixed) * costAbove;
        return (int) Math.floorDiv(2 * num + cost, 2 * cost);
    }

    /** The slots from the most significant down. */
    public List<Slot> slots() {
        return slots;
    }

    /** The automatic weight, in [0, 2^60), of a filter with these conditions. */
    public long weigh(List<FwpmFilterCondition> conditions) {
        if (slots.isEmpty()) return NO_FIELDS_WEIGHT;
        if (conditions.isEmpty()) return 0;
        Map<String, List<FwpmFilterCondition>> byField = new LinkedHashMap<>();
        for (FwpmFilterCondition c : conditions) byField.computeIfAbsent(shortName(c.fieldKey()), k -> new ArrayList<>()).add(c);
        long[] levels = new long[slots.size()];
        for (Map.Entry<String, List<FwpmFilterCondition>> e : byField.entrySet()) {
            String field = e.getKey();
            Integer at = slotOfCondition.get(field);
            if (at == null) {
                // A condition newer than this layer's schema (e.g. ALE_PACKAGE_FAMILY_NAME) is scored in its group's
                // slot when the layer has one; anything else does not weigh.
                String group = GROUP_OF.get(field);
                for (int i = 0; i < slots.size() && group != null && at == null; i++) {
                    if (slots.get(i).name().equals(group)) at = i;
                }
                if (at == null) continue;
            }
            Slot s = slots.get(at);
            if (s.top() == 0) continue;
            if (!s.graded() || !GRADED.contains(field)) {
                levels[at] += 1;
                continue;
            }
            LayerField f = memberOf(s, field);
            double spec = 0;
            for (FwpmFilterCondition c : e.getValue()) spec += specificity(c, f == null ? null : f.dataType());
            spec = Math.min(1.0, spec);
            if (spec <= 0) continue;
            long level = (long) Math.floor(spec * s.top() / s.members().size() + 0.5);
            levels[at] += Math.max(1, level);
        }
        long w = 0;
        for (int i = 0; i < slots.size(); i++) {
            if (levels[i] != 0) w += Math.min(levels[i], slots.get(i).top()) << slots.get(i).lo();
        }
        return w & FilterWeights.FWPM_AUTO_WEIGHT_MAX;
    }

    private static LayerField memberOf(Slot s, String field) {
        for (LayerField f : s.members()) if (shortName(f.condition()).equals(field)) return f;
        return null;
    }

    /**
     * The fraction of a field's bits a condition pins: {@code (bits - log2(n)) / bits}, n the number of values it
     * accepts (1 for EQUAL, the size of a range, 2^(bits - prefix) for an address mask...).
     */
    static double specificity(FwpmFilterCondition c, DataType fieldType) {
        FwpValue v = c.conditionValue();
        MatchType m = c.matchType();
        DataType t = fieldType != null ? fieldType : v instanceof FwpValue.Range r ? r.low().type() : v.type();
        switch (v) {
            case FwpValue.Empty e -> { return 1.0; }
            case FwpValue.V4AddrMask mask -> {
                int p = mask.prefixLength() >= 0 ? mask.prefixLength() : Integer.bitCount(mask.mask());
                return m == MatchType.FWP_MATCH_NOT_EQUAL ? notEqual(32) : p / 32.0;
            }
            case FwpValue.V6AddrMask mask -> {
                return m == MatchType.FWP_MATCH_NOT_EQUAL ? notEqual(128) : Math.clamp(mask.prefixLength(), 0, 128) / 128.0;
            }
            default -> { }
        }
        int bits = bits(t);
        if (bits == 0) return 1.0;
        BigInteger max = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger n;
        if (v instanceof FwpValue.Range r) {
            n = key(r.high()).subtract(key(r.low())).add(BigInteger.ONE);
        } else {
            BigInteger k = key(v);
            n = switch (m) {
                case FWP_MATCH_EQUAL -> BigInteger.ONE;
                case FWP_MATCH_NOT_EQUAL -> max;
                case FWP_MATCH_GREATER -> max.subtract(k);
                case FWP_MATCH_GREATER_OR_EQUAL -> max.subtract(k).add(BigInteger.ONE);
                case FWP_MATCH_LESS -> k;
                case FWP_MATCH_LESS_OR_EQUAL -> k.add(BigInteger.ONE);
                case FWP_MATCH_FLAGS_ALL_SET, FWP_MATCH_FLAGS_NONE_SET -> BigInteger.ONE.shiftLeft(bits - k.bitCount());
                case FWP_MATCH_FLAGS_ANY_SET -> max.add(BigInteger.ONE).subtract(BigInteger.ONE.shiftLeft(bits - k.bitCount()));
                default -> BigInteger.ONE;
            };
        }
        if (n.signum() <= 0) return 1.0;
        return Math.clamp((bits - log2(n)) / bits, 0.0, 1.0);
    }

    private static double notEqual(int bits) {
        return (bits - log2(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE))) / bits;
    }

    private static BigInteger key(FwpValue v) {
        return new BigInteger(Long.toUnsignedString(v.keyHi())).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(v.keyLo())));
    }

    /** log2 of a positive integer: exact for powers of two, to double precision otherwise. */
    static double log2(BigInteger n) {
        int len = n.bitLength();
        if (n.getLowestSetBit() == len - 1) return len - 1;
        if (len <= 53) return Math.log(n.doubleValue()) / Math.log(2);
        return (len - 53) + Math.log(n.shiftRight(len - 53).doubleValue()) / Math.log(2);
    }

    private static int bits(DataType t) {
        return switch (t) {
            case FWP_UINT8, FWP_INT8 -> 8;
            case FWP_UINT16, FWP_INT16 -> 16;
            case FWP_UINT32, FWP_INT32, FWP_V4_ADDR_MASK -> 32;
            case FWP_UINT64, FWP_INT64 -> 64;
            case FWP_BYTE_ARRAY16_TYPE, FWP_V6_ADDR_MASK -> 128;
            default -> 0;
        };
    }

    /** The graded cost of a field type: log2 of its width in bits. */
    private static int log2Bits(DataType t) {
        int b = bits(t);
        return b == 0 ? 0 : 31 - Integer.numberOfLeadingZeros(b);
    }

    private static List<String> head(String layerName) {
        String n = layerName == null ? "" : layerName;
        if (n.contains("_ALE_AUTH_CONNECT_")) return HEAD_CONNECT;
        if (n.contains("_ALE_RESOURCE_ASSIGNMENT_")) return HEAD_RESOURCE_ASSIGNMENT;
        if (n.contains("_INBOUND_TRANSPORT_V")) return HEAD_INBOUND_TRANSPORT;
        return HEAD_DEFAULT;
    }

    private static String shortName(ConditionKey k) {
        return k.shortName();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Slot s : slots) {
            sb.append(String.format("bits %2d..%2d %-28s %s%n", s.lo(), s.hi() - 1, s.name(), s.graded() ? "graded" : "one bit"));
        }
        return sb.toString();
    }
}

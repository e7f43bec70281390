package io.jwfp.engine.weight;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_PACKAGE_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_USER_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_FLAGS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_NEXTHOP_INTERFACE_PROFILE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.SecurityDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Worked examples of the automatic weight (values Windows printed in the show-state dump) and its invariants. */
class AutoWeightTest {

    static FwpmFilterCondition eq(io.jwfp.engine.layer.ConditionKey k, FwpValue v) {
        return FwpmFilterCondition.equal(k, v);
    }

    static FwpmFilterCondition range(io.jwfp.engine.layer.ConditionKey k, FwpValue lo, FwpValue hi) {
        return new FwpmFilterCondition(k, MatchType.FWP_MATCH_RANGE, new FwpValue.Range(lo, hi));
    }

    @Test
    void noConditionsWeighNothing() {
        for (Layer l : Layer.values()) assertThat(AutoWeight.compute(l, List.of())).as("%s", l).isZero();
    }

    @Test
    void aLayerWithoutFieldsWeighsHalfTheRange() {
        // Observed at INBOUND_TRANSPORT_FAST and the other *_FAST layers, which have no fields.
        assertThat(AutoWeight.compute("FWPM_LAYER_INBOUND_TRANSPORT_FAST", List.of(), List.of())).isEqualTo(0x07FF_FFFF_FFFF_FFFFL);
    }

    @Test
    void portEqualFillsItsSlotAndARangeScoresTheBitsItPins() {
        // ALE_AUTH_LISTEN_V4: the local port owns bits 8..29; 8554..8558 pins 16 - log2(5) of 16 bits.
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_LISTEN_V4, List.of(eq(FWPM_CONDITION_IP_LOCAL_PORT, FwpValue.uint16(135)))))
                .isEqualTo(0x3FFF_FF00L);
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_LISTEN_V4, List.of(
                range(FWPM_CONDITION_IP_LOCAL_PORT, FwpValue.uint16(8554), FwpValue.uint16(8558))))).isEqualTo(0x36B6_5800L);
    }

    @Test
    void sharedSlotHalvesAField() {
        // ALE_AUTH_RECV_ACCEPT_V4: IP_LOCAL_PORT shares bits 43..48 with ORIGINAL_ICMP_TYPE, so EQUAL scores 32 of 63.
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, List.of(eq(FWPM_CONDITION_IP_LOCAL_PORT, FwpValue.uint16(53)))))
                .isEqualTo(1L << 48);
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, List.of(
                range(FWPM_CONDITION_IP_LOCAL_PORT, FwpValue.uint16(5000), FwpValue.uint16(5020))))).isEqualTo(0xB8L << 40);
    }

    @Test
    void oredRangesAddUpToTheWholeSlot() {
        // Three ORed remote-address ranges (/20, /24, /4: 48 of 32 bits) saturate the shared address slot: 2^59.
        FwpmFilterCondition a = range(FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(0xAC185000L), FwpValue.uint32(0xAC185FFFL));
        FwpmFilterCondition b = range(FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(0xC0A86E00L), FwpValue.uint32(0xC0A86EFFL));
        FwpmFilterCondition c = range(FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(0xE0000000L), FwpValue.uint32(0xEFFFFFFFL));
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, List.of(a, b, c))).isEqualTo(1L << 59);
        // The whole address space pins nothing.
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, List.of(
                range(FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(0), FwpValue.uint32(0xFFFFFFFFL))))).isZero();
    }

    @Test
    void icmpErrorExampleOfTheReference() {
        // OUTBOUND_ICMP_ERROR_V4, Windows Firewall "ICMP type 3" rule: FLAGS NONE_SET, profile, type 3, codes 0..3.
        List<FwpmFilterCondition> c = List.of(
                new FwpmFilterCondition(FWPM_CONDITION_FLAGS, MatchType.FWP_MATCH_FLAGS_NONE_SET, FwpValue.uint32(1)),
                eq(FWPM_CONDITION_NEXTHOP_INTERFACE_PROFILE_ID, FwpValue.uint32(2)),
                eq(FWPM_CONDITION_IP_LOCAL_PORT, FwpValue.uint16(3)),
                range(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(0), FwpValue.uint16(3)));
        assertThat(FilterWeights.effectiveWeight(Layer.FWPM_LAYER_OUTBOUND_ICMP_ERROR_V4, FwpValue.uint8(8), c))
                .isEqualTo(0x8000_007F_DE00_000CL);
    }

    @Test
    void oneBitFieldsScoreOneWhateverTheMatch() {
        List<FwpmFilterCondition> c = List.of(
                eq(FWPM_CONDITION_ALE_APP_ID, AppIds.of("/usr/bin/curl")),
                eq(FWPM_CONDITION_ALE_USER_ID, new FwpValue.Sd(SecurityDescriptor.parse("O:SYG:SYD:(A;;CCRC;;;S-1-5-18)"))),
                eq(FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(17)));
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, c)).isEqualTo(0x0003_8030_0000_0000L);
        // The package id is scored with the app id: same bit.
        assertThat(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, List.of(
                new FwpmFilterCondition(FWPM_CONDITION_ALE_PACKAGE_ID, MatchType.FWP_MATCH_NOT_EQUAL, new FwpValue.Sid("S-1-0-0")))))
                .isEqualTo(AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, List.of(c.get(0))));
    }

    @Test
    void everyLayoutTilesTheSixtyBits() {
        for (Layer l : Layer.values()) {
            List<WeightLayout.Slot> slots = AutoWeight.layout(l).slots();
            assertThat(slots.getFirst().hi()).as("%s top", l).isEqualTo(60);
            assertThat(slots.getLast().lo()).as("%s bottom", l).isZero();
            for (int i = 0; i < slots.size(); i++) {
                assertThat(slots.get(i).width()).as("%s %s width", l, slots.get(i).name()).isPositive();
                if (i > 0) assertThat(slots.get(i).hi()).isEqualTo(slots.get(i - 1).lo());
                if (!slots.get(i).graded()) assertThat(slots.get(i).width()).isEqualTo(1);
            }
            int fields = slots.stream().mapToInt(s -> s.members().size()).sum();
            assertThat(fields).as("%s: every field has a slot", l).isEqualTo(l.fieldCount());
        }
    }

    @Test
    void moreSpecificNeverWeighsLess() {
        // For every numeric field of every layer: EQUAL >= a 16-value range >= a half-space range > nothing.
        for (Layer l : Layer.values()) {
            for (LayerField f : l.fields()) {
                FwpValue lo, hi16, hiHalf, v;
                switch (f.dataType()) {
                    case FWP_UINT8 -> { v = FwpValue.uint8(7); lo = FwpValue.uint8(0); hi16 = FwpValue.uint8(15); hiHalf = FwpValue.uint8(127); }
                    case FWP_UINT16 -> { v = FwpValue.uint16(7); lo = FwpValue.uint16(0); hi16 = FwpValue.uint16(15); hiHalf = FwpValue.uint16(32767); }
                    case FWP_UINT32 -> { v = FwpValue.uint32(7); lo = FwpValue.uint32(0); hi16 = FwpValue.uint32(15); hiHalf = FwpValue.uint32(0x7FFFFFFFL); }
                    default -> { continue; }
                }
                long eq = AutoWeight.compute(l, List.of(eq(f.condition(), v)));
                long r16 = AutoWeight.compute(l, List.of(range(f.condition(), lo, hi16)));
                long half = AutoWeight.compute(l, List.of(range(f.condition(), lo, hiHalf)));
                assertThat(Long.compareUnsigned(eq, r16)).as("%s %s", l, f.condition()).isGreaterThanOrEqualTo(0);
                assertThat(Long.compareUnsigned(r16, half)).as("%s %s", l, f.condition()).isGreaterThanOrEqualTo(0);
                assertThat(half).as("%s %s", l, f.condition()).isPositive();
            }
        }
    }

    @Test
    void addingAConditionNeverLowersTheWeight() {
        for (Layer l : Layer.values()) {
            List<FwpmFilterCondition> conds = new ArrayList<>();
            long before = 0;
            for (LayerField f : l.fields()) {
                FwpValue v = switch (f.dataType()) {
                    case FWP_UINT8 -> FwpValue.uint8(1);
                    case FWP_UINT16 -> FwpValue.uint16(1);
                    case FWP_UINT32 -> FwpValue.uint32(1);
                    case FWP_UINT64 -> FwpValue.uint64(1);
                    default -> null;
                };
                if (v == null) continue;
                conds.add(eq(f.condition(), v));
                long after = AutoWeight.compute(l, conds);
                assertThat(Long.compareUnsigned(after, before)).as("%s + %s", l, f.condition()).isGreaterThanOrEqualTo(0);
                before = after;
            }
        }
    }

    @Test
    void weightForms() {
        List<FwpmFilterCondition> c = List.of(eq(FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(6)));
        long auto = AutoWeight.compute(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, c);
        assertThat(FilterWeights.effectiveWeight(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, FwpValue.EMPTY, c)).isEqualTo(auto);
        assertThat(FilterWeights.effectiveWeight(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, FwpValue.uint8(15), c)).isEqualTo(0xFL << 60 | auto);
        assertThat(FilterWeights.effectiveWeight(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, FwpValue.uint64(-1L), c)).isEqualTo(-1L);
        assertThatThrownBy(() -> FilterWeights.effectiveWeight(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, FwpValue.uint8(16), c))
                .isInstanceOfSatisfying(FwpException.class, e -> assertThat(e.error()).isEqualTo(FwpError.FWP_E_INVALID_WEIGHT));
        assertThatThrownBy(() -> FilterWeights.effectiveWeight(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, FwpValue.uint32(1), c))
                .isInstanceOfSatisfying(FwpException.class, e -> assertThat(e.error()).isEqualTo(FwpError.FWP_E_INVALID_WEIGHT));
    }
}

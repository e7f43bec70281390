package io.jwfp.engine.arbitration;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_BLOCK;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_INSPECTION;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_TERMINATING;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_UNKNOWN;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CONTINUE;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_NONE;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_PERMIT;
import static io.jwfp.engine.model.FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT;
import static io.jwfp.engine.model.FilterFlags.FWPM_FILTER_FLAG_DISABLED;
import static io.jwfp.engine.model.FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED;
import static io.jwfp.engine.testing.RecordingCallout.absorbs;
import static io.jwfp.engine.testing.RecordingCallout.blocksHard;
import static io.jwfp.engine.testing.RecordingCallout.blocksSoft;
import static io.jwfp.engine.testing.RecordingCallout.continues;
import static io.jwfp.engine.testing.RecordingCallout.permits;
import static io.jwfp.engine.testing.RecordingCallout.permitsHard;
import static io.jwfp.engine.testing.RecordingCallout.returns;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.testing.RecordingCallout;
import io.jwfp.engine.testing.RecordingCallout.Call;
import io.jwfp.engine.testing.TestPolicy;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One test per arbitration rule of wfp-semantics §1.2–§1.8 (and the condition rules of §2.3–§2.4 they rely on). */
class ArbitrationRulesTest {
    static final Layer CONNECT = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;

    final TestPolicy p = new TestPolicy(CONNECT);

    @Nested
    @DisplayName("§1.3 across sublayers")
    class AcrossSublayers {
        @Test
        void every_sublayer_is_evaluated_highest_weight_first() {
            UUID low = p.sublayer("low", 0x0100);
            UUID high = p.sublayer("high", 0xF000);
            UUID mid = p.sublayer("mid", 0x8000);
            p.filter("log low").in(low).callout(FWP_ACTION_CALLOUT_INSPECTION, p.callout("low", continues()));
            p.filter("log high").in(high).callout(FWP_ACTION_CALLOUT_INSPECTION, p.callout("high", continues()));
            p.filter("log mid").in(mid).callout(FWP_ACTION_CALLOUT_INSPECTION, p.callout("mid", continues()));

            ClassifyResult r = p.packet().classify();

            assertThat(p.calloutOrder()).containsExactly("high", "mid", "low");
            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isZero();
            assertThat(r.calloutsInvoked()).isEqualTo(3);
        }

        @Test
        void sublayers_of_equal_weight_are_ordered_by_key_a_documented_choice() {
            UUID a = p.sublayer("a", 0x4000);
            UUID b = p.sublayer("b", 0x4000);
            p.filter("a").in(a).callout(FWP_ACTION_CALLOUT_INSPECTION, p.callout("a", continues()));
            p.filter("b").in(b).callout(FWP_ACTION_CALLOUT_INSPECTION, p.callout("b", continues()));

            p.packet().classify();

            assertThat(p.calloutOrder()).containsExactly(a.compareTo(b) < 0 ? new String[] {"a", "b"} : new String[] {"b", "a"});
        }

        @Test
        void a_hard_block_does_not_stop_lower_sublayers_but_takes_their_write_right() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long block = p.filter("block").in(high).block();
            RecordingCallout log = p.callout("log", continues());
            long logId = p.filter("log").in(low).callout(FWP_ACTION_CALLOUT_INSPECTION, log);

            ClassifyResult r = p.packet().classify();

            assertThat(log.calls()).containsExactly(new Call("log", logId, FWP_ACTION_BLOCK, false, 0, 0));
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
            assertThat(r.isHard()).isTrue();
        }

        @Test
        void a_soft_permit_is_overridden_by_a_block_in_a_later_sublayer() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.filter("permit").in(high).permit();
            long block = p.filter("block").in(low).block();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
            assertThat(r.isHard()).isTrue();
            assertThat(r.isVeto()).isFalse();
        }

        @Test
        void a_later_soft_permit_becomes_the_deciding_filter() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.filter("permit high").in(high).permit();
            long later = p.filter("permit low").in(low).permit();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(later);
            assertThat(r.isHard()).isFalse();
        }

        @Test
        void a_soft_block_by_a_callout_that_keeps_the_write_right_is_reversed_by_a_later_permit() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            RecordingCallout soft = p.callout("soft", blocksSoft());
            p.filter("soft block").in(high).callout(FWP_ACTION_CALLOUT_TERMINATING, soft);
            RecordingCallout after = p.callout("after", continues());
            p.filter("after").in(low).weight(10).callout(FWP_ACTION_CALLOUT_INSPECTION, after);
            long permit = p.filter("permit").in(low).weight(1).permit();

            ClassifyResult r = p.packet().classify();

            assertThat(after.lastCall().actionOnEntry()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(after.lastCall().writeRightOnEntry()).isTrue();
            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(permit);
            assertThat(r.isHard()).isFalse();
        }

        @Test
        void a_callout_block_that_clears_the_write_right_is_hard() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long blocker = p.filter("hard block").in(high).callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("hard", blocksHard()));
            p.filter("permit").in(low).permit();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(blocker);
            assertThat(r.isHard()).isTrue();
        }

        @Test
        void a_static_block_is_hard_and_a_later_permit_cannot_reverse_it() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long block = p.filter("block").in(high).block();
            p.filter("hard permit").in(low).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            RecordingCallout permitter = p.callout("permitter", permitsHard());
            p.filter("callout permit").in(low).weight(0xFFFF).callout(FWP_ACTION_CALLOUT_UNKNOWN, permitter);

            ClassifyResult r = p.packet().classify();

            assertThat(permitter.lastCall().writeRightOnEntry()).isFalse();
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
            assertThat(r.isHard()).isTrue();
            assertThat(r.isVeto()).isFalse();
        }

        @Test
        void clear_action_right_makes_a_permit_hard_and_a_static_block_below_is_ignored() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long permit = p.filter("hard permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            p.filter("block").in(low).block();
            p.filter("hard block").in(low).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).weight(0).block();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(permit);
            assertThat(r.isHard()).isTrue();
            assertThat(r.isVeto()).isFalse();
        }

        @Test
        void clear_action_right_on_a_callout_filter_makes_the_callout_decision_hard() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long permit = p.filter("callout permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT)
                    .callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("permitter", permits()));
            p.filter("block").in(low).block();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(permit);
            assertThat(r.isHard()).isTrue();
        }

        @Test
        void a_callout_is_handed_the_decision_so_far_and_the_write_right() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            RecordingCallout first = p.callout("first", continues());
            long firstId = p.filter("first").in(high).weight(10).callout(FWP_ACTION_CALLOUT_INSPECTION, first);
            p.filter("permit").in(high).weight(1).permit();
            RecordingCallout second = p.callout("second", continues());
            long secondId = p.filter("second").in(low).callout(FWP_ACTION_CALLOUT_INSPECTION, second);

            p.packet().classify();

            // Nothing decided yet: the engine hands FWP_ACTION_CONTINUE with the write right (documented choice).
            assertThat(first.calls()).containsExactly(new Call("first", firstId, FWP_ACTION_CONTINUE, true, 0, 0));
            assertThat(second.calls()).containsExactly(new Call("second", secondId, FWP_ACTION_PERMIT, true, 0, 0));
        }
    }

    @Nested
    @DisplayName("§1.2 within a sublayer")
    class WithinSublayer {
        @Test
        void the_first_permit_ends_the_sublayer() {
            long permit = p.filter("permit").weight(10).permit();
            RecordingCallout below = p.callout("below", blocksHard());
            p.filter("below").weight(5).callout(FWP_ACTION_CALLOUT_TERMINATING, below);

            ClassifyResult r = p.packet().classify();

            assertThat(below.wasInvoked()).isFalse();
            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(permit);
            assertThat(r.isHard()).isFalse();
        }

        @Test
        void the_first_block_ends_the_sublayer() {
            long block = p.filter("block").weight(10).block();
            RecordingCallout below = p.callout("below", permitsHard());
            p.filter("below").weight(5).callout(FWP_ACTION_CALLOUT_TERMINATING, below);

            ClassifyResult r = p.packet().classify();

            assertThat(below.wasInvoked()).isFalse();
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
        }

        @Test
        void continue_goes_on_to_the_next_filter() {
            RecordingCallout look = p.callout("look", continues());
            long lookId = p.filter("look").weight(10).callout(FWP_ACTION_CALLOUT_UNKNOWN, look);
            long block = p.filter("block").weight(5).block();

            ClassifyResult r = p.packet().classify();

            assertThat(look.invokedFor()).containsExactly(lookId);
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
        }

        @Test
        void exact_uint64_weights_order_filters_highest_first_compared_unsigned() {
            long low = p.filter("low").weight(0x7FFF_FFFF_FFFF_FFFFL).block();
            long high = p.filter("high").weight(0xFFFF_FFFF_FFFF_FFFFL).permit(); // negative as a signed long
            long mid = p.filter("mid").weight(0x8000_0000_0000_0000L).block();

            ClassifyResult r = p.packet().classify();

            assertThat(p.effectiveWeight(high)).isEqualTo(0xFFFF_FFFF_FFFF_FFFFL);
            assertThat(r.filterId()).isEqualTo(high);
            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(p.effectiveWeight(mid)).isEqualTo(0x8000_0000_0000_0000L);
            assertThat(low).isLessThan(high);
        }

        @Test
        void a_uint8_weight_range_outranks_every_lower_range_whatever_the_conditions() {
            long specific = p.filter("specific, range 0").weightRange(0)
                    .when(FWPM_CONDITION_IP_REMOTE_PORT, "443").when(FWPM_CONDITION_IP_PROTOCOL, "tcp")
                    .when(FWPM_CONDITION_IP_REMOTE_ADDRESS, "192.0.2.1").when(FWPM_CONDITION_ALE_APP_ID, "/usr/bin/curl")
                    .block();
            long broad = p.filter("match-all, range 1").weightRange(1).permit();

            ClassifyResult r = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "443").with(FWPM_CONDITION_IP_PROTOCOL, "tcp")
                    .with(FWPM_CONDITION_IP_REMOTE_ADDRESS, "192.0.2.1").with(FWPM_CONDITION_ALE_APP_ID, "/usr/bin/curl")
                    .classify();

            assertThat(p.effectiveWeight(broad) >>> 60).isEqualTo(1);
            assertThat(p.effectiveWeight(specific) >>> 60).isZero();
            assertThat(r.filterId()).isEqualTo(broad);
        }

        @Test
        void automatic_weights_are_below_every_weight_range_above_0_and_ties_go_to_the_older_filter() {
            long first = p.filter("auto 1").weight(FwpValue.EMPTY).when(FWPM_CONDITION_IP_REMOTE_PORT, "80").permit();
            long second = p.filter("auto 2").weight(FwpValue.EMPTY).when(FWPM_CONDITION_IP_REMOTE_PORT, "80").block();

            ClassifyResult tie = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify();

            assertThat(p.effectiveWeight(first)).isEqualTo(p.effectiveWeight(second));
            assertThat(Long.compareUnsigned(p.effectiveWeight(first), 1L << 60)).isNegative();
            assertThat(tie.filterId()).isEqualTo(first);

            long ranged = p.filter("range 1").weightRange(1).block();
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify().filterId()).isEqualTo(ranged);
        }

        @Test
        void a_sublayer_whose_filters_do_not_match_makes_no_decision() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.filter("ssh only").in(high).when(FWPM_CONDITION_IP_REMOTE_PORT, "22").block();
            long permit = p.filter("permit").in(low).permit();

            ClassifyResult r = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify();

            assertThat(r.filterId()).isEqualTo(permit);
        }
    }

    @Nested
    @DisplayName("§1.4 veto")
    class Veto {
        @Test
        void a_callout_called_without_the_write_right_that_returns_block_vetoes_a_hard_permit() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.filter("hard permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            RecordingCallout vetoer = p.callout("vetoer", blocksHard());
            long veto = p.filter("veto").in(low).callout(FWP_ACTION_CALLOUT_TERMINATING, vetoer);

            ClassifyResult r = p.packet().classify();

            assertThat(vetoer.calls()).containsExactly(new Call("vetoer", veto, FWP_ACTION_PERMIT, false, 0, 0));
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(veto);
            assertThat(r.isVeto()).isTrue();
            assertThat(r.isHard()).isTrue();
        }

        @Test
        void a_soft_block_returned_without_the_write_right_still_vetoes() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.filter("hard permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            long veto = p.filter("veto").in(low).callout(FWP_ACTION_CALLOUT_UNKNOWN, p.callout("vetoer", blocksSoft()));

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(veto);
            assertThat(r.isVeto()).isTrue();
        }

        @Test
        void a_static_block_never_vetoes() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long permit = p.filter("hard permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            p.filter("block").in(low).block();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(permit);
            assertThat(r.isVeto()).isFalse();
        }

        @Test
        void an_unregistered_callout_acting_as_block_is_static_and_does_not_veto() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long permit = p.filter("hard permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            p.filter("missing").in(low).callout(FWP_ACTION_CALLOUT_TERMINATING, TestPolicy.calloutKey("missing"));

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(permit);
            assertThat(r.isVeto()).isFalse();
        }

        @Test
        void a_callout_block_over_a_soft_permit_is_an_override_not_a_veto() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.filter("soft permit").in(high).permit();
            RecordingCallout blocker = p.callout("blocker", blocksHard());
            long block = p.filter("block").in(low).callout(FWP_ACTION_CALLOUT_TERMINATING, blocker);

            ClassifyResult r = p.packet().classify();

            assertThat(blocker.lastCall().writeRightOnEntry()).isTrue();
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
            assertThat(r.isVeto()).isFalse();
        }

        @Test
        void nothing_overrides_a_hard_block_not_even_a_callout() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long block = p.filter("block").in(high).block();
            RecordingCallout permitter = p.callout("permitter", permitsHard());
            p.filter("permit").in(low).weight(2).callout(FWP_ACTION_CALLOUT_UNKNOWN, permitter);
            RecordingCallout blocker = p.callout("blocker", blocksHard());
            UUID lower = p.sublayer("lower", 0x0010);
            p.filter("block again").in(lower).callout(FWP_ACTION_CALLOUT_TERMINATING, blocker);

            ClassifyResult r = p.packet().classify();

            assertThat(permitter.wasInvoked()).isTrue();
            assertThat(blocker.wasInvoked()).isTrue();
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
            assertThat(r.isVeto()).isFalse();
        }
    }

    @Nested
    @DisplayName("§1.5 callout result coercion")
    class Coercion {
        static Stream<Arguments> table() {
            return Stream.of(
                    // filter action, callout returns, decides? (else the next filter decides), resulting action
                    Arguments.of(FWP_ACTION_CALLOUT_INSPECTION, FWP_ACTION_BLOCK, false, null),
                    Arguments.of(FWP_ACTION_CALLOUT_INSPECTION, FWP_ACTION_PERMIT, false, null),
                    Arguments.of(FWP_ACTION_CALLOUT_INSPECTION, FWP_ACTION_CONTINUE, false, null),
                    Arguments.of(FWP_ACTION_CALLOUT_TERMINATING, FWP_ACTION_PERMIT, true, FWP_ACTION_PERMIT),
                    Arguments.of(FWP_ACTION_CALLOUT_TERMINATING, FWP_ACTION_BLOCK, true, FWP_ACTION_BLOCK),
                    Arguments.of(FWP_ACTION_CALLOUT_TERMINATING, FWP_ACTION_CONTINUE, true, FWP_ACTION_BLOCK),
                    Arguments.of(FWP_ACTION_CALLOUT_TERMINATING, FWP_ACTION_NONE, true, FWP_ACTION_BLOCK),
                    Arguments.of(FWP_ACTION_CALLOUT_UNKNOWN, FWP_ACTION_PERMIT, true, FWP_ACTION_PERMIT),
                    Arguments.of(FWP_ACTION_CALLOUT_UNKNOWN, FWP_ACTION_BLOCK, true, FWP_ACTION_BLOCK),
                    Arguments.of(FWP_ACTION_CALLOUT_UNKNOWN, FWP_ACTION_CONTINUE, false, null));
        }

        @ParameterizedTest(name = "{0} returning {1}")
        @MethodSource("table")
        void a_callout_return_is_coerced_by_the_filter_action_type(ActionType filterAction, ActionType returned,
                                                                  boolean decides, ActionType expected) {
            RecordingCallout c = p.callout("c", returns(returned));
            long calloutFilter = p.filter("callout").weight(10).callout(filterAction, c);
            // The next filter makes a recognisable decision: a hard permit.
            long next = p.filter("next").weight(5).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();

            ClassifyResult r = p.packet().classify();

            assertThat(c.invokedFor()).containsExactly(calloutFilter);
            if (decides) {
                assertThat(r.filterId()).isEqualTo(calloutFilter);
                assertThat(r.action()).isEqualTo(expected);
                assertThat(r.isHard()).isFalse(); // the callout kept the write right
            } else {
                assertThat(r.filterId()).isEqualTo(next);
                assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
                assertThat(r.isHard()).isTrue();
            }
        }
    }

    @Nested
    @DisplayName("§1.6 callouts not registered")
    class Unregistered {
        final UUID missing = TestPolicy.calloutKey("never registered");

        @Test
        void terminating_acts_as_a_static_hard_block() {
            long f = p.filter("x").weight(10).callout(FWP_ACTION_CALLOUT_TERMINATING, missing);
            p.filter("permit").weight(5).permit();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(f);
            assertThat(r.isHard()).isTrue();
            assertThat(r.calloutsInvoked()).isZero();
        }

        @Test
        void unknown_acts_as_a_static_block() {
            long f = p.filter("x").callout(FWP_ACTION_CALLOUT_UNKNOWN, missing);

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(f);
        }

        @Test
        void permit_if_callout_unregistered_acts_as_a_static_soft_permit() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            long f = p.filter("x").in(high).flags(FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED)
                    .callout(FWP_ACTION_CALLOUT_TERMINATING, missing);

            ClassifyResult r = p.packet().classify();
            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isEqualTo(f);
            assertThat(r.isHard()).isFalse();

            long block = p.filter("block").in(low).block();
            assertThat(p.packet().classify().filterId()).isEqualTo(block);
        }

        @Test
        void an_inspection_filter_is_skipped() {
            p.filter("x").weight(10).callout(FWP_ACTION_CALLOUT_INSPECTION, missing);
            long block = p.filter("block").weight(5).block();

            ClassifyResult r = p.packet().classify();

            assertThat(r.filterId()).isEqualTo(block);
        }

        @Test
        void a_callout_unregistered_at_run_time_makes_its_filters_block() {
            RecordingCallout c = p.callout("c", permits());
            long f = p.filter("x").callout(FWP_ACTION_CALLOUT_TERMINATING, c);
            assertThat(p.packet().classify().action()).isEqualTo(FWP_ACTION_PERMIT);

            assertThat(p.engine().calloutUnregisterByKey(c.key())).isTrue();
            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(f);
            assertThat(c.calls()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("§1.7 layer default, §1.4 layers, §1.11 flags")
    class DefaultsAndLayers {
        @Test
        void no_filter_at_the_layer_means_permit_with_filter_id_0() {
            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isZero();
            assertThat(r.decidingFilter()).isNull();
            assertThat(r.isHard()).isFalse();
        }

        @Test
        void no_matching_filter_means_permit_with_filter_id_0() {
            p.filter("ssh").when(FWPM_CONDITION_IP_REMOTE_PORT, "22").block();
            RecordingCallout look = p.callout("look", continues());
            p.filter("look").callout(FWP_ACTION_CALLOUT_INSPECTION, look);

            ClassifyResult r = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify();

            assertThat(look.wasInvoked()).isTrue();
            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isZero();
        }

        @Test
        void there_is_no_arbitration_across_layers() {
            long hardPermit = p.filter("hard permit").flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            long block = p.filter("transport block").at(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4).block();

            ClassifyResult connect = p.packet().classify();
            ClassifyResult transport = p.packet(Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4).classify();

            assertThat(connect.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(connect.filterId()).isEqualTo(hardPermit);
            assertThat(transport.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(transport.filterId()).isEqualTo(block);
        }

        @Test
        void a_disabled_filter_is_not_enforced() {
            long disabled = p.filter("disabled").flags(FWPM_FILTER_FLAG_DISABLED).block();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.filterId()).isZero();
            assertThat(p.engine().state().filter(disabled)).isNull();
        }
    }

    @Nested
    @DisplayName("§2.3–§2.4 conditions")
    class ConditionRules {
        @Test
        void conditions_on_the_same_field_are_ored_and_on_different_fields_anded() {
            long web = p.filter("web").when(FWPM_CONDITION_IP_REMOTE_PORT, "80").when(FWPM_CONDITION_IP_REMOTE_PORT, "443")
                    .when(FWPM_CONDITION_IP_PROTOCOL, "tcp").block();

            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").with(FWPM_CONDITION_IP_PROTOCOL, "tcp").classify().filterId()).isEqualTo(web);
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "443").with(FWPM_CONDITION_IP_PROTOCOL, "tcp").classify().filterId()).isEqualTo(web);
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "22").with(FWPM_CONDITION_IP_PROTOCOL, "tcp").classify().filterId()).isZero();
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").with(FWPM_CONDITION_IP_PROTOCOL, "udp").classify().filterId()).isZero();
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify().filterId()).isZero();
        }

        @Test
        void a_callout_sees_fwps_filter_flag_or_conditions_when_a_field_repeats() {
            RecordingCallout c = p.callout("c", continues());
            p.filter("or").when(FWPM_CONDITION_IP_REMOTE_PORT, "80").when(FWPM_CONDITION_IP_REMOTE_PORT, "443")
                    .flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).callout(FWP_ACTION_CALLOUT_INSPECTION, c);

            p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "443").classify();

            assertThat(c.lastCall().filterFlags())
                    .isEqualTo(FilterFlags.FWPS_FILTER_FLAG_OR_CONDITIONS | FilterFlags.FWPS_FILTER_FLAG_CLEAR_ACTION_RIGHT);
        }

        @Test
        void a_filter_without_conditions_matches_everything() {
            long all = p.filter("all").block();

            assertThat(p.packet().classify().filterId()).isEqualTo(all);
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "1").with(FWPM_CONDITION_ALE_APP_ID, "/bin/x").classify().filterId()).isEqualTo(all);
        }

        @Test
        void an_fwp_empty_incoming_value_only_matches_an_fwp_empty_condition() {
            long notIn10 = p.filter("not in 10/8").weight(40).when(FWPM_CONDITION_IP_REMOTE_ADDRESS, MatchType.FWP_MATCH_NOT_EQUAL, "10.0.0.0/8").block();
            long notEqual = p.filter("port != 80").weight(30).when(FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_NOT_EQUAL, "80").block();
            long anyPort = p.filter("any port").weight(20).when(FWPM_CONDITION_IP_REMOTE_PORT, "0-65535").block();
            long unknown = p.filter("port unknown").weight(10).when(FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_EQUAL, FwpValue.EMPTY).block();

            assertThat(p.packet().classify().filterId()).isEqualTo(unknown);
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "81").classify().filterId()).isEqualTo(notEqual);
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify().filterId()).isEqualTo(anyPort);
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").with(FWPM_CONDITION_IP_REMOTE_ADDRESS, "10.1.2.3")
                    .classify().filterId()).isEqualTo(anyPort);
            assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").with(FWPM_CONDITION_IP_REMOTE_ADDRESS, "192.0.2.1")
                    .classify().filterId()).isEqualTo(notIn10);
        }
    }

    @Nested
    @DisplayName("§1.8 FWPS_CLASSIFY_OUT_FLAG_ABSORB")
    class Absorb {
        @Test
        void a_callout_block_with_absorb_is_absorbed() {
            long f = p.filter("absorb").callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("absorber", absorbs()));

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(f);
            assertThat(r.isAbsorbed()).isTrue();
            assertThat(r.classifyOutFlags() & FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB).isNotZero();
        }

        @Test
        void absorb_belongs_to_the_deciding_callout_and_goes_when_a_later_filter_decides() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.filter("soft absorb").in(high).callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("absorber", out -> {
                out.actionType = FWP_ACTION_BLOCK;
                out.flags |= FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB; // keeps the write right: soft
            }));
            long block = p.filter("block").in(low).block();

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(block);
            assertThat(r.isAbsorbed()).isFalse();
        }

        @Test
        void absorb_with_permit_means_nothing() {
            p.filter("permit+absorb").callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("odd", out -> {
                out.actionType = FWP_ACTION_PERMIT;
                out.flags |= FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB;
            }));

            ClassifyResult r = p.packet().classify();

            assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
            assertThat(r.isAbsorbed()).isFalse();
        }
    }

    @Nested
    @DisplayName("§5.1 FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW")
    class ConditionalOnFlow {
        RecordingCallout flowCallout;
        long calloutFilter;
        long fallback;

        void policy() {
            flowCallout = p.callout("per flow", FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW, blocksHard());
            calloutFilter = p.filter("per flow").weight(10).callout(FWP_ACTION_CALLOUT_TERMINATING, flowCallout);
            fallback = p.filter("fallback").weight(1).permit();
        }

        @Test
        void not_invoked_without_a_flow() {
            policy();

            ClassifyResult r = p.packet().classify();

            assertThat(flowCallout.wasInvoked()).isFalse();
            assertThat(r.filterId()).isEqualTo(fallback);
        }

        @Test
        void not_invoked_for_a_flow_it_has_no_context_on() {
            policy();

            ClassifyResult r = p.packet().flow(42).classify();

            assertThat(flowCallout.wasInvoked()).isFalse();
            assertThat(r.filterId()).isEqualTo(fallback);
        }

        @Test
        void invoked_with_its_context_for_a_flow_it_has_one_on() {
            policy();
            int calloutId = p.engine().callouts().calloutId(flowCallout.key());
            p.engine().flowContexts().associate(42, CONNECT.layerId(), calloutId, 0xC0FFEEL);

            ClassifyResult r = p.packet().flow(42).classify();
            ClassifyResult otherFlow = p.packet().flow(43).classify();

            assertThat(flowCallout.calls()).containsExactly(new Call("per flow", calloutFilter, FWP_ACTION_CONTINUE, true, 0xC0FFEEL, 0));
            assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
            assertThat(r.filterId()).isEqualTo(calloutFilter);
            assertThat(otherFlow.filterId()).isEqualTo(fallback);
        }
    }

    @Nested
    @DisplayName("net events")
    class NetEvents {
        final List<Long> reported = new ArrayList<>();

        @Test
        void a_block_is_reported_with_its_filter_and_a_permit_is_not() {
            p.engine().setNetEventSink((in, meta, data, r) -> reported.add(r.filterId()), false);
            long block = p.filter("block ssh").when(FWPM_CONDITION_IP_REMOTE_PORT, "22").block();
            p.filter("permit web").when(FWPM_CONDITION_IP_REMOTE_PORT, "80").permit();

            p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "22").classify();
            p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify();
            p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "443").classify();

            assertThat(reported).containsExactly(block);
        }

        @Test
        void an_absorbed_block_is_not_reported() {
            p.engine().setNetEventSink((in, meta, data, r) -> reported.add(r.filterId()), true);
            p.filter("absorb").callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("absorber", absorbs()));

            ClassifyResult r = p.packet().classify();

            assertThat(r.isBlock()).isTrue();
            assertThat(reported).isEmpty();
        }

        @Test
        void a_veto_is_reported() {
            UUID high = p.sublayer("high", 0xF000);
            UUID low = p.sublayer("low", 0x0100);
            p.engine().setNetEventSink((in, meta, data, r) -> reported.add(r.filterId()), false);
            p.filter("hard permit").in(high).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            long veto = p.filter("veto").in(low).callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("v", blocksHard()));

            p.packet().classify();

            assertThat(reported).containsExactly(veto);
        }

        @Test
        void allows_by_a_filter_are_reported_when_enabled_and_the_layer_default_is_not() {
            p.engine().setNetEventSink((in, meta, data, r) -> reported.add(r.filterId()), true);
            long permit = p.filter("permit web").when(FWPM_CONDITION_IP_REMOTE_PORT, "80").permit();
            long block = p.filter("block ssh").when(FWPM_CONDITION_IP_REMOTE_PORT, "22").block();

            p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify();
            p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "22").classify();
            p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "443").classify();

            assertThat(reported).containsExactly(permit, block);
        }

        @Test
        void a_firewall_discard_indicated_at_a_discard_layer_is_not_reported_twice() {
            Layer discard = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4_DISCARD;
            p.engine().setNetEventSink((in, meta, data, r) -> reported.add(r.filterId()), false);
            long block = p.filter("block at discard").at(discard).when(FWPM_CONDITION_IP_LOCAL_PORT, "1").block();

            TestPolicy.Packet dropped = p.packet(discard).with(FWPM_CONDITION_IP_LOCAL_PORT, "1");
            dropped.metadata().setDiscard(2, 0, 99); // GENERAL module, FIREWALL_POLICY reason
            dropped.classify();
            p.packet(discard).with(FWPM_CONDITION_IP_LOCAL_PORT, "1").classify();

            assertThat(reported).containsExactly(block);
        }
    }
}

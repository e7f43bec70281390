package io.jwfp.engine.arbitration;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_BLOCK;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_INSPECTION;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_TERMINATING;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_PERMIT;
import static io.jwfp.engine.model.FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT;
import static io.jwfp.engine.model.FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED;
import static io.jwfp.engine.testing.RecordingCallout.blocksHard;
import static io.jwfp.engine.testing.RecordingCallout.blocksSoft;
import static io.jwfp.engine.testing.RecordingCallout.continues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.testing.RecordingCallout;
import io.jwfp.engine.testing.RecordingCallout.Call;
import io.jwfp.engine.testing.TestPolicy;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.weight.AutoWeight;
import io.jwfp.engine.weight.FilterWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The worked examples A–H of wfp-semantics §1.10, as policies. */
class WorkedExamplesTest {
    static final Layer CONNECT = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;

    @Test
    @DisplayName("A: the S1 diagram, inbound transport: an IDS callout sees everything, the permit stands")
    void example_a_inbound_transport() {
        TestPolicy p = new TestPolicy(Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4);
        UUID sub1 = p.sublayer("sublayer 1", 0x9000);
        UUID sub2 = p.sublayer("sublayer 2", 0x8000);
        p.filter("* -> permit").in(sub1).permit();
        RecordingCallout ids = p.callout("ids", continues());
        long idsFilter = p.filter("ids").in(sub2).weight(2).callout(FWP_ACTION_CALLOUT_INSPECTION, ids);
        long permit2 = p.filter("* -> permit").in(sub2).weight(1).permit();

        ClassifyResult r = p.packet().with(FWPM_CONDITION_IP_LOCAL_PORT, "80").with(FWPM_CONDITION_IP_PROTOCOL, "tcp").classify();

        assertThat(ids.calls()).containsExactly(new Call("ids", idsFilter, FWP_ACTION_PERMIT, true, 0, 0));
        assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
        assertThat(r.filterId()).isEqualTo(permit2);
        assertThat(r.isHard()).isFalse();
        assertThat(r.isVeto()).isFalse();
        assertThat(r.isAbsorbed()).isFalse();
    }

    @Test
    @DisplayName("A: the S1 diagram, ALE receive/accept: FW2's port-80 block overrides FW1's IIS permit; the logger still looks")
    void example_a_receive_accept() {
        TestPolicy p = new TestPolicy(Layer.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4);
        UUID fw1 = p.sublayer("FW1", 0xC000);
        UUID fw2 = p.sublayer("FW2", 0x8000);
        UUID logging = p.sublayer("logging", 0x1000);
        long iis = p.filter("IIS.exe -> permit").in(fw1).when(FWPM_CONDITION_ALE_APP_ID, "/srv/iis.exe").permit();
        long port80 = p.filter("port 80 -> block").in(fw2).when(FWPM_CONDITION_IP_LOCAL_PORT, "80").block();
        RecordingCallout log = p.callout("log", continues());
        long logFilter = p.filter("* -> log").in(logging).callout(FWP_ACTION_CALLOUT_INSPECTION, log);

        ClassifyResult on80 = p.packet().with(FWPM_CONDITION_ALE_APP_ID, "/srv/iis.exe").with(FWPM_CONDITION_IP_LOCAL_PORT, "80").classify();
        ClassifyResult on443 = p.packet().with(FWPM_CONDITION_ALE_APP_ID, "/srv/iis.exe").with(FWPM_CONDITION_IP_LOCAL_PORT, "443").classify();

        assertThat(on80.action()).isEqualTo(FWP_ACTION_BLOCK);
        assertThat(on80.filterId()).isEqualTo(port80);
        assertThat(on80.isHard()).isTrue();
        assertThat(on80.isVeto()).isFalse();
        assertThat(on443.action()).isEqualTo(FWP_ACTION_PERMIT);
        assertThat(on443.filterId()).isEqualTo(iis);
        assertThat(on443.isHard()).isFalse();
        assertThat(log.calls()).containsExactly(
                new Call("log", logFilter, FWP_ACTION_BLOCK, false, 0, 0),
                new Call("log", logFilter, FWP_ACTION_PERMIT, true, 0, 0));
    }

    @Test
    @DisplayName("B: a soft permit, then a block in a lower sublayer")
    void example_b_soft_permit_then_block() {
        TestPolicy p = new TestPolicy(CONNECT);
        UUID a = p.sublayer("SL-A", 0x8000);
        UUID b = p.sublayer("SL-B", 0x1000);
        long permit = p.filter("* -> permit").in(a).permit();
        long smtp = p.filter("port 25 -> block").in(b).when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();

        ClassifyResult to25 = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "25").classify();
        ClassifyResult to80 = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify();

        assertThat(to25.action()).isEqualTo(FWP_ACTION_BLOCK);
        assertThat(to25.filterId()).isEqualTo(smtp);
        assertThat(to25.isHard()).isTrue();
        assertThat(to25.isVeto()).isFalse();
        assertThat(to80.action()).isEqualTo(FWP_ACTION_PERMIT);
        assertThat(to80.filterId()).isEqualTo(permit);
        assertThat(to80.isHard()).isFalse();
    }

    @Test
    @DisplayName("C: a hard permit; a static block below is ignored")
    void example_c_hard_permit_static_block_below() {
        TestPolicy p = new TestPolicy(CONNECT);
        UUID a = p.sublayer("SL-A", 0x8000);
        UUID b = p.sublayer("SL-B", 0x1000);
        long rdp = p.filter("3389 -> hard permit").in(a).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT)
                .when(FWPM_CONDITION_IP_REMOTE_PORT, "3389").permit();
        long all = p.filter("* -> block").in(b).block();
        List<Long> events = new ArrayList<>();
        p.engine().setNetEventSink((in, meta, data, r) -> events.add(r.filterId()), false);

        ClassifyResult to3389 = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "3389").classify();
        ClassifyResult to22 = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "22").classify();

        assertThat(to3389.action()).isEqualTo(FWP_ACTION_PERMIT);
        assertThat(to3389.filterId()).isEqualTo(rdp);
        assertThat(to3389.isHard()).isTrue();
        assertThat(to3389.isVeto()).isFalse();
        assertThat(to22.action()).isEqualTo(FWP_ACTION_BLOCK);
        assertThat(to22.filterId()).isEqualTo(all);
        assertThat(events).containsExactly(all);
    }

    @Test
    @DisplayName("D: a hard permit vetoed by a callout called without the write right")
    void example_d_callout_veto() {
        TestPolicy p = new TestPolicy(CONNECT);
        UUID a = p.sublayer("SL-A", 0x8000);
        UUID b = p.sublayer("SL-B", 0x1000);
        p.filter("3389 -> hard permit").in(a).flags(FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT)
                .when(FWPM_CONDITION_IP_REMOTE_PORT, "3389").permit();
        RecordingCallout vetoer = p.callout("vetoer", blocksHard());
        long veto = p.filter("* -> callout").in(b).callout(FWP_ACTION_CALLOUT_TERMINATING, vetoer);
        List<Long> events = new ArrayList<>();
        p.engine().setNetEventSink((in, meta, data, r) -> events.add(r.isVeto() ? -r.filterId() : r.filterId()), false);

        ClassifyResult r = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "3389").classify();

        assertThat(vetoer.calls()).containsExactly(new Call("vetoer", veto, FWP_ACTION_PERMIT, false, 0, 0));
        assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
        assertThat(r.filterId()).isEqualTo(veto);
        assertThat(r.isVeto()).isTrue();
        assertThat(r.isHard()).isTrue();
        assertThat(r.isAbsorbed()).isFalse();
        assertThat(events).containsExactly(-veto); // the notification for subscribers
    }

    @Test
    @DisplayName("E: a soft block reversed by a later permit; with the right cleared it holds")
    void example_e_soft_block_reversed() {
        for (boolean clearsRight : new boolean[] {false, true}) {
            TestPolicy p = new TestPolicy(CONNECT);
            UUID a = p.sublayer("SL-A", 0x8000);
            UUID b = p.sublayer("SL-B", 0x1000);
            long blocker = p.filter("callout").in(a)
                    .callout(FWP_ACTION_CALLOUT_TERMINATING, p.callout("blocker", clearsRight ? blocksHard() : blocksSoft()));
            long permit = p.filter("* -> permit").in(b).permit();

            ClassifyResult r = p.packet().classify();

            if (clearsRight) {
                assertThat(r.action()).isEqualTo(FWP_ACTION_BLOCK);
                assertThat(r.filterId()).isEqualTo(blocker);
                assertThat(r.isHard()).isTrue();
            } else {
                assertThat(r.action()).isEqualTo(FWP_ACTION_PERMIT);
                assertThat(r.filterId()).isEqualTo(permit);
                assertThat(r.isHard()).isFalse();
            }
            assertThat(r.isVeto()).isFalse();
        }
    }

    @Test
    @DisplayName("F: within one sublayer, an inspection callout, a permit and a block by weight")
    void example_f_within_one_sublayer() {
        TestPolicy p = new TestPolicy(CONNECT);
        UUID a = p.sublayer("SL-A", 0x8000);
        RecordingCallout logger = p.callout("logger", continues());
        long f1 = p.filter("F1 chrome -> log").in(a).weightRange(9).when(FWPM_CONDITION_ALE_APP_ID, "/opt/google/chrome/chrome")
                .callout(FWP_ACTION_CALLOUT_INSPECTION, logger);
        long f2 = p.filter("F2 443 -> permit").in(a).weightRange(5).when(FWPM_CONDITION_IP_REMOTE_PORT, "443").permit();
        long f3 = p.filter("F3 * -> block").in(a).weightRange(1).block();

        ClassifyResult chrome443 = p.packet().with(FWPM_CONDITION_ALE_APP_ID, "/opt/google/chrome/chrome")
                .with(FWPM_CONDITION_IP_REMOTE_PORT, "443").classify();
        ClassifyResult chrome80 = p.packet().with(FWPM_CONDITION_ALE_APP_ID, "/opt/google/chrome/chrome")
                .with(FWPM_CONDITION_IP_REMOTE_PORT, "80").classify();
        ClassifyResult curl443 = p.packet().with(FWPM_CONDITION_ALE_APP_ID, "/usr/bin/curl")
                .with(FWPM_CONDITION_IP_REMOTE_PORT, "443").classify();

        assertThat(logger.invokedFor()).containsExactly(f1, f1);
        assertThat(chrome443.action()).isEqualTo(FWP_ACTION_PERMIT);
        assertThat(chrome443.filterId()).isEqualTo(f2);
        assertThat(chrome443.isHard()).isFalse();
        assertThat(chrome80.action()).isEqualTo(FWP_ACTION_BLOCK);
        assertThat(chrome80.filterId()).isEqualTo(f3);
        assertThat(chrome80.isHard()).isTrue();
        assertThat(curl443.filterId()).isEqualTo(f2);
    }

    @Test
    @DisplayName("G: an unregistered callout blocks, permits with PERMIT_IF_CALLOUT_UNREGISTERED, is skipped when inspection")
    void example_g_unregistered_callout() {
        UUID x = TestPolicy.calloutKey("X");

        TestPolicy terminating = new TestPolicy(CONNECT);
        long f1 = terminating.filter("* -> X").callout(FWP_ACTION_CALLOUT_TERMINATING, x);
        ClassifyResult blocked = terminating.packet().classify();
        assertThat(blocked.action()).isEqualTo(FWP_ACTION_BLOCK);
        assertThat(blocked.filterId()).isEqualTo(f1);
        assertThat(blocked.isHard()).isTrue();
        assertThat(blocked.calloutsInvoked()).isZero();

        TestPolicy permitting = new TestPolicy(CONNECT);
        long f1p = permitting.filter("* -> X").flags(FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED)
                .callout(FWP_ACTION_CALLOUT_TERMINATING, x);
        ClassifyResult permitted = permitting.packet().classify();
        assertThat(permitted.action()).isEqualTo(FWP_ACTION_PERMIT);
        assertThat(permitted.filterId()).isEqualTo(f1p);

        TestPolicy inspecting = new TestPolicy(CONNECT);
        inspecting.filter("* -> X").callout(FWP_ACTION_CALLOUT_INSPECTION, x);
        ClassifyResult skipped = inspecting.packet().classify();
        assertThat(skipped.action()).isEqualTo(FWP_ACTION_PERMIT);
        assertThat(skipped.filterId()).isZero();
    }

    @Test
    @DisplayName("H: weight arithmetic: FWP_UINT8 n is n<<60 | auto; exact weights and ranges compare as unsigned numbers")
    void example_h_weight_arithmetic() {
        List<FwpmFilterCondition> conds = List.of(TestPolicy.condition(CONNECT, FWPM_CONDITION_IP_REMOTE_PORT,
                MatchType.FWP_MATCH_EQUAL, "443"));
        long auto = AutoWeight.compute(CONNECT, conds);
        assertThat(Long.compareUnsigned(auto, 1L << 60)).isNegative();
        assertThat(FilterWeights.effectiveWeight(CONNECT, FwpValue.uint8(8), conds)).isEqualTo(0x8000_0000_0000_0000L | auto);
        assertThat(FilterWeights.effectiveWeight(CONNECT, FwpValue.EMPTY, conds)).isEqualTo(auto);
        assertThat(FilterWeights.effectiveWeight(CONNECT, FwpValue.uint64(0x9000_0000_0000_0000L), conds))
                .isEqualTo(0x9000_0000_0000_0000L);
        assertThatThrownBy(() -> FilterWeights.effectiveWeight(CONNECT, FwpValue.uint8(16), conds))
                .isInstanceOfSatisfying(FwpException.class, e -> assertThat(e.error()).isEqualTo(FwpError.FWP_E_INVALID_WEIGHT));

        TestPolicy p = new TestPolicy(CONNECT);
        long range8 = p.filter("range 8").weightRange(8).when(FWPM_CONDITION_IP_REMOTE_PORT, "443").permit();
        long exact9 = p.filter("exact 0x9000000000000000").weight(0x9000_0000_0000_0000L).block();
        long range0 = p.filter("range 0, very specific").weightRange(0).when(FWPM_CONDITION_IP_REMOTE_PORT, "22")
                .when(FWPM_CONDITION_IP_PROTOCOL, "tcp").when(FWPM_CONDITION_IP_REMOTE_ADDRESS, "192.0.2.7")
                .when(FWPM_CONDITION_ALE_APP_ID, "/usr/bin/ssh").permit();
        long range1 = p.filter("range 1, match-all").weightRange(1).when(FWPM_CONDITION_IP_REMOTE_PORT, "22").block();

        assertThat(p.effectiveWeight(range8) >>> 60).isEqualTo(8);
        assertThat(p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "443").classify().filterId()).isEqualTo(exact9);
        ClassifyResult ssh = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "22").with(FWPM_CONDITION_IP_PROTOCOL, "tcp")
                .with(FWPM_CONDITION_IP_REMOTE_ADDRESS, "192.0.2.7").with(FWPM_CONDITION_ALE_APP_ID, "/usr/bin/ssh").classify();
        assertThat(ssh.filterId()).isEqualTo(exact9);

        TestPolicy q = new TestPolicy(CONNECT);
        long specific = q.filter("range 0, very specific").weightRange(0).when(FWPM_CONDITION_IP_REMOTE_PORT, "22")
                .when(FWPM_CONDITION_IP_PROTOCOL, "tcp").when(FWPM_CONDITION_IP_REMOTE_ADDRESS, "192.0.2.7").permit();
        long broad = q.filter("range 1").weightRange(1).when(FWPM_CONDITION_IP_REMOTE_PORT, "22").block();
        ClassifyResult r = q.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "22").with(FWPM_CONDITION_IP_PROTOCOL, "tcp")
                .with(FWPM_CONDITION_IP_REMOTE_ADDRESS, "192.0.2.7").classify();
        assertThat(r.filterId()).isEqualTo(broad);
        assertThat(Long.compareUnsigned(q.effectiveWeight(specific), 0x0FFF_FFFF_FFFF_FFFFL)).isLessThanOrEqualTo(0);
        assertThat(range0).isNotEqualTo(range1);
    }
}

package io.jwfp.engine.compile;

import static io.jwfp.engine.FwpError.FWP_E_CONDITION_NOT_FOUND;
import static io.jwfp.engine.FwpError.FWP_E_INVALID_NET_MASK;
import static io.jwfp.engine.FwpError.FWP_E_INVALID_RANGE;
import static io.jwfp.engine.FwpError.FWP_E_INVALID_WEIGHT;
import static io.jwfp.engine.FwpError.FWP_E_MATCH_TYPE_MISMATCH;
import static io.jwfp.engine.FwpError.FWP_E_TYPE_MISMATCH;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_PACKAGE_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_USER_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_FLAGS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_EQUAL_CASE_INSENSITIVE;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_ALL_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_ANY_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_GREATER;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_NOT_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_PREFIX;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_RANGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.testing.TestPolicy;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.SecurityDescriptor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** FwpmFilterAdd's condition errors (wfp-semantics §2.3, §2.4, §1.9), as ConditionCompiler and FilterWeights report them. */
class ConditionCompilerTest {
    static final Layer CONNECT = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
    static final Layer CONNECT_V6 = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V6;
    static final Layer TRANSPORT = Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4;
    static final Layer IPPACKET = Layer.FWPM_LAYER_INBOUND_IPPACKET_V4;

    static byte[] v6(String s) {
        return io.jwfp.engine.value.Values.ipv6(s, null);
    }

    static Arguments error(String why, FwpError expected, Layer layer, ConditionKey field, MatchType m, FwpValue v) {
        return Arguments.of(why, expected, layer, new FwpmFilterCondition(field, m, v));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                error("app id at a transport layer", FWP_E_CONDITION_NOT_FOUND, TRANSPORT, FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, AppIds.of("/bin/sh")),
                error("protocol at the IP packet layer", FWP_E_CONDITION_NOT_FOUND, IPPACKET, FWPM_CONDITION_IP_PROTOCOL, FWP_MATCH_EQUAL, FwpValue.uint8(6)),
                error("a UINT32 for a UINT16 port", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, FwpValue.uint32(80)),
                error("a UINT16 for a UINT8 protocol", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_PROTOCOL, FWP_MATCH_EQUAL, FwpValue.uint16(6)),
                error("a V6 mask at a V4 layer", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.V6AddrMask(v6("2001:db8::"), 32)),
                error("a V4 mask at a V6 layer", FWP_E_TYPE_MISMATCH, CONNECT_V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.V4AddrMask(0x0A000000, 0xFF000000)),
                error("a V4 mask on a port", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, new FwpValue.V4AddrMask(0x0A000000, 0xFF000000)),
                error("range bounds of another type", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, new FwpValue.Range(FwpValue.uint32(1), FwpValue.uint32(2))),
                error("range bounds of two types", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, new FwpValue.Range(FwpValue.uint16(1), FwpValue.uint32(2))),
                error("FWP_MATCH_RANGE without a range", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, FwpValue.uint16(80)),
                error("a blob for a token field", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_ALE_USER_ID, FWP_MATCH_EQUAL, AppIds.of("alice")),
                error("a security descriptor for a blob field", FWP_E_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, new FwpValue.Sd(SecurityDescriptor.parse("O:LSD:(A;;CC;;;WD)"))),
                error("flags on an IPv6 address", FWP_E_MATCH_TYPE_MISMATCH, CONNECT_V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_FLAGS_ALL_SET, new FwpValue.ByteArray16(v6("::1"))),
                error("flags on a blob", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_FLAGS_ANY_SET, AppIds.of("/bin/sh")),
                error("prefix on a port", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_PREFIX, FwpValue.uint16(80)),
                error("greater on an address mask", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_GREATER, new FwpValue.V4AddrMask(0x0A000000, 0xFF000000)),
                error("greater on a SID", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_ALE_PACKAGE_ID, FWP_MATCH_GREATER, new FwpValue.Sid("S-1-0-0")),
                error("greater on a security descriptor", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_ALE_USER_ID, FWP_MATCH_GREATER, new FwpValue.Sd(SecurityDescriptor.parse("O:LSD:(A;;CC;;;WD)"))),
                error("not-equal with FWP_EMPTY", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_NOT_EQUAL, FwpValue.EMPTY),
                error("a range with FWP_MATCH_GREATER", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_GREATER, new FwpValue.Range(FwpValue.uint16(1), FwpValue.uint16(2))),
                error("case-insensitive equality on a blob", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL_CASE_INSENSITIVE, AppIds.of("/bin/sh")),
                error("case-insensitive equality on a port", FWP_E_MATCH_TYPE_MISMATCH, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL_CASE_INSENSITIVE, FwpValue.uint16(80)),
                error("a port range 90-80", FWP_E_INVALID_RANGE, CONNECT, FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, new FwpValue.Range(FwpValue.uint16(90), FwpValue.uint16(80))),
                error("an address range high to low", FWP_E_INVALID_RANGE, CONNECT, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.Range(FwpValue.uint32(0x0A000002L), FwpValue.uint32(0x0A000001L))),
                error("a V4 mask with holes", FWP_E_INVALID_NET_MASK, CONNECT, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.V4AddrMask(0x0A000000, 0xFF00FF00)),
                error("a V4 mask 0.0.0.255", FWP_E_INVALID_NET_MASK, CONNECT, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_NOT_EQUAL, new FwpValue.V4AddrMask(0x0A000000, 0x000000FF)),
                error("a V6 prefix of 129", FWP_E_INVALID_NET_MASK, CONNECT_V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.V6AddrMask(v6("2001:db8::"), 129)),
                error("a V6 prefix of -1", FWP_E_INVALID_NET_MASK, CONNECT_V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.V6AddrMask(v6("2001:db8::"), -1)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("errors")
    void a_bad_condition_is_rejected_with_the_wfp_error(String why, FwpError expected, Layer layer, FwpmFilterCondition c) {
        assertThatThrownBy(() -> ConditionCompiler.compile(layer, List.of(FwpmFilterCondition.equal(FWPM_CONDITION_FLAGS, FwpValue.uint32(0)), c)))
                .isInstanceOfSatisfying(FwpException.class, e -> {
                    assertThat(e.error()).isEqualTo(expected);
                    assertThat(e.getMessage()).startsWith(expected.name() + ": condition 1").contains(c.fieldKey().name());
                });
    }

    @Test
    void the_engine_refuses_to_publish_a_policy_with_a_bad_condition() {
        TestPolicy p = new TestPolicy(CONNECT);
        p.filter("bad").when(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, FwpValue.uint32(80)).block();

        assertThatThrownBy(p::publish).isInstanceOfSatisfying(FwpException.class,
                e -> assertThat(e.error()).isEqualTo(FWP_E_TYPE_MISMATCH));
    }

    static Stream<Arguments> badWeights() {
        return Stream.of(
                Arguments.of(FwpValue.uint8(16)),
                Arguments.of(FwpValue.uint8(255)),
                Arguments.of(FwpValue.uint32(1)),
                Arguments.of(FwpValue.uint16(1)),
                Arguments.of(AppIds.of("heavy")));
    }

    @ParameterizedTest(name = "weight {0}")
    @MethodSource("badWeights")
    void a_weight_other_than_empty_uint8_0_to_15_or_uint64_is_fwp_e_invalid_weight(FwpValue weight) {
        TestPolicy p = new TestPolicy(CONNECT);

        assertThatThrownBy(() -> p.filter("heavy").weight(weight).block()).isInstanceOfSatisfying(FwpException.class,
                e -> assertThat(e.error()).isEqualTo(FWP_E_INVALID_WEIGHT));
    }

    @Test
    void every_valid_weight_form_is_accepted() {
        TestPolicy p = new TestPolicy(CONNECT);

        assertThat(p.effectiveWeight(p.filter("0").weightRange(0).block()) >>> 60).isZero();
        assertThat(p.effectiveWeight(p.filter("15").weightRange(15).block()) >>> 60).isEqualTo(15);
        assertThat(p.effectiveWeight(p.filter("max").weight(-1L).block())).isEqualTo(-1L);
        assertThat(p.effectiveWeight(p.filter("auto").weight(FwpValue.EMPTY).block()) >>> 60).isZero();
    }
}

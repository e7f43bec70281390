package io.jwfp.engine.compile;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_PACKAGE_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_USER_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_FLAGS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_INTERFACE;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_MAC_REMOTE_ADDRESS;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_ALL_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_ANY_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_NONE_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_GREATER;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_GREATER_OR_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_LESS;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_LESS_OR_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_NOT_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_NOT_PREFIX;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_PREFIX;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_RANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.testing.TestPolicy;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.Values;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every FWP_MATCH_* type (wfp-semantics §2.3), as a user sees it: a blocking filter with one condition, a packet,
 * and whether the packet is blocked. FWP_MATCH_EQUAL_CASE_INSENSITIVE applies only to FWP_UNICODE_STRING_TYPE, which
 * no kernel layer carries, so its row is in {@link ConditionCompilerTest} as a rejection.
 */
class MatchTypeTableTest {
    static final Layer V4 = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
    static final Layer V6 = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V6;
    static final Layer MAC = Layer.FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET;

    /** A condition and one incoming value; {@code cond}/{@code in} are text as policies and {@code jwfp explain} write them. */
    record Row(Layer layer, ConditionKey field, MatchType match, Object cond, Object in, boolean matches) {
        @Override
        public String toString() {
            return field.shortName() + " " + match.name().substring(10) + " " + cond + " vs " + in + " -> " + matches;
        }
    }

    static Row row(ConditionKey field, MatchType match, Object cond, Object in, boolean matches) {
        return new Row(V4, field, match, cond, in, matches);
    }

    static Row row(Layer layer, ConditionKey field, MatchType match, Object cond, Object in, boolean matches) {
        return new Row(layer, field, match, cond, in, matches);
    }

    static final FwpToken ALICE = new FwpToken(1000, new int[] {100}, "alice");
    static final FwpToken BOB = new FwpToken(1001, new int[] {101}, "bob");

    static List<Row> table() {
        return List.of(
                // EQUAL, per type
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, "80", "80", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, "80", "81", false),
                row(FWPM_CONDITION_IP_PROTOCOL, FWP_MATCH_EQUAL, "tcp", "6", true),
                row(FWPM_CONDITION_IP_LOCAL_INTERFACE, FWP_MATCH_EQUAL, "18446744073709551615", "18446744073709551615", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "192.0.2.1", "192.0.2.1", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "192.0.2.1", "192.0.2.2", false),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "10.0.0.0/8", "10.255.255.255", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "10.0.0.0/8", "11.0.0.0", false),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "10.1.0.0/255.255.0.0", "10.1.200.3", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "0.0.0.0/0", "203.0.113.9", true),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "2001:db8::1", "2001:db8::1", true),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "2001:db8::/32", "2001:db8:ffff::1", true),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "2001:db8::/32", "2001:db9::1", false),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "2001:db8::1:0/112", "2001:db8::1:ffff", true),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "2001:db8::1:0/112", "2001:db8::2:0", false),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, "1000-2000", "2000", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, "1000-2000", "2001", false),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, FwpValue.EMPTY, FwpValue.EMPTY, true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_EQUAL, FwpValue.EMPTY, "80", false),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, "/usr/bin/curl", "/usr/bin/curl", true),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, "/usr/bin/curl", "/usr/bin/curl2", false),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, "/usr/bin/curl", "/USR/BIN/CURL", false),
                row(FWPM_CONDITION_ALE_USER_ID, FWP_MATCH_EQUAL, "O:LSD:(A;;CC;;;S-1-22-1-1000)", new FwpValue.Token(ALICE), true),
                row(FWPM_CONDITION_ALE_USER_ID, FWP_MATCH_EQUAL, "O:LSD:(A;;CC;;;S-1-22-1-1000)", new FwpValue.Token(BOB), false),
                row(FWPM_CONDITION_ALE_USER_ID, FWP_MATCH_EQUAL, "O:LSD:(D;;CC;;;S-1-22-1-1000)(A;;CC;;;WD)", new FwpValue.Token(ALICE), false),
                row(FWPM_CONDITION_ALE_USER_ID, FWP_MATCH_EQUAL, "O:LSD:(D;;CC;;;S-1-22-1-1000)(A;;CC;;;WD)", new FwpValue.Token(BOB), true),
                row(FWPM_CONDITION_ALE_PACKAGE_ID, FWP_MATCH_EQUAL, "S-1-0-0", "S-1-0-0", true),
                row(FWPM_CONDITION_ALE_PACKAGE_ID, FWP_MATCH_EQUAL, "S-1-0-0", "S-1-15-2-1", false),
                row(MAC, FWPM_CONDITION_MAC_REMOTE_ADDRESS, FWP_MATCH_EQUAL, "02:00:00:00:00:01", "02:00:00:00:00:01", true),
                // orderings: integers, addresses, blobs (unsigned lexicographic)
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_GREATER, "1024", "1025", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_GREATER, "1024", "1024", false),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_LESS, "1024", "1023", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_LESS, "1024", "1024", false),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_GREATER_OR_EQUAL, "1024", "1024", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_GREATER_OR_EQUAL, "1024", "1023", false),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_LESS_OR_EQUAL, "1024", "1024", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_LESS_OR_EQUAL, "1024", "1025", false),
                row(FWPM_CONDITION_IP_LOCAL_INTERFACE, FWP_MATCH_GREATER, "1", "18446744073709551615", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_GREATER, "127.255.255.255", "128.0.0.0", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_LESS, "128.0.0.0", "255.0.0.0", false),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_GREATER, "7fff::", "8000::", true),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_GREATER, "/usr/bin/a", "/usr/bin/b", true),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_LESS, "/usr/bin/a", "/usr/bin/b", false),
                // RANGE: inclusive at both ends
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, "1000-2000", "1000", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, "1000-2000", "2000", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, "1000-2000", "999", false),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_RANGE, "10.0.0.5-10.0.0.9", "10.0.0.9", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_RANGE, "10.0.0.5-10.0.0.9", "10.0.0.10", false),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_RANGE, "2001:db8::5-2001:db8::9", "2001:db8::7", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_RANGE, "1000-2000", FwpValue.EMPTY, false),
                // flags (FWP_CONDITION_FLAG_IS_LOOPBACK 0x1 | IS_REAUTHORIZE 0x4)
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_ALL_SET, "0x5", "0x5", true),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_ALL_SET, "0x5", "0x7", true),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_ALL_SET, "0x5", "0x1", false),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_ANY_SET, "0x5", "0x4", true),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_ANY_SET, "0x5", "0x2", false),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_NONE_SET, "0x5", "0x2", true),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_NONE_SET, "0x5", "0x1", false),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_NONE_SET, "0x5", FwpValue.EMPTY, false),
                row(FWPM_CONDITION_FLAGS, FWP_MATCH_FLAGS_ALL_SET, "FWP_CONDITION_FLAG_IS_LOOPBACK", "0x1", true),
                // NOT_EQUAL, per type; never true for an unknown (FWP_EMPTY) value
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_NOT_EQUAL, "80", "81", true),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_NOT_EQUAL, "80", "80", false),
                row(FWPM_CONDITION_IP_REMOTE_PORT, FWP_MATCH_NOT_EQUAL, "80", FwpValue.EMPTY, false),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_NOT_EQUAL, "10.0.0.0/8", "11.0.0.1", true),
                row(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_NOT_EQUAL, "10.0.0.0/8", "10.0.0.1", false),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_NOT_EQUAL, "fe80::/10", "2001:db8::1", true),
                row(V6, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_NOT_EQUAL, "fe80::/10", "fe80::1", false),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_NOT_EQUAL, "/usr/bin/curl", "/usr/bin/wget", true),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_NOT_EQUAL, "/usr/bin/curl", "/usr/bin/curl", false),
                row(FWPM_CONDITION_ALE_USER_ID, FWP_MATCH_NOT_EQUAL, "O:LSD:(A;;CC;;;S-1-22-1-1000)", new FwpValue.Token(BOB), true),
                row(FWPM_CONDITION_ALE_PACKAGE_ID, FWP_MATCH_NOT_EQUAL, "S-1-0-0", "S-1-15-2-1", true),
                row(MAC, FWPM_CONDITION_MAC_REMOTE_ADDRESS, FWP_MATCH_NOT_EQUAL, "02:00:00:00:00:01", "02:00:00:00:00:02", true),
                row(MAC, FWPM_CONDITION_MAC_REMOTE_ADDRESS, FWP_MATCH_NOT_EQUAL, "02:00:00:00:00:01", "02:00:00:00:00:01", false),
                // PREFIX / NOT_PREFIX: documented as "ends with" for byte blobs (an app id ends with a file name)
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_PREFIX, "/chrome", "/opt/google/chrome/chrome", true),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_PREFIX, "/chrome", "/usr/bin/curl", false),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_PREFIX, "/opt", "/opt/google/chrome/chrome", false),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_NOT_PREFIX, "/chrome", "/usr/bin/curl", true),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_NOT_PREFIX, "/chrome", "/opt/google/chrome/chrome", false),
                row(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_NOT_PREFIX, "/chrome", FwpValue.EMPTY, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void a_packet_is_blocked_exactly_when_the_condition_matches(Row row) {
        TestPolicy p = new TestPolicy(row.layer());
        FwpValue cond = row.cond() instanceof FwpValue v ? v : Values.parseCondition((String) row.cond(), row.layer().field(row.field()));
        long block = p.filter(row.toString()).when(row.field(), row.match(), cond).block();
        TestPolicy.Packet packet = p.packet();
        if (row.in() instanceof FwpValue v) packet.with(row.field(), v);
        else packet.with(row.field(), (String) row.in());

        ClassifyResult r = packet.classify();

        assertThat(r.action()).isEqualTo(row.matches() ? ActionType.FWP_ACTION_BLOCK : ActionType.FWP_ACTION_PERMIT);
        assertThat(r.filterId()).isEqualTo(row.matches() ? block : 0);
    }

    @Test
    void the_table_covers_every_match_type_but_equal_case_insensitive() {
        Set<MatchType> covered = table().stream().map(Row::match).collect(Collectors.toCollection(() -> EnumSet.noneOf(MatchType.class)));

        assertThat(EnumSet.complementOf(EnumSet.copyOf(covered))).containsExactly(MatchType.FWP_MATCH_EQUAL_CASE_INSENSITIVE);
    }
}

package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every arbitration rule of wfp-semantics §1.3–§1.7 and every worked example of §1.10, through {@code jwfp explain
 * --json}: the policy is a file, the packet is {@code --field}s, and the assertions read the JSON a user reads.
 */
class ExplainArbitrationTest {
    @TempDir
    static Path dir;

    record Case(String name, String policy, String layer, List<String> fields, String action, String filter,
                Boolean hard, boolean veto, List<String> sublayerOrder) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String SUBLAYERS = """
            sublayers:
              - {name: SL-A, weight: 0x8000}
              - {name: SL-B, weight: 0x1000}
            """;

    static final String REFERENCE_CALLOUTS = """
            callouts:
              - {name: permit, layer: ALE_AUTH_CONNECT_V4, implementation: permit}
              - {name: block, layer: ALE_AUTH_CONNECT_V4, implementation: block}
              - {name: continue, layer: ALE_AUTH_CONNECT_V4, implementation: continue}
              - {name: block-soft, layer: ALE_AUTH_CONNECT_V4, implementation: block-soft}
              - {name: permit-hard, layer: ALE_AUTH_CONNECT_V4, implementation: permit-hard}
              - {name: veto, layer: ALE_AUTH_CONNECT_V4, implementation: veto}
              - {name: unregistered, layer: ALE_AUTH_CONNECT_V4}
            """;

    static Case c(String name, String filters, List<String> fields, String action, String filter, Boolean hard, boolean veto,
                  String... order) {
        return new Case(name, SUBLAYERS + REFERENCE_CALLOUTS + "filters:\n" + filters, "FWPM_LAYER_ALE_AUTH_CONNECT_V4",
                fields, action, filter, hard, veto, List.of(order));
    }

    static final List<String> PORT_25 = List.of("IP_REMOTE_PORT=25", "IP_PROTOCOL=tcp");
    static final List<String> PORT_80 = List.of("IP_REMOTE_PORT=80", "IP_PROTOCOL=tcp");
    static final List<String> PORT_443 = List.of("IP_REMOTE_PORT=443", "IP_PROTOCOL=tcp");
    static final List<String> PORT_3389 = List.of("IP_REMOTE_PORT=3389", "IP_PROTOCOL=tcp");
    static final String BLOCK = "FWP_ACTION_BLOCK", PERMIT = "FWP_ACTION_PERMIT";

    static Stream<Case> cases() {
        return Stream.of(
                // §1.7: no filter matches -> the layer default, PERMIT, filter id 0.
                c("1.7 layer default permits with filter id 0", """
                          - {name: other, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: BLOCK,
                             conditions: [{field: IP_REMOTE_PORT, value: 22}]}
                        """, PORT_80, PERMIT, null, false, false),
                // §1.3: all sublayers run, by weight; a soft permit is overridden by a later block.
                c("1.3 / example B: soft permit then block below -> BLOCK", """
                          - {name: permit-all, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: PERMIT}
                          - {name: block-25, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: BLOCK,
                             conditions: [{field: IP_REMOTE_PORT, value: 25}]}
                        """, PORT_25, BLOCK, "block-25", true, false, "SL-A", "SL-B"),
                c("example B: port 80 is only permitted by SL-A", """
                          - {name: permit-all, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: PERMIT}
                          - {name: block-25, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: BLOCK,
                             conditions: [{field: IP_REMOTE_PORT, value: 25}]}
                        """, PORT_80, PERMIT, "permit-all", false, false, "SL-A", "SL-B"),
                c("1.3: sublayers evaluated highest weight first, even when the lower is listed first", """
                          - {name: low, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: CALLOUT_INSPECTION, callout: continue}
                          - {name: high, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_INSPECTION, callout: continue}
                        """, PORT_80, PERMIT, null, false, false, "SL-A", "SL-B"),
                // §1.3: a static BLOCK is hard: a permit below cannot undo it.
                c("1.3: static block is hard, a hard permit below cannot change it", """
                          - {name: block-all, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: BLOCK}
                          - {name: permit-hard, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: CALLOUT_TERMINATING, callout: permit-hard}
                        """, PORT_80, BLOCK, "block-all", true, false, "SL-A", "SL-B"),
                // §1.10 C: hard permit (CLEAR_ACTION_RIGHT) beats a static block below.
                c("example C: hard permit, static block below is ignored", """
                          - {name: rdp-hard-permit, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: PERMIT,
                             flags: [FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT], conditions: [{field: IP_REMOTE_PORT, value: 3389}]}
                          - {name: block-all, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: BLOCK}
                        """, PORT_3389, PERMIT, "rdp-hard-permit", true, false, "SL-A", "SL-B"),
                // §1.4 / §1.10 D: only a callout can veto a hard permit.
                c("example D: a callout veto overrides a hard permit", """
                          - {name: rdp-hard-permit, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: PERMIT,
                             flags: [FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT], conditions: [{field: IP_REMOTE_PORT, value: 3389}]}
                          - {name: vetoer, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: CALLOUT_TERMINATING, callout: veto}
                        """, PORT_3389, BLOCK, "vetoer", true, true, "SL-A", "SL-B"),
                c("1.4: a well-behaved blocking callout without the write right does not veto", """
                          - {name: rdp-hard-permit, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: PERMIT,
                             flags: [FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT]}
                          - {name: polite-block, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: CALLOUT_TERMINATING, callout: block}
                        """, PORT_80, PERMIT, "rdp-hard-permit", true, false, "SL-A", "SL-B"),
                c("1.4: an inspection callout cannot veto (its BLOCK is coerced to CONTINUE)", """
                          - {name: hard-permit, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: PERMIT,
                             flags: [FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT]}
                          - {name: inspect-veto, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: CALLOUT_INSPECTION, callout: veto}
                        """, PORT_80, PERMIT, "hard-permit", true, false, "SL-A", "SL-B"),
                // §1.10 E: a soft block (write right kept) is reversed by a permit below; a hard one is not.
                c("example E: soft block reversed by a later permit", """
                          - {name: soft-block, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_TERMINATING, callout: block-soft}
                          - {name: permit-all, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: PERMIT}
                        """, PORT_80, PERMIT, "permit-all", false, false, "SL-A", "SL-B"),
                c("example E: a callout that clears the write right blocks for good", """
                          - {name: hard-block, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_TERMINATING, callout: block}
                          - {name: permit-all, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: PERMIT}
                        """, PORT_80, BLOCK, "hard-block", true, false, "SL-A", "SL-B"),
                c("1.3: FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT makes a soft callout block hard", """
                          - {name: soft-made-hard, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_TERMINATING,
                             callout: block-soft, flags: [FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT]}
                          - {name: permit-all, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: PERMIT}
                        """, PORT_80, BLOCK, "soft-made-hard", true, false, "SL-A", "SL-B"),
                // §1.10 F: within one sublayer, by weight; first PERMIT/BLOCK ends the sublayer.
                c("example F: inspection logs, then permit 443 wins over the block below it", """
                          - {name: F1-log, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 9},
                             action: CALLOUT_INSPECTION, callout: continue}
                          - {name: F2-443, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 5}, action: PERMIT,
                             conditions: [{field: IP_REMOTE_PORT, value: 443}]}
                          - {name: F3-block, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 1}, action: BLOCK}
                        """, PORT_443, PERMIT, "F2-443", false, false, "SL-A"),
                c("example F: port 80 falls through to the block", """
                          - {name: F1-log, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 9},
                             action: CALLOUT_INSPECTION, callout: continue}
                          - {name: F2-443, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 5}, action: PERMIT,
                             conditions: [{field: IP_REMOTE_PORT, value: 443}]}
                          - {name: F3-block, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 1}, action: BLOCK}
                        """, PORT_80, BLOCK, "F3-block", true, false, "SL-A"),
                // §1.5 coercion.
                // Coerced to BLOCK with the rights the callout returned: it kept the write right, so the block is soft.
                c("1.5: a TERMINATING callout returning CONTINUE is treated as BLOCK", """
                          - {name: term-continue, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_TERMINATING, callout: continue}
                        """, PORT_80, BLOCK, "term-continue", false, false, "SL-A"),
                c("1.5: an UNKNOWN callout may continue to the next filter", """
                          - {name: unknown-continue, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 9},
                             action: CALLOUT_UNKNOWN, callout: continue}
                          - {name: then-permit, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 1}, action: PERMIT}
                        """, PORT_80, PERMIT, "then-permit", false, false, "SL-A"),
                c("1.5: an UNKNOWN callout may decide", """
                          - {name: unknown-permit, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_UNKNOWN, callout: permit}
                        """, PORT_80, PERMIT, "unknown-permit", false, false, "SL-A"),
                // §1.6 / §1.10 G: unregistered callouts.
                c("example G: unregistered TERMINATING callout acts as BLOCK", """
                          - {name: x, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_TERMINATING, callout: unregistered}
                        """, PORT_80, BLOCK, "x", true, false, "SL-A"),
                c("example G: with FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED it acts as PERMIT", """
                          - {name: x, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_TERMINATING, callout: unregistered,
                             flags: [FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED]}
                          - {name: block-below, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-B, action: BLOCK}
                        """, PORT_80, BLOCK, "block-below", true, false, "SL-A", "SL-B"),
                c("example G: unregistered UNKNOWN callout with the flag permits", """
                          - {name: x, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: CALLOUT_UNKNOWN, callout: unregistered,
                             flags: [FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED]}
                        """, PORT_80, PERMIT, "x", false, false, "SL-A"),
                c("example G: an unregistered INSPECTION filter is skipped", """
                          - {name: x, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 9}, action: CALLOUT_INSPECTION,
                             callout: unregistered}
                          - {name: permit, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 1}, action: PERMIT}
                        """, PORT_80, PERMIT, "permit", false, false, "SL-A"),
                // §1.10 H: weight arithmetic.
                c("example H: an exact UINT64 weight >= 0x9000000000000000 outranks every UINT8 <= 8", """
                          - {name: band8, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 8}, action: BLOCK,
                             conditions: [{field: IP_REMOTE_PORT, value: 80}, {field: IP_PROTOCOL, value: tcp}]}
                          - {name: exact, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint64: 0x9000000000000000}, action: PERMIT}
                        """, PORT_80, PERMIT, "exact", false, false, "SL-A"),
                c("example H: UINT8 0 loses to UINT8 1 whatever the specificity", """
                          - {name: specific-band0, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 0}, action: BLOCK,
                             conditions: [{field: IP_REMOTE_PORT, value: 80}, {field: IP_PROTOCOL, value: tcp},
                                          {field: IP_REMOTE_ADDRESS, value: 10.200.0.2}]}
                          - {name: general-band1, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, weight: {uint8: 1}, action: PERMIT}
                        """, List.of("IP_REMOTE_PORT=80", "IP_PROTOCOL=tcp", "IP_REMOTE_ADDRESS=10.200.0.2"),
                        PERMIT, "general-band1", false, false, "SL-A"),
                // §1.11: disabled filters are not enforced.
                c("1.11: FWPM_FILTER_FLAG_DISABLED filters are not enforced", """
                          - {name: off, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: BLOCK, flags: [FWPM_FILTER_FLAG_DISABLED]}
                        """, PORT_80, PERMIT, null, false, false),
                // §2.4: same field ORs, different fields AND.
                c("2.4: conditions on the same field OR", """
                          - {name: web, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: BLOCK,
                             conditions: [{field: IP_REMOTE_PORT, value: 80}, {field: IP_REMOTE_PORT, value: 443},
                                          {field: IP_PROTOCOL, value: tcp}]}
                        """, PORT_443, BLOCK, "web", true, false, "SL-A"),
                c("2.4: conditions on different fields AND", """
                          - {name: web-udp, layer: ALE_AUTH_CONNECT_V4, sublayer: SL-A, action: BLOCK,
                             conditions: [{field: IP_REMOTE_PORT, value: 443}, {field: IP_PROTOCOL, value: udp}]}
                        """, PORT_443, PERMIT, null, false, false, "SL-A"),
                // §1.10 A (first half): IDS callout in its own sublayer sees all traffic, permit wins.
                new Case("example A: inbound transport, IDS callout continues, permit", """
                        sublayers:
                          - {name: SL-1, weight: 0x8000}
                          - {name: SL-2, weight: 0x4000}
                        callouts:
                          - {name: ids, layer: INBOUND_TRANSPORT_V4, implementation: continue}
                        filters:
                          - {name: sl1-permit, layer: INBOUND_TRANSPORT_V4, sublayer: SL-1, action: PERMIT}
                          - {name: ids-callout, layer: INBOUND_TRANSPORT_V4, sublayer: SL-2, weight: {uint8: 15},
                             action: CALLOUT_INSPECTION, callout: ids}
                          - {name: sl2-permit, layer: INBOUND_TRANSPORT_V4, sublayer: SL-2, weight: {uint8: 0}, action: PERMIT}
                        """, "INBOUND_TRANSPORT_V4", PORT_80, PERMIT, "sl2-permit", false, false, List.of("SL-1", "SL-2")),
                // §1.10 A (second half): FW1 permits IIS, FW2 blocks port 80, the log callout still sees it.
                new Case("example A: receive/accept, FW1 permits IIS, FW2 blocks port 80, logger still runs", """
                        sublayers:
                          - {name: FW1, weight: 0xC000}
                          - {name: FW2, weight: 0x8001}
                          - {name: log, weight: 0x0001}
                        callouts:
                          - {name: log, layer: ALE_AUTH_RECV_ACCEPT_V4, implementation: continue}
                        filters:
                          - {name: iis-permit, layer: ALE_AUTH_RECV_ACCEPT_V4, sublayer: FW1, action: PERMIT,
                             conditions: [{field: ALE_APP_ID, value: /usr/sbin/iis}]}
                          - {name: port80-block, layer: ALE_AUTH_RECV_ACCEPT_V4, sublayer: FW2, action: BLOCK,
                             conditions: [{field: IP_LOCAL_PORT, value: 80}]}
                          - {name: log-all, layer: ALE_AUTH_RECV_ACCEPT_V4, sublayer: log, action: CALLOUT_INSPECTION, callout: log}
                        """, "ALE_AUTH_RECV_ACCEPT_V4", List.of("ALE_APP_ID=/usr/sbin/iis", "IP_LOCAL_PORT=80"),
                        BLOCK, "port80-block", true, false, List.of("FW1", "FW2", "log")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void explainShowsTheArbitration(Case c) throws Exception {
        Path policy = Files.writeString(dir.resolve(c.name().replaceAll("[^A-Za-z0-9]+", "_") + ".yaml"), c.policy());
        List<String> args = new ArrayList<>(List.of("explain", "--policy", policy.toString(), "--layer", c.layer(), "--json"));
        for (String f : c.fields()) args.addAll(List.of("--field", f));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Jwfp.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as("exit code; stderr: %s", err).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("action").asText()).isEqualTo(c.action());
        if (c.filter() == null) {
            assertThat(j.get("filterId").asLong()).isZero();
            assertThat(j.get("filterName").isNull()).isTrue();
        } else {
            assertThat(j.get("filterName").asText()).isEqualTo(c.filter());
            assertThat(j.get("filterId").asLong()).isPositive();
        }
        if (c.hard() != null) assertThat(j.get("hard").asBoolean()).as("hard").isEqualTo(c.hard());
        assertThat(j.get("veto").asBoolean()).as("veto").isEqualTo(c.veto());
        if (!c.sublayerOrder().isEmpty()) {
            List<String> order = new ArrayList<>();
            for (JsonNode s : j.get("sublayers")) order.add(s.get("name").asText());
            assertThat(order).containsExactlyElementsOf(c.sublayerOrder());
        }
    }
}

package io.jwfp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PolicyWriter}: what it writes reads back into the same policy, including awkward names and values. */
class PolicyWriterTest {
    static final String YAML = """
            providers:
              - {name: "yes", description: "it's \\"quoted\\""}
            sublayers:
              - {name: "a: b # not a comment", weight: 0x9000, provider: "yes"}
            callouts:
              - {name: "null", layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4}
            filters:
              - name: "tab\\there, line\\u2028separator"
                layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                sublayer: "a: b # not a comment"
                weight: {uint8: 3}
                conditions:
                  - {field: FWPM_CONDITION_ALE_APP_ID, value: '\\device\\harddiskvolume3\\程序\\x.exe'}
                  - {field: FWPM_CONDITION_IP_REMOTE_ADDRESS, value: 10.0.0.0/8}
                  - {field: FWPM_CONDITION_IP_REMOTE_PORT, match: FWP_MATCH_RANGE, value: 1000-2000}
                action: CALLOUT_TERMINATING
                callout: "null"
                flags: [CLEAR_ACTION_RIGHT]
                rawContext: 42
              - {name: plain, layer: FWPM_LAYER_INBOUND_IPPACKET_V6, action: BLOCK, weight: {uint64: 0xffffffffffffffff},
                 conditions: [{field: FWPM_CONDITION_IP_LOCAL_ADDRESS, value: "fe80::1/64"}]}
            """;

    @Test
    void writtenPolicyReadsBackTheSame() {
        Policy p = PolicyParser.parse("p.yaml", YAML);
        String text = PolicyWriter.write(p, List.of("header line"), f -> List.of("from " + f.name()));
        Policy back = PolicyParser.parse("back.yaml", text);
        assertThat(text).startsWith("# header line\n").contains("  # from plain\n");
        assertThat(back.providers()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("where").isEqualTo(p.providers());
        assertThat(back.sublayers()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("where").isEqualTo(p.sublayers());
        assertThat(back.callouts()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("where", "implementationWhere")
                .isEqualTo(p.callouts());
        assertThat(back.filters()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("where").isEqualTo(p.filters());
    }
}

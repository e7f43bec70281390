package io.jwfp.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmFilterEnumTemplate;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {
    /** The contract's example, verbatim. */
    static final String CONTRACT = """
            providers:
              - name: acme
            sublayers:
              - name: acme-firewall        # key: optional GUID; derived from the name when absent
                weight: 0x8000             # UINT16
                provider: acme             # optional
            callouts:
              - name: my-callout
                layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                implementation: block      # a registered classifyFn by id; absent: the callout exists but is not registered
                config: {}                 # handed to the implementation
            filters:
              - name: block-b
                layer: FWPM_LAYER_OUTBOUND_IPPACKET_V4   # the FWPM_LAYER_ prefix may be left out
                sublayer: acme-firewall                  # left out: FWPM_SUBLAYER_UNIVERSAL
                weight: auto                             # auto (FWP_EMPTY, the default) | {uint8: 0..15} | {uint64: N}
                conditions:
                  - {field: FWPM_CONDITION_IP_REMOTE_ADDRESS, match: FWP_MATCH_EQUAL, value: 10.200.0.2/32}
                action: FWP_ACTION_BLOCK   # PERMIT | BLOCK | CALLOUT_TERMINATING | CALLOUT_INSPECTION | CALLOUT_UNKNOWN (prefix optional)
                flags: [FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT]
              - name: call-it
                layer: ALE_AUTH_CONNECT_V4
                conditions:
                  - {field: FWPM_CONDITION_IP_REMOTE_PORT, match: FWP_MATCH_RANGE, value: 1000-2000}
                  - {field: IP_PROTOCOL, value: tcp}
                action: CALLOUT_TERMINATING
                callout: my-callout
            """;

    @Test
    void theContractExampleParsesAndApplies() {
        Policy p = PolicyParser.parse("contract.yaml", CONTRACT);
        assertThat(p.providers()).singleElement().satisfies(pr -> assertThat(pr.name()).isEqualTo("acme"));
        assertThat(p.sublayers()).singleElement().satisfies(s -> {
            assertThat(s.weight()).isEqualTo(0x8000);
            assertThat(s.providerKey()).isEqualTo(PolicyParser.derivedKey("provider", "acme"));
            assertThat(s.key()).isEqualTo(PolicyParser.derivedKey("sublayer", "acme-firewall"));
        });
        Policy.Filter f = p.filters().getFirst();
        assertThat(f.layer()).isEqualTo(Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4);
        assertThat(f.weight()).isEqualTo(FwpValue.EMPTY);
        assertThat(f.flags()).isEqualTo(FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT);
        assertThat(f.conditions().getFirst().conditionValue()).isEqualTo(new FwpValue.V4AddrMask(0x0AC80002, -1));
        Policy.Filter g = p.filters().get(1);
        assertThat(g.conditions().getFirst().matchType()).isEqualTo(MatchType.FWP_MATCH_RANGE);
        assertThat(g.conditions().get(1).conditionValue()).isEqualTo(FwpValue.uint8(6));

        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory(); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            PolicyApplier.Result r = PolicyApplier.apply(p, e, PolicyApplier.Mode.ADD);
            assertThat(r.filterIds()).containsOnlyKeys("block-b", "call-it");
            assertThat(bfe.filterEngine().callouts().isRegistered(PolicyParser.derivedKey("callout", "my-callout"))).isTrue();
            List<FwpmFilter> fs = e.filterEnum(FwpmFilterEnumTemplate.ALL);
            assertThat(fs).extracting(FwpmFilter::name).containsExactly("block-b", "call-it");
            assertThat(fs.get(1).action().type()).isEqualTo(ActionType.FWP_ACTION_CALLOUT_TERMINATING);
            // Applying again fails as FwpmFilterAdd would; REPLACE converges.
            assertThatThrownBy(() -> PolicyApplier.apply(p, e, PolicyApplier.Mode.ADD))
                    .isInstanceOf(PolicyException.class).hasMessageContaining("FWP_E_ALREADY_EXISTS");
            assertThat(e.filterEnum(FwpmFilterEnumTemplate.ALL)).hasSize(2); // nothing half-applied
            PolicyApplier.apply(p, e, PolicyApplier.Mode.REPLACE);
            assertThat(e.filterEnum(FwpmFilterEnumTemplate.ALL)).hasSize(2);
        }
    }

    @Test
    void removeDeletesEveryObjectOfThePolicyAndUnregistersItsCallouts() {
        Policy p = PolicyParser.parse("contract.yaml", CONTRACT);
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory(); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            PolicyApplier.apply(p, e, PolicyApplier.Mode.ADD);
            assertThat(PolicyApplier.remove(p, e)).containsExactly(PolicyParser.derivedKey("callout", "my-callout"));
            assertThat(e.filterEnum(FwpmFilterEnumTemplate.ALL)).isEmpty();
            assertThat(bfe.filterEngine().callouts().isRegistered(PolicyParser.derivedKey("callout", "my-callout"))).isFalse();
            // Everything is gone, so it applies again with ADD; removing twice is harmless.
            PolicyApplier.apply(p, e, PolicyApplier.Mode.ADD);
            PolicyApplier.remove(p, e);
            assertThat(PolicyApplier.remove(p, e)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, weight: 7}          | 2 | filters[0].weight: '7' is not a weight: write auto (FWP_EMPTY), {uint8: 0..15}
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, wieght: auto}      | 2 | filters[0].wieght: unknown key
            filters:\\n  - {name: a, layer: NOT_A_LAYER, action: BLOCK}                              | 2 | filters[0].layer: unknown layer 'NOT_A_LAYER'
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: MAYBE}                      | 2 | filters[0].action: 'MAYBE' is not a filter action
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: CONTINUE}                   | 2 | filters[0].action: 'CONTINUE' is not a filter action
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: CALLOUT_TERMINATING}        | 2 | filters[0].callout: missing
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: CALLOUT_TERMINATING, callout: nope} | 2 | filters[0].callout: no callout named 'nope'
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, flags: [FWPM_FILTER_FLAG_LOUD]} | 2 | filters[0].flags[0]: unknown filter flag
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, weight: {uint8: 16}}  | 2 | filters[0].weight.uint8: 16 is out of range
            filters:\\n  - {name: a, layer: OUTBOUND_IPPACKET_V4, action: BLOCK, conditions: [{field: IP_REMOTE_PORT, value: 80}]} | 2 | filters[0].conditions[0].field: FWPM_CONDITION_IP_REMOTE_PORT is not a field of FWPM_LAYER_OUTBOUND_IPPACKET_V4
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, conditions: [{field: IP_REMOTE_ADDRESS, value: 10.0.0.300}]} | 2 | filters[0].conditions[0].value: FWPM_CONDITION_IP_REMOTE_ADDRESS: '10.0.0.300' is not an IPv4 address
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, conditions: [{field: IP_REMOTE_ADDRESS, value: 10.0.0.0/33}]} | 2 | bad prefix length
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, conditions: [{field: IP_REMOTE_PORT, value: 2000-1000}]} | 2 | FWP_E_INVALID_RANGE
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, conditions: [{field: IP_REMOTE_PORT, match: FWP_MATCH_EQUAL_CASE_INSENSITIVE, value: 80}]} | 2 | filters[0].conditions[0]: FWP_E_MATCH_TYPE_MISMATCH
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK, conditions: [{field: IP_REMOTE_PORT, match: SOMETIMES, value: 80}]} | 2 | unknown match type 'SOMETIMES'
            filters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK}\\n  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK} | 3 | filters[1].name: a filter named 'a' is defined twice
            sublayers:\\n  - {name: s, weight: 70000} | 2 | sublayers[0].weight: 70000 is not a UINT16
            sublayers:\\n  - {name: s} | 2 | sublayers[0].weight: missing
            callouts:\\n  - {name: c, layer: ALE_AUTH_CONNECT_V4}\\nfilters:\\n  - {name: a, layer: ALE_AUTH_CONNECT_V6, action: CALLOUT_TERMINATING, callout: c} | 4 | filters[0].callout: callout applies to FWPM_LAYER_ALE_AUTH_CONNECT_V4
            filters: [ {name: a, layer: [ }  | 1 | yaml
            fliters: []                      | 1 | fliters: unknown key
            """)
    void errorsNameFileLineAndKey(String text, int line, String expected) {
        assertThatThrownBy(() -> PolicyParser.parse("p.yaml", text.replace("\\n", "\n")))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("p.yaml:" + line + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void applyErrorsNameTheObjectsLine() {
        Policy p = PolicyParser.parse("p.yaml", """
                sublayers:
                  - {name: s, weight: 1}
                filters:
                  - {name: a, layer: ALE_AUTH_CONNECT_V4, action: BLOCK}
                  - {name: b, layer: ALE_AUTH_CONNECT_V4, sublayer: s, action: BLOCK, flags: [FWPM_FILTER_FLAG_PERSISTENT]}
                """);
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory(); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            assertThatThrownBy(() -> PolicyApplier.apply(p, e, PolicyApplier.Mode.ADD))
                    .isInstanceOf(PolicyException.class)
                    .hasMessageStartingWith("p.yaml:5: filters[1]: FWP_E_LIFETIME_MISMATCH");
            assertThat(e.filterEnum(FwpmFilterEnumTemplate.ALL)).isEmpty(); // one transaction: nothing applied
        }
    }

    @Test
    void unknownImplementationsAndBadConfigAreReported() {
        Policy p = PolicyParser.parse("p.yaml", "callouts:\n  - {name: c, layer: ALE_AUTH_CONNECT_V4, implementation: magic}\n");
        Policy q = PolicyParser.parse("q.yaml", "callouts:\n  - {name: c, layer: ALE_AUTH_CONNECT_V4, implementation: block, config: {x: 1}}\n");
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory(); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            assertThatThrownBy(() -> PolicyApplier.apply(p, e, PolicyApplier.Mode.ADD))
                    .hasMessageStartingWith("p.yaml:2: callouts[0].implementation: no callout implementation 'magic'")
                    .hasMessageContaining("block");
            assertThatThrownBy(() -> PolicyApplier.apply(q, e, PolicyApplier.Mode.ADD))
                    .hasMessageStartingWith("q.yaml:2: callouts[0].config: callout 'block' takes no config");
        }
    }

    @Test
    void implementationsLearnTheirCalloutsApplicableLayer() {
        java.util.List<Layer> seen = new java.util.ArrayList<>();
        io.jwfp.engine.callout.CalloutProvider layered = new io.jwfp.engine.callout.CalloutProvider() {
            @Override
            public String id() {
                return "layered";
            }

            @Override
            public String description() {
                return "records its layer";
            }

            @Override
            public io.jwfp.engine.callout.FwpsCallout create(java.util.UUID key, java.util.Map<String, Object> config) {
                throw new AssertionError("the layer-aware create is called");
            }

            @Override
            public io.jwfp.engine.callout.FwpsCallout create(java.util.UUID key, Layer layer,
                                                             java.util.Map<String, Object> config,
                                                             io.jwfp.engine.kernel.FwpsKernel kernel) {
                if (layer == Layer.FWPM_LAYER_ALE_AUTH_LISTEN_V4) throw new IllegalArgumentException("not at " + layer.name());
                seen.add(layer);
                return new io.jwfp.engine.callout.FwpsCallout(key, (in, m, d, ctx, f, flow, out) -> { });
            }
        };
        Policy p = PolicyParser.parse("p.yaml", """
                callouts:
                  - {name: c4, layer: ALE_AUTH_CONNECT_V4, implementation: layered}
                  - {name: c6, layer: DATAGRAM_DATA_V6, implementation: layered}
                """);
        Policy bad = PolicyParser.parse("bad.yaml", "callouts:\n  - {name: c, layer: ALE_AUTH_LISTEN_V4, implementation: layered}\n");
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory(); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            PolicyApplier.apply(p, e, PolicyApplier.Mode.ADD, java.util.Map.of("layered", layered));
            assertThat(seen).containsExactly(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4, Layer.FWPM_LAYER_DATAGRAM_DATA_V6);
            assertThatThrownBy(() -> PolicyApplier.apply(bad, e, PolicyApplier.Mode.ADD, java.util.Map.of("layered", layered)))
                    .hasMessageStartingWith("bad.yaml:2: callouts[0].config: not at FWPM_LAYER_ALE_AUTH_LISTEN_V4");
        }
    }

    @Test
    void valuesAcceptTheDocumentedForms() {
        Policy p = PolicyParser.parse("v.yaml", """
                filters:
                  - name: v
                    layer: ALE_AUTH_CONNECT_V6
                    action: PERMIT
                    conditions:
                      - {field: IP_REMOTE_ADDRESS, value: "fd00:200::/64"}
                      - {field: IP_PROTOCOL, value: icmpv6}
                      - {field: FLAGS, match: FWP_MATCH_FLAGS_ANY_SET, value: "FWP_CONDITION_FLAG_IS_LOOPBACK|FWP_CONDITION_FLAG_IS_REAUTHORIZE"}
                      - {field: ALE_APP_ID, value: /usr/bin/curl}
                      - {field: ALE_USER_ID, value: "uid:0,gid:100"}
                  - name: d
                    layer: ALE_FLOW_ESTABLISHED_V4
                    action: BLOCK
                    conditions:
                      - {field: DIRECTION, value: FWP_DIRECTION_INBOUND}
                """);
        var cs = p.filters().getFirst().conditions();
        assertThat(cs.get(0).conditionValue()).isInstanceOf(FwpValue.V6AddrMask.class);
        assertThat(cs.get(1).conditionValue()).isEqualTo(FwpValue.uint8(58));
        assertThat(cs.get(2).conditionValue()).isEqualTo(FwpValue.uint32(5));
        assertThat(cs.get(3).conditionValue().toString()).isEqualTo("/usr/bin/curl");
        assertThat(cs.get(4).conditionValue()).isInstanceOf(FwpValue.Sd.class);
        assertThat(cs.get(4).fieldKey()).isEqualTo(Conditions.FWPM_CONDITION_ALE_USER_ID);
        assertThat(p.filters().get(1).conditions().getFirst().conditionValue()).isEqualTo(FwpValue.uint32(1));
    }
}

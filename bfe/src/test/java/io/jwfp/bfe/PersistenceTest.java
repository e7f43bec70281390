package io.jwfp.bfe;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmDisplayData;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.Values;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistent objects survive a restart of the engine; static and dynamic ones do not. */
class PersistenceTest {
    @TempDir
    Path dir;

    @Test
    void persistentObjectsAreRestoredWhenTheEngineOpens() throws Exception {
        UUID provider = UUID.randomUUID(), sub = UUID.randomUUID(), callout = UUID.randomUUID();
        FwpmFilter saved;
        long staticId;
        try (BaseFilteringEngine bfe = BaseFilteringEngine.open(dir); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            e.providerAdd(new FwpmProvider(provider, FwpmDisplayData.of("acme"), FwpmProvider.FWPM_PROVIDER_FLAG_PERSISTENT, null, null));
            e.subLayerAdd(new FwpmSubLayer(sub, FwpmDisplayData.of("acme"), FwpmSubLayer.FWPM_SUBLAYER_FLAG_PERSISTENT, provider, null, 0x7000));
            e.calloutAdd(new FwpmCallout(callout, FwpmDisplayData.of("c"), FwpmCallout.FWPM_CALLOUT_FLAG_PERSISTENT, provider, null,
                    FWPM_LAYER_ALE_AUTH_CONNECT_V4, 0));
            var addr = FWPM_LAYER_ALE_AUTH_CONNECT_V4.field(FWPM_CONDITION_IP_REMOTE_ADDRESS);
            saved = e.filterAddAndGet(FwpmFilter.builder().name("persistent").layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                    .subLayer(sub).providerKey(provider).flags(FilterFlags.FWPM_FILTER_FLAG_PERSISTENT).weightRange(3)
                    .condition(FwpmFilterCondition.equal(FWPM_CONDITION_IP_REMOTE_ADDRESS, Values.parseCondition("10.200.0.0/24", addr)))
                    .condition(new FwpmFilterCondition(FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_RANGE,
                            new FwpValue.Range(FwpValue.uint16(1000), FwpValue.uint16(2000))))
                    .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, callout).rawContext(42).build());
            staticId = e.filterAdd(FwpmFilter.builder().name("static").layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                    .action(ActionType.FWP_ACTION_BLOCK).build());
        }
        assertThat(dir.resolve("persistent.json")).exists();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("persistent.json");
        }

        try (BaseFilteringEngine bfe = BaseFilteringEngine.open(dir); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            List<FwpmFilter> all = e.filterEnum(FwpmFilterEnumTemplate.ALL);
            assertThat(all).containsExactly(saved);
            assertThat(all.getFirst().filterId()).isNotEqualTo(staticId);
            assertThat(e.subLayerGetByKey(sub).weight()).isEqualTo(0x7000);
            assertThat(e.providerGetByKey(provider).name()).isEqualTo("acme");
            assertThat(e.calloutGetByKey(callout).applicableLayer()).isEqualTo(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
            assertThat(bfe.filterEngine().state().filterCount()).isEqualTo(1);
            // New filters get new ids after restored ones.
            long next = e.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4).action(ActionType.FWP_ACTION_BLOCK).build());
            assertThat(next).isGreaterThan(saved.filterId());
            // Deleting a persistent object updates the file.
            e.filterDeleteByKey(saved.filterKey());
        }
        try (BaseFilteringEngine bfe = BaseFilteringEngine.open(dir); FwpmEngine e = bfe.openSession(FwpmSession.named("t"))) {
            assertThat(e.filterEnum(FwpmFilterEnumTemplate.ALL)).isEmpty();
            assertThat(e.subLayerGetByKey(sub)).isNotNull();
        }
    }

    @Test
    void aCorruptStateFileIsReportedNotIgnored() throws Exception {
        Files.writeString(dir.resolve("persistent.json"), "{ not json");
        assertThatThrownBy(() -> BaseFilteringEngine.open(dir)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("persistent.json").hasMessageContaining("not valid JSON");
    }
}

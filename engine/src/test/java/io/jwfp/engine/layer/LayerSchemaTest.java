package io.jwfp.engine.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.netsh.NetshDump.LayerEntry;
import io.jwfp.engine.netsh.TestDumps;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated {@link Layer} catalog against the real {@code netsh wfp show state} dump it was generated from. */
class LayerSchemaTest {

    static Map<String, LayerEntry> dump;

    @BeforeAll
    static void load() {
        dump = TestDumps.layers();
    }

    @Test
    void dumpHasAllNinetyNineLayers() {
        assertThat(dump).hasSize(99);
    }

    @Test
    void everyLayerMatchesTheDumpExactly() {
        for (Layer layer : Layer.values()) {
            LayerEntry s = dump.get(layer.name());
            assertThat(s).as("%s is in the dump", layer).isNotNull();
            assertThat(layer.layerId()).as("%s layer id", layer).isEqualTo(s.layerId());
            assertThat(layer.fields().stream().map(f -> f.condition().name()).toList())
                    .as("%s field order", layer).containsExactlyElementsOf(s.fieldNames());
            assertThat(layer.fields().stream().map(f -> f.dataType().name()).toList())
                    .as("%s field data types", layer).containsExactlyElementsOf(s.dataTypes());
            assertThat(layer.fields().stream().map(f -> f.fieldType().name()).toList())
                    .as("%s field types", layer).containsExactlyElementsOf(s.fieldTypes());
            for (LayerField f : layer.fields()) {
                assertThat(layer.fieldIndex(f.condition())).as("%s index of %s", layer, f.condition()).isEqualTo(f.index());
            }
        }
    }

    @Test
    void inScopeLayersAreIds0To57And62To71() {
        Set<Integer> expected = IntStream.concat(IntStream.rangeClosed(0, 57), IntStream.rangeClosed(62, 71))
                .boxed().collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> modelled = Arrays.stream(Layer.values()).map(Layer::layerId)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(modelled).isEqualTo(expected);
        assertThat(Layer.values()).hasSize(expected.size());
        // Every dump layer with one of these ids is modelled, under its own name; the rest are left out on purpose.
        for (LayerEntry s : dump.values()) {
            Layer l = Layer.byName(s.layerKey());
            if (expected.contains(s.layerId())) {
                assertThat(l).as("dump layer %s (id %d) is modelled", s.layerKey(), s.layerId()).isNotNull();
                assertThat(Layer.byId(s.layerId())).isSameAs(l);
            } else {
                assertThat(l).as("dump layer %s (id %d) is out of scope", s.layerKey(), s.layerId()).isNull();
            }
        }
        // Left out on purpose: MAC_FRAME_NATIVE (58/59) and NAME_RESOLUTION_CACHE (60/61).
        assertThat(dump.values().stream().filter(s -> s.layerId() >= 58 && s.layerId() <= 61).map(LayerEntry::layerKey))
                .containsExactlyInAnyOrder("FWPM_LAYER_INBOUND_MAC_FRAME_NATIVE", "FWPM_LAYER_OUTBOUND_MAC_FRAME_NATIVE",
                        "FWPM_LAYER_NAME_RESOLUTION_CACHE_V4", "FWPM_LAYER_NAME_RESOLUTION_CACHE_V6");
    }
}

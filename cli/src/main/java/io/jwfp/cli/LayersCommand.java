package io.jwfp.cli;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jwfp layers [LAYER]}: the layers, or one layer's fields (FWPS field index order). */
@Command(name = "layers", footer = {"", "Examples:", "  jwfp layers", "  jwfp layers ALE_AUTH_CONNECT_V4"}, description = "List the filtering layers, or the fields of one layer.")
final class LayersCommand implements Runnable {
    @Parameters(arity = "0..1", paramLabel = "LAYER", description = "A layer, e.g. ALE_AUTH_CONNECT_V4.")
    String layer;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        var out = spec.commandLine().getOut();
        if (layer == null) {
            for (Layer l : Layer.values()) out.printf("%3d  %-50s %s%n", l.layerId(), l.name(), l.layerKey());
            return;
        }
        Layer l = Layer.byName(layer);
        if (l == null) throw new Jwfp.UserException("unknown layer '" + layer + "' (run `jwfp layers` for the list)");
        out.printf("%s (run-time id %d, %s)%n", l.name(), l.layerId(), l.displayName());
        for (LayerField f : l.fields()) {
            out.printf("%3d  %-45s %s%n", f.index(), f.condition().name(), f.dataType().name());
        }
    }
}

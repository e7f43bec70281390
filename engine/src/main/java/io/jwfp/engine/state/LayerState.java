package io.jwfp.engine.state;

import io.jwfp.engine.layer.Layer;

/** One layer's sublayers (those holding filters here), in evaluation order: weight descending, then key. */
public final class LayerState {
    final Layer layer;
    final SublayerState[] sublayers;
    final int filterCount;

    LayerState(Layer layer, SublayerState[] sublayers) {
        this.layer = layer;
        this.sublayers = sublayers;
        int n = 0;
        for (SublayerState s : sublayers) n += s.filters.length;
        this.filterCount = n;
    }

    public Layer layer() {
        return layer;
    }

    public int sublayerCount() {
        return sublayers.length;
    }

    public SublayerState sublayer(int i) {
        return sublayers[i];
    }

    public int filterCount() {
        return filterCount;
    }
}

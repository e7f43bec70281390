package io.jwfp.scenarios.nat;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.callout.ClassifyFn;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.shim.sim.SimHost;
import java.util.List;
import java.util.UUID;

/** A scenario's own callout on a host (the four steps): registration, callout object, sublayer, one filter. */
public final class TestCallouts {
    private TestCallouts() {}

    /** Adds a terminating callout at {@code layer} in a sublayer of {@code weight}; returns the filter id. */
    public static long add(SimHost h, String name, Layer layer, int weight, ClassifyFn fn, FwpmFilterCondition... conditions) {
        UUID key = UUID.nameUUIDFromBytes(("scenario callout " + name).getBytes());
        UUID sublayer = UUID.nameUUIDFromBytes(("scenario sublayer " + name).getBytes());
        h.engine().calloutRegister(new FwpsCallout(key, fn));
        try (FwpmEngine e = h.bfe().openSession(FwpmSession.named("scenario"))) {
            e.subLayerAdd(new FwpmSubLayer(sublayer, name, weight));
            e.calloutAdd(new FwpmCallout(key, name, layer));
            return e.filterAdd(FwpmFilter.builder().name(name).layer(layer).subLayer(sublayer)
                    .conditions(List.of(conditions)).calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, key).build());
        }
    }
}

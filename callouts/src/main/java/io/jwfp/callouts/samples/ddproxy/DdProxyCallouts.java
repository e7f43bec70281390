package io.jwfp.callouts.samples.ddproxy;

import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.callouts.samples.nat.LayeredCalloutProvider;
import io.jwfp.callouts.samples.nat.SharedDrivers;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.Layer;
import java.util.Map;
import java.util.UUID;

/**
 * Implementation {@code ddproxy}: Microsoft's Datagram-Data transparent proxy sample. Give it to the callouts at
 * FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4/V6 and FWPM_LAYER_DATAGRAM_DATA_V4/V6 with the same {@code config:}; callouts of
 * one configuration on one engine form one {@link DdProxy}. The datagram-data callouts are registered
 * FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW with a flowDeleteFn. Stateless; thread-safe.
 */
public final class DdProxyCallouts extends LayeredCalloutProvider {
    public static final String ID = "ddproxy";

    public DdProxyCallouts() {
        super(ID, "Datagram-Data transparent proxy: UDP or ICMP echo to an intercepted destination goes to a new one, "
                + "replies rewritten back (ALE_FLOW_ESTABLISHED + DATAGRAM_DATA)",
                "FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4/V6 and FWPM_LAYER_DATAGRAM_DATA_V4/V6");
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Layer layer, Map<String, Object> config, FwpsKernel kernel) {
        DdProxyConfig c = DdProxyConfig.parse(config);
        Layer base = v4(layer);
        if (base != FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4 && base != FWPM_LAYER_DATAGRAM_DATA_V4) throw wrongLayer(layer);
        DdProxy proxy = SharedDrivers.get(kernel, c, () -> new DdProxy(c));
        if (base == FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4) {
            return new FwpsCallout(calloutKey, 0, (in, meta, data, ctx, filter, flow, out) ->
                    proxy.classifyFlow(in, meta, ctx, filter, out), null, null, proxy::control);
        }
        proxy.setDatagramDataCallout(layer.ipVersion(), calloutKey);
        return new FwpsCallout(calloutKey, FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW,
                (in, meta, data, ctx, filter, flow, out) -> proxy.classifyData(in, meta, data, ctx, flow, out),
                null, proxy::flowDeleted, proxy::control);
    }
}

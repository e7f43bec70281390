package io.jwfp.callouts.samples.redirect;

import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.callouts.samples.nat.Injector;
import io.jwfp.callouts.samples.nat.LayeredCalloutProvider;
import io.jwfp.callouts.samples.nat.SharedDrivers;
import io.jwfp.engine.callout.ClassifyFn;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.Layer;
import java.util.Map;
import java.util.UUID;

/**
 * Implementation {@code traffic-redirection}: BOT-Man-JL's WFP traffic redirection driver. Give it to the callouts at
 * FWPM_LAYER_OUTBOUND_IPPACKET_V4, FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET,
 * FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET and (diagnostic) a discard layer, with the same {@code config:}; callouts of
 * one configuration on one engine share one {@link TrafficRedirector} (counters and the discard log). Stateless;
 * thread-safe.
 */
public final class RedirectCallouts extends LayeredCalloutProvider {
    public static final String ID = "traffic-redirection";

    public RedirectCallouts() {
        super(ID, "BOT-Man-JL's redirection: RemoteReal:port talks to RemoteFake:port2 (IP packet and MAC frame layers, IPv4)",
                "FWPM_LAYER_OUTBOUND_IPPACKET_V4, FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET, "
                        + "FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET and discard layers (diagnostic)");
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Layer layer, Map<String, Object> config, FwpsKernel kernel) {
        RedirectConfig c = RedirectConfig.parse(config);
        TrafficRedirector r = SharedDrivers.get(kernel, c, () -> new TrafficRedirector(c));
        ClassifyFn fn;
        if (layer == FWPM_LAYER_OUTBOUND_IPPACKET_V4) {
            Injector inj = TrafficRedirector.networkInjector();
            fn = (in, meta, data, ctx, f, flow, out) -> r.classifyOutboundIp(in, meta, data, ctx, inj, out);
        } else if (layer == FWPM_LAYER_INBOUND_IPPACKET_V4) {
            Injector inj = TrafficRedirector.networkInjector();
            fn = (in, meta, data, ctx, f, flow, out) -> r.classifyInboundIp(in, meta, data, ctx, inj, out);
        } else if (layer == FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET) {
            Injector inj = TrafficRedirector.l2Injector();
            fn = (in, meta, data, ctx, f, flow, out) -> r.classifyOutboundMac(in, meta, data, ctx, inj, out);
        } else if (layer == FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET) {
            Injector inj = TrafficRedirector.l2Injector();
            fn = (in, meta, data, ctx, f, flow, out) -> r.classifyInboundMac(in, meta, data, ctx, inj, out);
        } else if (layer != null && layer.isDiscard()) {
            fn = (in, meta, data, ctx, f, flow, out) -> r.classifyDiscard(in, meta, data, ctx, out);
        } else {
            throw wrongLayer(layer);
        }
        return new FwpsCallout(calloutKey, 0, fn, null, null, r::control);
    }
}

package io.jwfp.callouts.samples.portforward;

import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.callouts.samples.nat.LayeredCalloutProvider;
import io.jwfp.callouts.samples.nat.SharedDrivers;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import java.util.Map;
import java.util.UUID;

/**
 * Implementation {@code port-forward}: the seed's second application (port forwarding by rewriting IP headers at
 * FWPM_LAYER_INBOUND_IPPACKET and, for the replies, FWPM_LAYER_OUTBOUND_IPPACKET). Give it to the inbound and the
 * outbound IP packet callout of ListenAddress's family with the same {@code config:}; see {@link PortForwarder} and
 * {@link PortForwardConfig}. Stateless; thread-safe.
 */
public final class PortForwardCallouts extends LayeredCalloutProvider {
    public static final String ID = "port-forward";

    public PortForwardCallouts() {
        super(ID, "forward local ListenAddress:ListenPort to TargetAddress:TargetPort by IP header rewrite "
                + "(INBOUND/OUTBOUND_IPPACKET)", "FWPM_LAYER_INBOUND_IPPACKET_V4/V6 and FWPM_LAYER_OUTBOUND_IPPACKET_V4/V6");
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Layer layer, Map<String, Object> config, FwpsKernel kernel) {
        PortForwardConfig c = PortForwardConfig.parse(config);
        Layer base = v4(layer);
        if (base != FWPM_LAYER_INBOUND_IPPACKET_V4 && base != FWPM_LAYER_OUTBOUND_IPPACKET_V4) throw wrongLayer(layer);
        IpVersion family = c.listenAddress().isV4() ? IpVersion.V4 : IpVersion.V6;
        if (layer.ipVersion() != family) {
            throw new IllegalArgumentException("ListenAddress: " + c.listenAddress() + " is " + family
                    + " but the callout is at " + layer.name());
        }
        PortForwarder f = SharedDrivers.get(kernel, c, () -> new PortForwarder(c));
        if (base == FWPM_LAYER_INBOUND_IPPACKET_V4) {
            return new FwpsCallout(calloutKey, 0, (in, meta, data, ctx, filter, flow, out) ->
                    f.classifyInbound(in, meta, data, ctx, out), null, null, f::control);
        }
        return new FwpsCallout(calloutKey, 0, (in, meta, data, ctx, filter, flow, out) ->
                f.classifyOutbound(in, meta, data, ctx, out), null, null, f::control);
    }
}

package io.jwfp.callouts.samples.portforward;

import static io.jwfp.engine.layer.Layer.*;

import io.jwfp.callouts.samples.nat.SharedDrivers;
import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import java.util.Map;
import java.util.UUID;

/**
 * Implementation {@code port-forward}: the seed's second application (port forwarding by rewriting IP headers at
 * FWPM_LAYER_INBOUND_IPPACKET and, for the replies, FWPM_LAYER_OUTBOUND_IPPACKET). Give it to four callouts — inbound
 * and outbound IP packet, in the family of ListenAddress — with the same {@code config:}; see {@link PortForwarder}
 * and {@link PortForwardConfig}. Stateless; thread-safe.
 */
public final class PortForwardCallouts implements CalloutProvider {
    public static final String ID = "port-forward";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "forward local ListenAddress:ListenPort to TargetAddress:TargetPort by IP header rewrite (INBOUND/OUTBOUND_IPPACKET)";
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
        throw new IllegalArgumentException(ID + " needs its callout's layer (FWPM_LAYER_INBOUND_IPPACKET_V4/V6 or "
                + "FWPM_LAYER_OUTBOUND_IPPACKET_V4/V6)");
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Layer layer, Map<String, Object> config, FwpsKernel kernel) {
        PortForwardConfig c = PortForwardConfig.parse(config);
        IpVersion family = c.listenAddress().isV4() ? IpVersion.V4 : IpVersion.V6;
        Layer base = layer == null ? null : layer.ipVersion() == IpVersion.V6 ? layer.otherIpVersion() : layer;
        if (base != FWPM_LAYER_INBOUND_IPPACKET_V4 && base != FWPM_LAYER_OUTBOUND_IPPACKET_V4) {
            throw new IllegalArgumentException(ID + " works at FWPM_LAYER_INBOUND_IPPACKET_V4/V6 and "
                    + "FWPM_LAYER_OUTBOUND_IPPACKET_V4/V6, not at " + (layer == null ? "an unknown layer" : layer.name()));
        }
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

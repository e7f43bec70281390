package io.jwfp.scenarios.layerorder;

import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.NetBufferList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * LO-3's callout: defers every outbound packet to a work item and injects it there — at the transport layer on the
 * packet's endpoint (FwpsInjectTransportSendAsync0) when it sits at OUTBOUND_TRANSPORT, at the network layer
 * (FwpsInjectNetworkSendAsync0) at OUTBOUND_IPPACKET — recording what each injection returned. The simulator test
 * installs it on a simulated host; jwfpd loads it as {@code implementation: lo3-deferrer} ({@link Provider}), and
 * {@code jwfp callout control NAME results} lists the statuses.
 */
public final class Deferrer {
    final FwpsKernel kernel;
    final InjectionHandle handle;
    /** What each deferred injection returned, in order (written by work items). */
    final List<NtStatus> results = new CopyOnWriteArrayList<>();

    public Deferrer(FwpsKernel kernel) {
        this.kernel = kernel;
        this.handle = kernel.injectionHandleCreate(AddressFamily.AF_INET,
                FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT | FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
    }

    /** The callout for {@code layer} (OUTBOUND_TRANSPORT_V4 or OUTBOUND_IPPACKET_V4). */
    public FwpsCallout callout(UUID key, Layer layer) {
        boolean transport = layer == Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4;
        return new FwpsCallout(key, 0, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            FwpsPacketInjectionState s = kernel.queryPacketInjectionState(handle, nbl);
            if (s == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF || !out.canWrite()) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = kernel.allocateNetBufferListCopy(nbl);
            long endpoint = meta.transportEndpointHandle;
            kernel.queueWorkItem(() -> results.add(transport
                    ? kernel.injectTransportSendAsync(handle, null, endpoint, 0, null, AddressFamily.AF_INET, 1, copy, null, null)
                    : kernel.injectNetworkSendAsync(handle, null, 0, 1, copy, null, null)));
            out.absorb();
        }, null, null, (command, args) -> {
            if (!command.equals("results")) throw new IllegalArgumentException("unknown command '" + command + "' (expected: results)");
            return results.stream().map(NtStatus::name).toList();
        });
    }

    /** {@code implementation: lo3-deferrer}, at OUTBOUND_TRANSPORT_V4 or OUTBOUND_IPPACKET_V4 (test). */
    public static final class Provider implements CalloutProvider {
        @Override
        public String id() {
            return "lo3-deferrer";
        }

        @Override
        public String description() {
            return "defers every outbound packet and send-injects it from a work item (LO-3, test)";
        }

        @Override
        public FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
            throw new IllegalArgumentException("lo3-deferrer needs a callout runtime and a layer");
        }

        @Override
        public FwpsCallout create(UUID calloutKey, Layer layer, Map<String, Object> config, FwpsKernel kernel) {
            if (kernel == null) throw new IllegalArgumentException("lo3-deferrer needs a callout runtime");
            if (layer != Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4 && layer != Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4) {
                throw new IllegalArgumentException("lo3-deferrer works at OUTBOUND_TRANSPORT_V4 or OUTBOUND_IPPACKET_V4, not " + layer);
            }
            return new Deferrer(kernel).callout(calloutKey, layer);
        }
    }
}

package io.jwfp.daemon.live;

import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.model.ActionType;
import io.jwfp.packet.NetBufferList;
import java.util.Map;
import java.util.UUID;

/**
 * A test callout ({@code implementation: test-delay}) for OUTBOUND_TRANSPORT: absorbs each packet it has not injected
 * itself and re-injects a copy {@code delayMillis} later from another thread (FwpsInjectNetworkSendAsync0), the way
 * callouts defer traffic. On live traffic the absorbed original is held (its verdict deferred) and goes on with the
 * copy's bytes when the copy is injected.
 */
public final class DelayingCallout implements CalloutProvider {
    @Override
    public String id() {
        return "test-delay";
    }

    @Override
    public String description() {
        return "absorbs outbound packets and re-injects them later (test)";
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
        return create(calloutKey, config, null);
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Map<String, Object> config, FwpsKernel kernel) {
        if (kernel == null) throw new IllegalArgumentException("test-delay needs a callout runtime");
        long delay = Long.parseLong(String.valueOf(config.getOrDefault("delayMillis", "300")));
        InjectionHandle h = kernel.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
        return new FwpsCallout(calloutKey, (in, meta, data, ctx, filter, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            if (kernel.queryPacketInjectionState(h, nbl) != FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = kernel.allocateNetBufferListCopy(nbl);
            copy.retreat(meta.ipHeaderSize); // the transport layer indicates at the transport header
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    return;
                }
                NtStatus s = kernel.injectNetworkSendAsync(h, null, 0, 1, copy, null, null);
                if (!s.isSuccess()) System.err.println("test-delay: injection failed: " + s);
            });
            out.absorb();
        });
    }
}

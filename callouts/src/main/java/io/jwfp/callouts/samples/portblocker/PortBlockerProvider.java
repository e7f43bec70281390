package io.jwfp.callouts.samples.portblocker;

import io.jwfp.callouts.samples.Settings;
import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code implementation: port-blocker} — the WinKernelDev WfpSample port blocker ({@link PortBlocker}). It takes no
 * configuration (the sample has no registry values): rules are added at run time with
 * {@code jwfp callout control CALLOUT add-rule port=N}. Each callout object gets its own rule list. Stateless and
 * thread-safe; the policy is {@code examples/policies/samples/port-blocker.yaml}.
 */
public final class PortBlockerProvider implements CalloutProvider {
    @Override
    public String id() {
        return "port-blocker";
    }

    @Override
    public String description() {
        return "WinKernelDev WfpSample: block new IPv4 flows by remote port at ALE_FLOW_ESTABLISHED_V4; control: add-rule port=N, ioctl, list-rules";
    }

    @Override
    public FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
        Settings.of("port-blocker config (rules are added at run time: add-rule port=N)", config, Set.of());
        return new PortBlocker("port-blocker").callout(calloutKey);
    }
}

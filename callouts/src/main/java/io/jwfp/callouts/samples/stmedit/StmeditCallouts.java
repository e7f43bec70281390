package io.jwfp.callouts.samples.stmedit;

import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsKernel;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The stmedit sample's callouts as policy implementations (ServiceLoader entry points). Each set has a
 * flow-established callout and a stream callout; a policy adds one callout object per layer (V4 and V6), all
 * naming these four implementations:
 *
 * <table>
 *   <tr><th>id</th><th>layers</th><th>config keys</th></tr>
 *   <tr><td>stmedit-oob-flow-established</td><td>ALE_FLOW_ESTABLISHED_V4/V6</td><td>none</td></tr>
 *   <tr><td>stmedit-oob-stream</td><td>STREAM_V4/V6</td><td>StringToFind, StringX, BusyThreshold</td></tr>
 *   <tr><td>stmedit-inline-flow-established</td><td>ALE_FLOW_ESTABLISHED_V4/V6</td><td>none</td></tr>
 *   <tr><td>stmedit-inline-stream</td><td>STREAM_V4/V6</td><td>StringX, StringToReplace</td></tr>
 * </table>
 * The other registry values of the sample shape the policy instead (filter conditions, whether set 2 exists):
 * {@link StmeditPolicy} writes a policy from all of them.
 */
public final class StmeditCallouts {
    private StmeditCallouts() {}

    static final Set<String> OOB_KEYS = Set.of(StmeditConfig.STRING_TO_FIND, StmeditConfig.STRING_X,
            StmeditConfig.BUSY_THRESHOLD);
    static final Set<String> INLINE_KEYS = Set.of(StmeditConfig.STRING_X, StmeditConfig.STRING_TO_REPLACE);

    /** How a provider builds its callout from the engine's kernel and its (checked) configuration. */
    @FunctionalInterface
    interface Factory {
        FwpsCallout create(UUID key, Map<String, Object> config, FwpsKernel kernel, String id);
    }

    /** Base of the four providers: an id, a line of description, the keys it takes, and a factory. */
    abstract static class Provider implements CalloutProvider {
        private final String id;
        private final String description;
        private final Factory factory;

        Provider(String id, String description, Factory factory) {
            this.id = id;
            this.description = description;
            this.factory = factory;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
            return create(calloutKey, config, null);
        }

        @Override
        public FwpsCallout create(UUID key, Map<String, Object> config, FwpsKernel kernel) {
            return factory.create(key, config, kernel, id);
        }
    }

    private static Factory flowEstablished(StmeditDriver.CalloutSet set) {
        return (key, config, kernel, id) -> {
            StmeditConfig.parse(config, Set.of(), id);
            return new FlowEstablishedCallout(StmeditDriver.of(kernel), set, kernel).callout(key);
        };
    }

    /** Set 1's flow-established callout. */
    public static final class OobFlowEstablished extends Provider {
        public OobFlowEstablished() {
            super("stmedit-oob-flow-established",
                    "stmedit set 1: attach the out-of-band editor to chosen TCP flows (CONTINUE)",
                    flowEstablished(StmeditDriver.CalloutSet.OUT_OF_BAND));
        }
    }

    /** Set 1's stream callout. */
    public static final class OobStream extends Provider {
        public OobStream() {
            super("stmedit-oob-stream",
                    "stmedit set 1: out-of-band StringToFind->StringX editor with deferral above BusyThreshold",
                    (key, config, kernel, id) -> new OutOfBandEditor(StmeditDriver.of(kernel), kernel,
                            StmeditConfig.parse(config, OOB_KEYS, id)).callout(key));
        }
    }

    /** Set 2's flow-established callout. */
    public static final class InlineFlowEstablished extends Provider {
        public InlineFlowEstablished() {
            super("stmedit-inline-flow-established",
                    "stmedit set 2: attach the inline editor to chosen TCP flows (CONTINUE)",
                    flowEstablished(StmeditDriver.CalloutSet.INLINE));
        }
    }

    /** Set 2's stream callout. */
    public static final class InlineStream extends Provider {
        public InlineStream() {
            super("stmedit-inline-stream",
                    "stmedit set 2: inline StringX->StringToReplace editor (exact permit/block counts, NEED_MORE_DATA)",
                    (key, config, kernel, id) -> new InlineEditor(StmeditDriver.of(kernel), kernel,
                            StmeditConfig.parse(config, INLINE_KEYS, id)).callout(key));
        }
    }
}

package io.jwfp.callouts.reference;

import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.ClassifyFn;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.model.ActionType;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reference callouts every policy can name in {@code implementation:}. Each does one thing to the classify-out,
 * so users compose what-if policies with them and tests pin arbitration with them. All are stateless and shareable.
 *
 * <table>
 *   <tr><th>id</th><th>returns</th></tr>
 *   <tr><td>permit</td><td>PERMIT, write right kept (soft); nothing without the write right</td></tr>
 *   <tr><td>block</td><td>BLOCK, write right cleared (hard); nothing without the write right</td></tr>
 *   <tr><td>continue</td><td>CONTINUE</td></tr>
 *   <tr><td>block-soft</td><td>BLOCK, write right kept; nothing without the write right</td></tr>
 *   <tr><td>permit-hard</td><td>PERMIT, write right cleared; nothing without the write right</td></tr>
 *   <tr><td>veto</td><td>BLOCK and clears the write right even when it was not held: overrides a hard permit</td></tr>
 * </table>
 * "Nothing" means the classify-out is left as it came in: a well-behaved callout does not touch a decision it may not
 * change.
 */
public final class ReferenceCallouts {
    private ReferenceCallouts() {}

    /** The six providers. */
    public static List<CalloutProvider> all() {
        return List.of(
                provider("permit", "PERMIT, soft (write right kept)", (in, meta, data, ctx, f, flow, out) -> {
                    if (out.canWrite()) out.actionType = ActionType.FWP_ACTION_PERMIT;
                }),
                provider("block", "BLOCK and clear the write right (hard)", (in, meta, data, ctx, f, flow, out) -> {
                    if (out.canWrite()) out.blockHard();
                }),
                provider("continue", "CONTINUE: no decision", (in, meta, data, ctx, f, flow, out) ->
                        out.actionType = ActionType.FWP_ACTION_CONTINUE),
                provider("block-soft", "BLOCK, write right kept (a later sublayer may permit)", (in, meta, data, ctx, f, flow, out) -> {
                    if (out.canWrite()) out.actionType = ActionType.FWP_ACTION_BLOCK;
                }),
                provider("permit-hard", "PERMIT and clear the write right (hard)", (in, meta, data, ctx, f, flow, out) -> {
                    if (out.canWrite()) {
                        out.actionType = ActionType.FWP_ACTION_PERMIT;
                        out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
                    }
                }),
                provider("veto", "BLOCK even without the write right: vetoes a hard permit", (in, meta, data, ctx, f, flow, out) ->
                        out.blockHard()));
    }

    static CalloutProvider provider(String id, String description, ClassifyFn fn) {
        return new CalloutProvider() {
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
                if (!config.isEmpty()) {
                    throw new IllegalArgumentException("callout '" + id + "' takes no config (got " + config.keySet() + ")");
                }
                // Pure functions of the classify-out: jwfp explain may run them against jwfpd's live engine.
                return new FwpsCallout(calloutKey, FwpsCallout.JWFP_CALLOUT_FLAG_NO_SIDE_EFFECTS, fn, null, null, null);
            }
        };
    }

    /** ServiceLoader entry points: one small class per id, each delegating to {@link #all()}. */
    public static final class Permit extends Delegate { public Permit() { super("permit"); } }
    public static final class Block extends Delegate { public Block() { super("block"); } }
    public static final class Continue extends Delegate { public Continue() { super("continue"); } }
    public static final class BlockSoft extends Delegate { public BlockSoft() { super("block-soft"); } }
    public static final class PermitHard extends Delegate { public PermitHard() { super("permit-hard"); } }
    public static final class Veto extends Delegate { public Veto() { super("veto"); } }

    /** A ServiceLoader-constructible provider that delegates to one of {@link #all()}. */
    abstract static class Delegate implements CalloutProvider {
        private final CalloutProvider target;

        Delegate(String id) {
            CalloutProvider t = null;
            for (CalloutProvider p : all()) if (p.id().equals(id)) t = p;
            this.target = t;
        }

        @Override
        public String id() {
            return target.id();
        }

        @Override
        public String description() {
            return target.description();
        }

        @Override
        public FwpsCallout create(UUID calloutKey, Map<String, Object> config) {
            return target.create(calloutKey, config);
        }
    }
}

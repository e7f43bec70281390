package io.jwfp.engine.testing;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.ClassifyFn;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A callout that records what the engine handed it (the filter, the decision so far, the rights, the flow context) and
 * then does what its behaviour says to the classify-out.
 */
public final class RecordingCallout implements ClassifyFn {
    /** One classifyFn call as the callout saw it on entry. */
    public record Call(String callout, long filterId, ActionType actionOnEntry, boolean writeRightOnEntry,
                       long flowContext, int filterFlags) {}

    private final String name;
    private final UUID key;
    private final Consumer<FwpsClassifyOut> behaviour;
    private final List<Call> calls = new ArrayList<>();
    private final List<Call> sharedLog;

    RecordingCallout(String name, UUID key, Consumer<FwpsClassifyOut> behaviour, List<Call> sharedLog) {
        this.name = name;
        this.key = key;
        this.behaviour = behaviour;
        this.sharedLog = sharedLog;
    }

    public String name() {
        return name;
    }

    public UUID key() {
        return key;
    }

    /** Every call, oldest first. */
    public List<Call> calls() {
        return calls;
    }

    /** The filter ids this callout was invoked for, in order. */
    public List<Long> invokedFor() {
        return calls.stream().map(Call::filterId).toList();
    }

    public boolean wasInvoked() {
        return !calls.isEmpty();
    }

    public Call lastCall() {
        return calls.get(calls.size() - 1);
    }

    @Override
    public void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                         ClassifyContext ctx, FwpsFilter filter, long flowContext, FwpsClassifyOut out) {
        Call c = new Call(name, filter.filterId(), out.actionType, out.canWrite(), flowContext, filter.flags());
        calls.add(c);
        sharedLog.add(c);
        behaviour.accept(out);
    }

    // ---- behaviours ----

    /** Returns an action and leaves the rights alone (a BLOCK returned this way is soft). */
    public static Consumer<FwpsClassifyOut> returns(ActionType action) {
        return out -> out.actionType = action;
    }

    /** Returns CONTINUE: the callout only looks. */
    public static Consumer<FwpsClassifyOut> continues() {
        return returns(ActionType.FWP_ACTION_CONTINUE);
    }

    /** Returns PERMIT, keeping the write right (soft permit). */
    public static Consumer<FwpsClassifyOut> permits() {
        return returns(ActionType.FWP_ACTION_PERMIT);
    }

    /** Returns PERMIT and clears the write right (hard permit). */
    public static Consumer<FwpsClassifyOut> permitsHard() {
        return out -> {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
        };
    }

    /** Returns BLOCK but keeps the write right (soft block). */
    public static Consumer<FwpsClassifyOut> blocksSoft() {
        return returns(ActionType.FWP_ACTION_BLOCK);
    }

    /** Returns BLOCK and clears the write right: the documented good practice. */
    public static Consumer<FwpsClassifyOut> blocksHard() {
        return FwpsClassifyOut::blockHard;
    }

    /** Blocks hard with FWPS_CLASSIFY_OUT_FLAG_ABSORB. */
    public static Consumer<FwpsClassifyOut> absorbs() {
        return FwpsClassifyOut::absorb;
    }

    /** Touches nothing: the classify-out keeps what the engine put in it. */
    public static Consumer<FwpsClassifyOut> untouched() {
        return out -> { };
    }
}

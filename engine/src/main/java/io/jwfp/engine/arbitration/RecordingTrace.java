package io.jwfp.engine.arbitration;

import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.state.SublayerState;
import java.util.ArrayList;
import java.util.List;

/** A {@link ClassifyTrace} that keeps every step, for {@code jwfp explain} and tests. Allocates; not for hot paths. */
public final class RecordingTrace implements ClassifyTrace {
    /** One filter that matched, and what came of it. */
    public record FilterStep(CompiledFilter filter, ActionType result, boolean invoked, ActionType returned, String note) {}

    /** One sublayer's evaluation. */
    public record SublayerStep(SublayerState sublayer, ActionType entryAction, boolean entryWriteRight,
                               List<FilterStep> filters, ActionType result, String effect) {}

    private final List<SublayerStep> steps = new ArrayList<>();
    private SublayerState current;
    private ActionType entry;
    private boolean entryWrite;
    private List<FilterStep> filters;

    @Override
    public void sublayerStart(SublayerState sublayer, ActionType currentAction, boolean writeRight) {
        current = sublayer;
        entry = currentAction;
        entryWrite = writeRight;
        filters = new ArrayList<>();
    }

    @Override
    public void filter(CompiledFilter filter, ActionType result, boolean invoked, ActionType returned, String note) {
        filters.add(new FilterStep(filter, result, invoked, returned, note));
    }

    @Override
    public void sublayerEnd(SublayerState sublayer, ActionType result, String effect) {
        steps.add(new SublayerStep(current, entry, entryWrite, List.copyOf(filters), result, effect));
    }

    /** The sublayers in evaluation order. */
    public List<SublayerStep> sublayers() {
        return List.copyOf(steps);
    }

    /** Every callout invocation, in order. */
    public List<FilterStep> calloutInvocations() {
        List<FilterStep> out = new ArrayList<>();
        for (SublayerStep s : steps) for (FilterStep f : s.filters()) if (f.invoked()) out.add(f);
        return out;
    }
}

package io.jwfp.engine.callout;

import java.util.Objects;
import java.util.UUID;

/**
 * FWPS_CALLOUT: the run-time half of a callout, registered with {@code FilterEngine.calloutRegister} (the
 * FwpsCalloutRegister step of the seed's four steps). The key links it to the FWPM_CALLOUT0 management object.
 *
 * @param calloutKey   the GUID shared with the management object
 * @param flags        FWP_CALLOUT_FLAG_*
 * @param classifyFn   the decision function
 * @param notifyFn     filter add/delete notifications (never null; {@link NotifyFn#NONE})
 * @param flowDeleteFn flow-context release (never null; {@link FlowDeleteFn#NONE})
 * @param control      run-time control from management tools (the callout driver's DeviceIoControl), or null
 */
public record FwpsCallout(UUID calloutKey, int flags, ClassifyFn classifyFn, NotifyFn notifyFn,
                          FlowDeleteFn flowDeleteFn, CalloutControl control) {
    /** The callout is invoked only for flows it has associated a context with. */
    public static final int FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW = 0x00000001;
    public static final int FWP_CALLOUT_FLAG_ALLOW_OFFLOAD = 0x00000002;
    public static final int FWP_CALLOUT_FLAG_ENABLE_COMMIT_ADD_NOTIFY = 0x00000004;
    /** The callout may join streams that started before its filter was added. */
    public static final int FWP_CALLOUT_FLAG_ALLOW_MID_STREAM_INSPECTION = 0x00000008;
    public static final int FWP_CALLOUT_FLAG_ALLOW_RECLASSIFY = 0x00000010;
    /**
     * jwfp's own flag (no Windows counterpart; a high bit Windows does not use): the classifyFn only reads its
     * arguments and writes the classify-out: no kernel calls, no state of its own. {@code jwfp explain} runs such
     * callouts against jwfpd's live engine; others it does not run there (see docs/decisions.md, E2).
     */
    public static final int JWFP_CALLOUT_FLAG_NO_SIDE_EFFECTS = 0x40000000;

    public FwpsCallout {
        Objects.requireNonNull(calloutKey, "calloutKey");
        Objects.requireNonNull(classifyFn, "classifyFn");
        if (notifyFn == null) notifyFn = NotifyFn.NONE;
        if (flowDeleteFn == null) flowDeleteFn = FlowDeleteFn.NONE;
    }

    public FwpsCallout(UUID calloutKey, int flags, ClassifyFn classifyFn, NotifyFn notifyFn, FlowDeleteFn flowDeleteFn) {
        this(calloutKey, flags, classifyFn, notifyFn, flowDeleteFn, null);
    }

    public FwpsCallout(UUID calloutKey, ClassifyFn classifyFn) {
        this(calloutKey, 0, classifyFn, null, null, null);
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }
}

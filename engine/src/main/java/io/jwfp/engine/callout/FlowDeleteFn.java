package io.jwfp.engine.callout;

/** FWPS_CALLOUT_FLOW_DELETE_NOTIFY_FN: a flow the callout associated a context with has ended. */
@FunctionalInterface
public interface FlowDeleteFn {
    void flowDelete(int layerId, int calloutId, long flowContext);

    FlowDeleteFn NONE = (l, c, f) -> { };
}

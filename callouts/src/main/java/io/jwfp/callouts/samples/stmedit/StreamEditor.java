package io.jwfp.callouts.samples.stmedit;

import static io.jwfp.engine.kernel.FwpsStreamData.*;

import io.jwfp.engine.FwpError;
import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.callout.NotifyFn;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.packet.NetBufferList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both stmedit stream callouts share: registration conditional on flow, learning their run-time id and layer
 * from their filter's ADD_FILTER notification, the per-flow state behind the flow context, stream injection, and
 * run-time control ({@code stats}, {@code stop}).
 *
 * <p>Thread safety: classify may run for different flows at once, and for the two directions of one flow at once;
 * per-direction state is guarded by the direction object. Counters are atomic.
 */
abstract class StreamEditor {
    /** Per-direction state of a flow; subclasses extend it. */
    static class Direction {
        final boolean inbound;

        Direction(boolean inbound) {
            this.inbound = inbound;
        }
    }

    /** Per-flow state: what the flow context stands for. */
    static final class Flow {
        final long context;
        final long flowHandle;
        final Direction send;
        final Direction receive;

        Flow(long context, long flowHandle, Direction send, Direction receive) {
            this.context = context;
            this.flowHandle = flowHandle;
            this.send = send;
            this.receive = receive;
        }

        Direction direction(boolean inbound) {
            return inbound ? receive : send;
        }
    }

    final StmeditDriver driver;
    final StmeditDriver.CalloutSet set;
    volatile FwpsKernel kernel;
    private volatile InjectionHandle injectionHandle;
    volatile int calloutId;
    volatile Layer layer;
    volatile boolean stopping;
    final Map<Long, Flow> flows = new ConcurrentHashMap<>();

    final AtomicLong indications = new AtomicLong();
    final AtomicLong bytesIndicated = new AtomicLong();
    final AtomicLong bytesInjected = new AtomicLong();
    final AtomicLong replacements = new AtomicLong();
    final AtomicLong errors = new AtomicLong();

    StreamEditor(StmeditDriver driver, StmeditDriver.CalloutSet set, FwpsKernel kernel) {
        this.driver = driver;
        this.set = set;
        this.kernel = kernel;
    }

    /** The run-time callout: conditional on flow, so only flows a flow-established callout chose are seen. */
    FwpsCallout callout(UUID key) {
        return new FwpsCallout(key, FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW, this::classifyFn, this::notify,
                this::flowDelete, this::control);
    }

    private FwpError notify(NotifyFn.NotifyType type, UUID filterKey, FwpsFilter filter) {
        if (type != NotifyFn.NotifyType.FWPS_CALLOUT_NOTIFY_ADD_FILTER) return null;
        Layer l = filter.definition().layerKey();
        if (l != Layer.FWPM_LAYER_STREAM_V4 && l != Layer.FWPM_LAYER_STREAM_V6) return FwpError.FWP_E_INCOMPATIBLE_LAYER;
        calloutId = filter.calloutId();
        layer = l;
        driver.register(set, l, this);
        return null;
    }

    private void classifyFn(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                            ClassifyContext ctx, FwpsFilter filter, long flowContext, FwpsClassifyOut out) {
        if (!(layerData instanceof FwpsStreamCalloutIoPacket io)) return;
        // Without the write right a higher sublayer has decided on these bytes (set 1 blocked the original data);
        // this callout's input is what that sublayer injects, so it leaves these alone.
        if (!out.canWrite()) return;
        if (kernel == null) kernel = ctx.kernel();
        if (calloutId == 0) {
            calloutId = ctx.calloutId();
            layer = in.layer();
        }
        Flow flow = flows.get(flowContext);
        if (flow == null || kernel == null) {
            permit(io, out, io.streamData.dataLength);
            return;
        }
        indications.incrementAndGet();
        bytesIndicated.addAndGet(io.streamData.dataLength);
        classify(flow, io, out);
    }

    /** The classifyFn for a flow this callout has a context for. */
    abstract void classify(Flow flow, FwpsStreamCalloutIoPacket io, FwpsClassifyOut out);

    /** Per-direction state for a new flow. */
    abstract Direction newDirection(boolean inbound);

    /** A flow-established callout chose this flow: the state behind a new flow context. */
    long newFlow(long flowHandle) {
        long c = driver.nextContext.incrementAndGet();
        flows.put(c, new Flow(c, flowHandle, newDirection(false), newDirection(true)));
        return c;
    }

    /** The association failed: forget the state. */
    void forget(long context) {
        flows.remove(context);
    }

    private void flowDelete(int layerId, int calloutId, long flowContext) {
        Flow f = flows.remove(flowContext);
        if (f != null) flowDeleted(f);
    }

    /** The flow ended or its context was removed. */
    void flowDeleted(Flow flow) {}

    /** Removes the flow's context (FwpsFlowRemoveContext0), which calls flowDeleteFn. */
    void removeContext(Flow flow) {
        FwpsKernel k = kernel;
        Layer l = layer;
        NtStatus s = k == null || l == null ? NtStatus.STATUS_NOT_FOUND
                : k.flowRemoveContext(flow.flowHandle, l.layerId(), calloutId);
        if (!s.isSuccess()) flows.remove(flow.context); // the flow is already gone
    }

    // ---------------------------------------------------------------- answers

    static void permit(FwpsStreamCalloutIoPacket io, FwpsClassifyOut out, long bytes) {
        io.countBytesEnforced = bytes;
        out.actionType = ActionType.FWP_ACTION_PERMIT;
    }

    /** Blocks (drops) the first {@code bytes} bytes; the editor has taken or replaced them. */
    static void block(FwpsStreamCalloutIoPacket io, FwpsClassifyOut out, long bytes) {
        io.countBytesEnforced = bytes;
        out.absorb();
    }

    /**
     * Answers with a stream action (NEED_MORE_DATA, DEFER, DROP_CONNECTION). The classify-out's action is then
     * ignored for these bytes, but the write right is cleared all the same: otherwise a callout in a lower-weight
     * sublayer would be called with the right to decide on bytes this callout has not let go of (set 2 would
     * permit the original data set 1 deferred).
     */
    static void streamAction(FwpsStreamCalloutIoPacket io, FwpsClassifyOut out, int action, long bytesRequired) {
        io.streamAction = action;
        io.countBytesRequired = bytesRequired;
        out.blockHard();
    }

    static boolean isDisconnect(FwpsStreamCalloutIoPacket io) {
        return io.streamData.hasFlag(FWPS_STREAM_FLAG_RECEIVE_DISCONNECT | FWPS_STREAM_FLAG_SEND_DISCONNECT
                | FWPS_STREAM_FLAG_RECEIVE_ABORT | FWPS_STREAM_FLAG_SEND_ABORT);
    }

    /**
     * FwpsStreamInjectAsync0 into the flow's stream in one direction, offered to lower-weight sublayers only; with
     * {@code disconnect} the data ends the direction (the FIN follows it).
     */
    NtStatus inject(Flow flow, boolean inbound, byte[] data, boolean disconnect) {
        FwpsKernel k = kernel;
        if (injectionHandle == null) {
            synchronized (this) {
                if (injectionHandle == null) {
                    injectionHandle = k.injectionHandleCreate(AddressFamily.AF_UNSPEC, FwpsKernel.FWPS_INJECTION_TYPE_STREAM);
                }
            }
        }
        int flags = inbound ? FWPS_STREAM_FLAG_RECEIVE | (disconnect ? FWPS_STREAM_FLAG_RECEIVE_DISCONNECT : 0)
                : FWPS_STREAM_FLAG_SEND | (disconnect ? FWPS_STREAM_FLAG_SEND_DISCONNECT : 0);
        NtStatus s = k.streamInjectAsync(injectionHandle, null, 0, flow.flowHandle, calloutId, layer.layerId(), flags,
                data.length == 0 ? null : NetBufferList.wrap(data), data.length, null, null);
        if (s.isSuccess()) bytesInjected.addAndGet(data.length);
        else errors.incrementAndGet();
        return s;
    }

    // ---------------------------------------------------------------- run-time control

    private Object control(String command, Map<String, Object> arguments) {
        return switch (command) {
            case "stats" -> stats();
            case "stop" -> {
                stop();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("stopping", true);
                m.put("flows", flows.size());
                yield m;
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "' (expected: stats, stop)");
        };
    }

    /** Counters, for {@code jwfp callout control NAME stats} and the scenarios. */
    Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("set", set.name());
        m.put("calloutId", calloutId);
        m.put("layer", layer == null ? null : layer.name());
        m.put("flows", flows.size());
        m.put("stopping", stopping);
        m.put("indications", indications.get());
        m.put("bytesIndicated", bytesIndicated.get());
        m.put("bytesInjected", bytesInjected.get());
        m.put("replacements", replacements.get());
        m.put("errors", errors.get());
        return m;
    }

    /**
     * The driver's unload: stop editing, hand every flow's held data on in order, then remove the flow contexts so
     * the flows continue without this callout. Flows still draining release their context when drained.
     */
    abstract void stop();
}

package io.jwfp.callouts.samples.stmedit;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.util.UUID;

/**
 * The flow-established callout of one stmedit set (FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4/V6, filter action
 * CALLOUT_INSPECTION): for each flow its filter selects it attaches a flow context for the same set's stream callout
 * at the stream layer of the same IP version, and returns CONTINUE (the layer is for state tracking; it never
 * permits or blocks). Stateless apart from the driver it looks the stream callout up in; thread-safe.
 */
final class FlowEstablishedCallout {
    private final StmeditDriver driver;
    private final StmeditDriver.CalloutSet set;
    private final FwpsKernel kernel;

    FlowEstablishedCallout(StmeditDriver driver, StmeditDriver.CalloutSet set, FwpsKernel kernel) {
        this.driver = driver;
        this.set = set;
        this.kernel = kernel;
    }

    FwpsCallout callout(UUID key) {
        return new FwpsCallout(key, this::classify);
    }

    private void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                          ClassifyContext ctx, FwpsFilter filter, long flowContext, FwpsClassifyOut out) {
        out.actionType = ActionType.FWP_ACTION_CONTINUE;
        Layer stream = in.layer().ipVersion() == IpVersion.V6 ? Layer.FWPM_LAYER_STREAM_V6 : Layer.FWPM_LAYER_STREAM_V4;
        StreamEditor editor = driver.editor(set, stream);
        FwpsKernel k = kernel != null ? kernel : ctx.kernel();
        if (editor == null || editor.stopping || k == null || editor.calloutId == 0) return;
        long context = editor.newFlow(meta.flowHandle);
        NtStatus s = k.flowAssociateContext(meta.flowHandle, stream.layerId(), editor.calloutId, context);
        if (!s.isSuccess()) {
            editor.forget(context);
            editor.errors.incrementAndGet();
        }
    }
}

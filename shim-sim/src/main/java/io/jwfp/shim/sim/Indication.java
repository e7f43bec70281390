package io.jwfp.shim.sim;

import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One classification in progress or done: its layer, facts, layer data and result, plus what callouts did through
 * the kernel during it (pended it, rewrote its layer data, answered the stream layer).
 */
final class Indication {
    final SimHost host;
    final Layer layer;
    final Facts facts;
    final Object layerData;
    final SimPacket packet;
    ClassifyResult result;
    /** Set by FwpsPendOperation0. */
    SimKernel.Completion pendedOperation;
    /** Set by FwpsPendClassify0. */
    boolean classifyPended;
    /** Called by FwpsCompleteClassify0 with the final action, or null to classify again. */
    Consumer<ActionType> onClassifyComplete;
    /** Set by FwpsApplyModifiedLayerData0. */
    Object modifiedLayerData;
    /** Stream layer: each invoked filter's answer, by filter id. */
    final Map<Long, long[]> streamAnswers = new LinkedHashMap<>();

    Indication(SimHost host, Layer layer, Facts facts, Object layerData, SimPacket packet) {
        this.host = host;
        this.layer = layer;
        this.facts = facts;
        this.layerData = layerData;
        this.packet = packet;
    }

    boolean permitted() {
        return result.action() == ActionType.FWP_ACTION_PERMIT;
    }

    boolean blocked() {
        return result.action() == ActionType.FWP_ACTION_BLOCK;
    }

    boolean isPended() {
        return pendedOperation != null || classifyPended;
    }
}

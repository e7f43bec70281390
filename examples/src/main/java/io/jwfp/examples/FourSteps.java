package io.jwfp.examples;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
import static io.jwfp.engine.model.ActionType.FWP_ACTION_CALLOUT_TERMINATING;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.Values;
import java.util.UUID;

/**
 * The seed's "building a filter point in four steps", one to one:
 * <ol>
 *   <li>add a sublayer ({@code FwpmSubLayerAdd}) so our filters are not disturbed by others;</li>
 *   <li>register the callout's functions ({@code FwpsCalloutRegister});</li>
 *   <li>add the callout object ({@code FwpmCalloutAdd});</li>
 *   <li>add a filter whose action calls it ({@code FwpmFilterAdd}).</li>
 * </ol>
 * The classifyFn here is the book sample's port blocker: it blocks TCP connections to remote port 80. Then two
 * connection attempts are classified at FWPM_LAYER_ALE_AUTH_CONNECT_V4: to port 80 (blocked) and 443 (permitted).
 */
public final class FourSteps {
    static final UUID SUBLAYER = UUID.fromString("5f1b7a10-0000-4000-8000-000000000001");
    static final UUID CALLOUT = UUID.fromString("5f1b7a10-0000-4000-8000-000000000002");

    public static void main(String[] args) {
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
             FwpmEngine engine = bfe.openSession(FwpmSession.dynamic("four steps"))) {

            // 1. FwpmSubLayerAdd: our own sublayer, evaluated before the built-in universal one (0x8000).
            engine.subLayerAdd(new FwpmSubLayer(SUBLAYER, "port-blocker sublayer", 0xFFFF));

            // 2. FwpsCalloutRegister: the classifyFn decides each connection's fate.
            bfe.filterEngine().calloutRegister(new FwpsCallout(CALLOUT, (in, meta, layerData, ctx, filter, flowContext, out) -> {
                int port = (int) in.keyLo(FWPM_LAYER_ALE_AUTH_CONNECT_V4.fieldIndex(FWPM_CONDITION_IP_REMOTE_PORT));
                if (port == 80) {
                    out.blockHard(); // drop it: later layers never see this connection
                } else {
                    out.actionType = ActionType.FWP_ACTION_PERMIT;
                }
            }));

            // 3. FwpmCalloutAdd: the management object filters name.
            int calloutId = engine.calloutAdd(new FwpmCallout(CALLOUT, "port blocker", FWPM_LAYER_ALE_AUTH_CONNECT_V4));

            // 4. FwpmFilterAdd: TCP connections go to the callout.
            long filterId = engine.filterAdd(FwpmFilter.builder()
                    .name("tcp to the port blocker")
                    .layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                    .subLayer(SUBLAYER)
                    .condition(FwpmFilterCondition.equal(FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(6)))
                    .calloutAction(FWP_ACTION_CALLOUT_TERMINATING, CALLOUT)
                    .build());
            System.out.println("sublayer, callout " + calloutId + " and filter " + filterId + " added");

            for (int port : new int[] {80, 443}) {
                ClassifyResult r = connect(bfe, "10.200.0.2", port);
                System.out.printf("connect tcp 10.200.0.2:%d -> %s (filter %d)%n", port, r.action().name(), r.filterId());
            }
        }
    }

    /** Classifies a TCP connect() to an address and port at FWPM_LAYER_ALE_AUTH_CONNECT_V4. */
    static ClassifyResult connect(BaseFilteringEngine bfe, String address, int port) {
        FwpsIncomingValues in = new FwpsIncomingValues(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
        LayerField addr = FWPM_LAYER_ALE_AUTH_CONNECT_V4.field(FWPM_CONDITION_IP_REMOTE_ADDRESS);
        in.set(addr.index(), Values.parseIncoming(address, addr));
        in.setUint8(FWPM_LAYER_ALE_AUTH_CONNECT_V4.fieldIndex(FWPM_CONDITION_IP_PROTOCOL), 6);
        in.setUint16(FWPM_LAYER_ALE_AUTH_CONNECT_V4.fieldIndex(FWPM_CONDITION_IP_REMOTE_PORT), port);
        ClassifyResult r = new ClassifyResult();
        bfe.filterEngine().classify(in, new FwpsIncomingMetadataValues(), null, r);
        return r;
    }

    private FourSteps() {}
}

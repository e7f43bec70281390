package io.jwfp.bfe;

import static io.jwfp.engine.layer.Conditions.*;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.bfe.netevent.NetEventEnumTemplate;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Classify drops become net events with the deciding filter, layer, direction, 5-tuple, app and user. */
class NetEventsTest {
    final BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
    final FwpmEngine engine = bfe.openSession(FwpmSession.named("test"));
    static final FwpToken ALICE = new FwpToken(1000, new int[] {100}, "alice");
    static final byte[] CURL = AppIds.encode("/usr/bin/curl");

    @AfterEach
    void close() {
        bfe.close();
    }

    ClassifyResult connect(int port) {
        var l = FWPM_LAYER_ALE_AUTH_CONNECT_V4;
        FwpsIncomingValues in = new FwpsIncomingValues(l)
                .setUint8(l.fieldIndex(FWPM_CONDITION_IP_PROTOCOL), 6)
                .setUint32(l.fieldIndex(FWPM_CONDITION_IP_LOCAL_ADDRESS), 0x0AC80001)
                .setUint32(l.fieldIndex(FWPM_CONDITION_IP_REMOTE_ADDRESS), 0x0AC80002)
                .setUint16(l.fieldIndex(FWPM_CONDITION_IP_LOCAL_PORT), 40000)
                .setUint16(l.fieldIndex(FWPM_CONDITION_IP_REMOTE_PORT), port)
                .setByteBlob(l.fieldIndex(FWPM_CONDITION_ALE_APP_ID), CURL)
                .setToken(l.fieldIndex(FWPM_CONDITION_ALE_USER_ID), ALICE);
        ClassifyResult r = new ClassifyResult();
        bfe.filterEngine().classify(in, new FwpsIncomingMetadataValues(), null, r);
        return r;
    }

    @Test
    void aDropIsLoggedWithEverythingAUserChecksAndSubscribersGetIt() throws Exception {
        List<NetEvent> seen = new CopyOnWriteArrayList<>();
        engine.netEventSubscribe(NetEventEnumTemplate.ALL, seen::add);
        Instant before = Instant.now();
        long id = engine.filterAdd(FwpmFilter.builder().name("no-80").layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                .condition(FwpmFilterCondition.equal(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(80)))
                .action(ActionType.FWP_ACTION_BLOCK).build());
        assertThat(connect(80).isBlock()).isTrue();
        assertThat(connect(443).isBlock()).isFalse();

        List<NetEvent> events = engine.netEventEnum(NetEventEnumTemplate.ALL);
        assertThat(events).hasSize(1); // allows are not collected by default
        NetEvent e = events.getFirst();
        assertThat(e.type()).isEqualTo(NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_DROP);
        assertThat(e.filterId()).isEqualTo(id);
        assertThat(e.filterName()).isEqualTo("no-80");
        assertThat(e.layer()).isEqualTo(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
        assertThat(e.layerId()).isEqualTo(48);
        assertThat(e.direction()).isEqualTo("FWP_DIRECTION_OUTBOUND");
        assertThat(e.ipProtocol()).isEqualTo(6);
        assertThat(e.localAddr()).isEqualTo("10.200.0.1");
        assertThat(e.localPort()).isEqualTo(40000);
        assertThat(e.remoteAddr()).isEqualTo("10.200.0.2");
        assertThat(e.remotePort()).isEqualTo(80);
        assertThat(e.appId()).isEqualTo("/usr/bin/curl");
        assertThat(e.userId()).isEqualTo(1000);
        assertThat(e.timeStamp()).isAfterOrEqualTo(before);

        bfe.netEvents().awaitDelivery(5000);
        assertThat(seen).containsExactly(e);
        assertThat(engine.netEventEnum(new NetEventEnumTemplate(null, null, null, null, id + 1, null, null, null, null))).isEmpty();
    }

    @Test
    void anAbsorbedDropProducesNoEventAndAllowsOnlyWhenAsked() {
        UUID key = UUID.randomUUID();
        bfe.filterEngine().calloutRegister(new FwpsCallout(key, (in, meta, d, ctx, f, flow, out) -> out.absorb()));
        engine.calloutAdd(new FwpmCallout(key, "absorber", FWPM_LAYER_ALE_AUTH_CONNECT_V4));
        engine.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                .condition(FwpmFilterCondition.equal(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(25)))
                .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, key).build());
        ClassifyResult r = connect(25);
        assertThat(r.isBlock()).isTrue();
        assertThat(r.isAbsorbed()).isTrue();
        assertThat(engine.netEventEnum(NetEventEnumTemplate.ALL)).isEmpty();

        long permit = engine.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                .action(ActionType.FWP_ACTION_PERMIT).build());
        connect(22);
        assertThat(engine.netEventEnum(NetEventEnumTemplate.ALL)).isEmpty();
        bfe.setNetEventCollection(true, true);
        connect(22);
        assertThat(engine.netEventEnum(NetEventEnumTemplate.ALL)).singleElement()
                .satisfies(e -> {
                    assertThat(e.type()).isEqualTo(NetEvent.Type.FWPM_NET_EVENT_TYPE_CLASSIFY_ALLOW);
                    assertThat(e.filterId()).isEqualTo(permit);
                });
    }
}

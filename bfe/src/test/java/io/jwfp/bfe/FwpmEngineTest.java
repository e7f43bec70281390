package io.jwfp.bfe;

import static io.jwfp.engine.FwpError.*;
import static io.jwfp.engine.layer.Conditions.*;
import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.callout.NotifyFn;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.BuiltinSublayers;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The management API: objects, referential rules, errors, sessions and transactions. */
class FwpmEngineTest {
    final BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
    final FwpmEngine engine = bfe.openSession(FwpmSession.named("test"));

    @AfterEach
    void close() {
        bfe.close();
    }

    static FwpmFilter.Builder block(Layer layer) {
        return FwpmFilter.builder().layer(layer).action(ActionType.FWP_ACTION_BLOCK);
    }

    static void fails(FwpError error, ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(FwpException.class)
                .satisfies(e -> assertThat(((FwpException) e).error()).isEqualTo(error))
                .hasMessageStartingWith(error.name());
    }

    ClassifyResult classifyPort(Layer layer, int remotePort) {
        FwpsIncomingValues in = new FwpsIncomingValues(layer);
        in.setUint16(layer.fieldIndex(FWPM_CONDITION_IP_REMOTE_PORT), remotePort);
        ClassifyResult r = new ClassifyResult();
        bfe.filterEngine().classify(in, new FwpsIncomingMetadataValues(), null, r);
        return r;
    }

    @Test
    void addGetEnumerateAndDeleteEveryKindOfObject() {
        UUID provider = engine.providerAdd(new FwpmProvider(null, "acme"));
        UUID sub = engine.subLayerAdd(new FwpmSubLayer(null, "acme-sub", 0x4000).withKey(UUID.randomUUID()));
        UUID callout = UUID.randomUUID();
        int calloutId = engine.calloutAdd(new FwpmCallout(callout, "c", FWPM_LAYER_ALE_AUTH_CONNECT_V4));
        FwpmFilter f = engine.filterAddAndGet(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).name("f").providerKey(provider)
                .subLayer(sub).calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, callout).build());

        assertThat(engine.providerGetByKey(provider).name()).isEqualTo("acme");
        assertThat(engine.subLayerGetByKey(sub).weight()).isEqualTo(0x4000);
        assertThat(engine.calloutGetByKey(callout).calloutId()).isEqualTo(calloutId);
        assertThat(engine.calloutGetById(calloutId).calloutKey()).isEqualTo(callout);
        assertThat(engine.filterGetById(f.filterId())).isEqualTo(f);
        assertThat(engine.filterGetByKey(f.filterKey())).isEqualTo(f);
        assertThat(f.filterKey()).isNotNull();
        assertThat(f.filterId()).isPositive();

        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.byLayer(FWPM_LAYER_ALE_AUTH_CONNECT_V4))).containsExactly(f);
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.byLayer(FWPM_LAYER_ALE_AUTH_CONNECT_V6))).isEmpty();
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.byProvider(provider))).containsExactly(f);
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.bySubLayer(sub))).containsExactly(f);
        assertThat(engine.calloutEnum(FwpmObjectEnumTemplate.byLayer(FWPM_LAYER_ALE_AUTH_CONNECT_V4))).hasSize(1);
        assertThat(engine.calloutEnum(FwpmObjectEnumTemplate.byLayer(FWPM_LAYER_ALE_AUTH_CONNECT_V6))).isEmpty();
        assertThat(engine.subLayerEnum(FwpmObjectEnumTemplate.ALL)).extracting(FwpmSubLayer::subLayerKey)
                .contains(sub, BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL);
        assertThat(engine.providerEnum(FwpmObjectEnumTemplate.ALL)).hasSize(1);

        // Referenced objects cannot go first.
        fails(FWP_E_IN_USE, () -> engine.subLayerDeleteByKey(sub));
        fails(FWP_E_IN_USE, () -> engine.calloutDeleteByKey(callout));
        fails(FWP_E_IN_USE, () -> engine.providerDeleteByKey(provider));
        engine.filterDeleteById(f.filterId());
        fails(FWP_E_FILTER_NOT_FOUND, () -> engine.filterGetById(f.filterId()));
        engine.calloutDeleteByKey(callout);
        engine.subLayerDeleteByKey(sub);
        engine.providerDeleteByKey(provider);
        fails(FWP_E_PROVIDER_NOT_FOUND, () -> engine.providerGetByKey(provider));
    }

    @Test
    void referentialRulesAndValidationNameWfpErrors() {
        fails(FWP_E_SUBLAYER_NOT_FOUND, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).subLayer(UUID.randomUUID()).build()));
        fails(FWP_E_CALLOUT_NOT_FOUND, () -> engine.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_INBOUND_IPPACKET_V4)
                .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, UUID.randomUUID()).build()));
        fails(FWP_E_PROVIDER_NOT_FOUND, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).providerKey(UUID.randomUUID()).build()));
        UUID callout = UUID.randomUUID();
        engine.calloutAdd(new FwpmCallout(callout, "c", FWPM_LAYER_ALE_AUTH_CONNECT_V4));
        fails(FWP_E_INCOMPATIBLE_LAYER, () -> engine.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V6)
                .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, callout).build()));
        fails(FWP_E_INVALID_WEIGHT, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).weight(FwpValue.uint8(16)).build()));
        fails(FWP_E_INVALID_WEIGHT, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).weight(FwpValue.uint32(5)).build()));
        fails(FWP_E_INVALID_FLAGS, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4)
                .flags(FilterFlags.FWPM_FILTER_FLAG_PERSISTENT | FilterFlags.FWPM_FILTER_FLAG_BOOTTIME).build()));
        fails(FWP_E_INVALID_FLAGS, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4)
                .flags(FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED).build()));
        fails(FWP_E_INVALID_ACTION_TYPE, () -> engine.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_INBOUND_IPPACKET_V4)
                .action(ActionType.FWP_ACTION_CONTINUE).build()));
        fails(FWP_E_CONDITION_NOT_FOUND, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4)
                .condition(FwpmFilterCondition.equal(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(80))).build()));
        fails(FWP_E_TYPE_MISMATCH, () -> engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                .condition(FwpmFilterCondition.equal(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint32(80))).build()));
        fails(FWP_E_INVALID_WEIGHT, () -> engine.subLayerAdd(new FwpmSubLayer(UUID.randomUUID(), "x", 70000)));
        fails(FWP_E_BUILTIN_OBJECT, () -> engine.subLayerDeleteByKey(BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL));
        fails(FWP_E_ALREADY_EXISTS, () -> engine.subLayerAdd(new FwpmSubLayer(BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL, "x", 1)));

        UUID key = UUID.randomUUID();
        engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).filterKey(key).build());
        fails(FWP_E_ALREADY_EXISTS, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).filterKey(key).build()));
        fails(FWP_E_FILTER_NOT_FOUND, () -> engine.filterDeleteByKey(UUID.randomUUID()));
        fails(FWP_E_FILTER_NOT_FOUND, () -> engine.filterDeleteById(999_999));
    }

    @Test
    void lifetimesMayOnlyReferenceObjectsThatLiveAsLong() {
        UUID staticSub = engine.subLayerAdd(new FwpmSubLayer(UUID.randomUUID(), "static", 1));
        fails(FWP_E_LIFETIME_MISMATCH, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).subLayer(staticSub)
                .flags(FilterFlags.FWPM_FILTER_FLAG_PERSISTENT).build()));
        try (FwpmEngine dyn = bfe.openSession(FwpmSession.dynamic("dyn"))) {
            UUID dynSub = dyn.subLayerAdd(new FwpmSubLayer(UUID.randomUUID(), "dynamic", 2));
            fails(FWP_E_LIFETIME_MISMATCH, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).subLayer(dynSub).build()));
            fails(FWP_E_LIFETIME_MISMATCH, () -> dyn.subLayerAdd(new FwpmSubLayer(UUID.randomUUID(), io.jwfp.engine.model.FwpmDisplayData.of("p"),
                    FwpmSubLayer.FWPM_SUBLAYER_FLAG_PERSISTENT, null, null, 3)));
            dyn.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).subLayer(dynSub).build()); // same session: fine
        }
    }

    @Test
    void aDynamicSessionsObjectsVanishWhenItCloses() {
        FwpmEngine dyn = bfe.openSession(FwpmSession.dynamic("dyn"));
        UUID sub = dyn.subLayerAdd(new FwpmSubLayer(UUID.randomUUID(), "dynamic", 0x9000));
        dyn.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).subLayer(sub).build());
        long staticId = engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V6).build());
        assertThat(classifyPort(FWPM_LAYER_ALE_AUTH_CONNECT_V4, 1).action()).isEqualTo(ActionType.FWP_ACTION_BLOCK);
        assertThat(bfe.sessions()).hasSize(2);

        dyn.close();

        assertThat(classifyPort(FWPM_LAYER_ALE_AUTH_CONNECT_V4, 1).action()).isEqualTo(ActionType.FWP_ACTION_PERMIT);
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.ALL)).extracting(FwpmFilter::filterId).containsExactly(staticId);
        fails(FWP_E_SUBLAYER_NOT_FOUND, () -> engine.subLayerGetByKey(sub));
        assertThat(bfe.sessions()).hasSize(1);
        fails(FWP_E_SESSION_ABORTED, () -> dyn.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).build()));
    }

    @Test
    void transactionsPublishAllOrNothing() {
        engine.transactionBegin(0);
        fails(FWP_E_TXN_IN_PROGRESS, () -> engine.transactionBegin(0));
        engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).build());
        // Invisible to classification and to other sessions until commit.
        assertThat(classifyPort(FWPM_LAYER_ALE_AUTH_CONNECT_V4, 1).action()).isEqualTo(ActionType.FWP_ACTION_PERMIT);
        try (FwpmEngine other = bfe.openSession(FwpmSession.named("other"))) {
            assertThat(other.filterEnum(FwpmFilterEnumTemplate.ALL)).isEmpty();
        }
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.ALL)).hasSize(1); // but visible to its own session
        // A failing call inside the transaction does not abort it.
        fails(FWP_E_SUBLAYER_NOT_FOUND, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).subLayer(UUID.randomUUID()).build()));
        engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V6).build());
        engine.transactionCommit();
        assertThat(classifyPort(FWPM_LAYER_ALE_AUTH_CONNECT_V4, 1).action()).isEqualTo(ActionType.FWP_ACTION_BLOCK);
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.ALL)).hasSize(2);

        engine.transactionBegin(0);
        engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).build());
        engine.transactionAbort();
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.ALL)).hasSize(2);

        fails(FWP_E_NO_TXN_IN_PROGRESS, engine::transactionCommit);
        fails(FWP_E_NO_TXN_IN_PROGRESS, engine::transactionAbort);

        engine.transactionBegin(FwpmEngine.FWPM_TXN_READ_ONLY);
        fails(FWP_E_INCOMPATIBLE_TXN, () -> engine.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).build()));
        engine.transactionCommit();
    }

    @Test
    void oneWriterAtATimeAndWaitersTimeOut() {
        engine.transactionBegin(0);
        FwpmSession impatient = new FwpmSession(null, null, 0, 100, 0, 0, null);
        try (FwpmEngine other = bfe.openSession(impatient)) {
            long t0 = System.nanoTime();
            fails(FWP_E_TIMEOUT, () -> other.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).build()));
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(90);
            fails(FWP_E_TXN_IN_PROGRESS, () -> engine.netEventSubscribe(io.jwfp.bfe.netevent.NetEventEnumTemplate.ALL, e -> { }));
            engine.transactionCommit();
            other.filterAdd(block(FWPM_LAYER_INBOUND_IPPACKET_V4).build());
        }
    }

    @Test
    void effectiveWeightIsComputedOnAdd() {
        FwpmFilter exact = engine.filterAddAndGet(block(FWPM_LAYER_INBOUND_IPPACKET_V4).weightExact(0xFFFF_FFFF_0000_0002L).build());
        assertThat(exact.effectiveWeight()).isEqualTo(0xFFFF_FFFF_0000_0002L);
        FwpmFilter band = engine.filterAddAndGet(block(FWPM_LAYER_INBOUND_IPPACKET_V4).weightRange(8).build());
        assertThat(band.effectiveWeight() >>> 60).isEqualTo(8);
        FwpmFilter auto = engine.filterAddAndGet(block(FWPM_LAYER_INBOUND_IPPACKET_V4).build());
        assertThat(auto.effectiveWeight()).isZero(); // no conditions: the automatic weight is 0
    }

    @Test
    void aCalloutNotifyFnCanVetoAFilterAdd() {
        UUID key = UUID.randomUUID();
        bfe.filterEngine().calloutRegister(new FwpsCallout(key, 0, (in, meta, d, ctx, f, flow, out) -> { },
                (type, filterKey, filter) -> type == NotifyFn.NotifyType.FWPS_CALLOUT_NOTIFY_ADD_FILTER
                        && filter.context() == 13 ? FwpError.FWP_E_INVALID_PARAMETER : null, null));
        engine.calloutAdd(new FwpmCallout(key, "picky", FWPM_LAYER_ALE_AUTH_CONNECT_V4));
        fails(FWP_E_CALLOUT_NOTIFICATION_FAILED, () -> engine.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, key).rawContext(13).build()));
        engine.filterAdd(FwpmFilter.builder().layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)
                .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, key).rawContext(14).build());
        assertThat(engine.calloutGetByKey(key).flags() & FwpmCallout.FWPM_CALLOUT_FLAG_REGISTERED).isNotZero();
    }

    @Test
    void enumerationTemplatesSelectByConditionSpace() {
        var port80 = FwpmFilterCondition.equal(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(80));
        var ports = new FwpmFilterCondition(FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_RANGE,
                new FwpValue.Range(FwpValue.uint16(1), FwpValue.uint16(1024)));
        var port8080 = FwpmFilterCondition.equal(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(8080));
        long a = engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).condition(port80).build());
        long b = engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).condition(ports).build());
        long c = engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).condition(port8080).build());
        long d = engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).build());
        var t = FwpmFilterEnumTemplate.byLayer(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
        assertThat(engine.filterEnum(t.withConditions(FwpmFilterEnumTemplate.FWP_FILTER_ENUM_FULLY_CONTAINED, List.of(ports))))
                .extracting(FwpmFilter::filterId).containsExactly(a, b);
        assertThat(engine.filterEnum(t.withConditions(FwpmFilterEnumTemplate.FWP_FILTER_ENUM_OVERLAPPING, List.of(port80))))
                .extracting(FwpmFilter::filterId).containsExactly(a, b, d);
        assertThat(engine.filterEnum(t.withConditions(FwpmFilterEnumTemplate.FWP_FILTER_ENUM_OVERLAPPING, List.of(port8080))))
                .extracting(FwpmFilter::filterId).containsExactly(c, d);
    }

    @Test
    void disabledFiltersAreStoredButNotEnforced() {
        long id = engine.filterAdd(block(FWPM_LAYER_ALE_AUTH_CONNECT_V4).flags(FilterFlags.FWPM_FILTER_FLAG_DISABLED).build());
        assertThat(classifyPort(FWPM_LAYER_ALE_AUTH_CONNECT_V4, 1).action()).isEqualTo(ActionType.FWP_ACTION_PERMIT);
        assertThat(engine.filterGetById(id).hasFlag(FilterFlags.FWPM_FILTER_FLAG_DISABLED)).isTrue();
        assertThat(engine.filterEnum(FwpmFilterEnumTemplate.byLayer(FWPM_LAYER_ALE_AUTH_CONNECT_V4).withFlags(0))).isEmpty();
    }
}

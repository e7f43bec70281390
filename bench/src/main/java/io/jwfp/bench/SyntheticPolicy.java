package io.jwfp.bench;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmAction;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.state.EngineState;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.weight.FilterWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A reproducible firewall-like policy at FWPM_LAYER_ALE_AUTH_CONNECT_V4 and packets to classify against it.
 *
 * <p>Filters (one sublayer, distinct FWP_UINT64 weights), shaped like a host firewall with block lists:
 * <ul>
 *   <li>a few generic port rules, 5% of the filters but at most 50: a port (common or not) or a range up to 1,000
 *   wide, mostly with a protocol;</li>
 *   <li>10% application rules: one of 500 app ids, half of them with a port;</li>
 *   <li>the rest name a remote address prefix anywhere in the IPv4 space: /32 hosts (50%), /24 (20%), /25–/31
 *   (10%), /16–/23 (10%), /8–/15 (10%); half of them also with a remote port or port range, 60% with a protocol.</li>
 * </ul>
 * 45% permit, 53% block, 2% invoke an inspection callout that reads the packet. Packets: half aimed at a random
 * filter (built to satisfy its conditions, though a heavier filter may decide first), half random (mostly misses,
 * which the layer default permits).
 */
public final class SyntheticPolicy {
    public static final Layer LAYER = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
    public static final UUID SUBLAYER = UUID.fromString("6a3c0c8e-1d0b-4a8e-9a52-7f0d1e5b2c10");
    public static final UUID READER = UUID.fromString("a8d2c0f4-5b8e-4d6a-9c7e-2f1b3d4e5a60");
    static final int APPS = 500;
    static final int[] COMMON_PORTS = {22, 25, 53, 80, 123, 443, 993, 3306, 5432, 8080, 8443};

    /** What the reading callout saw, so the JIT cannot drop its work. */
    public static volatile long sink;

    public final List<FwpmSubLayer> sublayers = new ArrayList<>();
    public final List<FwpmFilter> filters = new ArrayList<>();
    private final Random rnd;

    public SyntheticPolicy(int filterCount, long seed) {
        rnd = new Random(seed);
        sublayers.add(new FwpmSubLayer(SUBLAYER, "firewall", 0x8000));
        int portRules = Math.min(filterCount / 20, 50), appRules = filterCount / 10;
        for (int i = 0; i < filterCount; i++) {
            filters.add(filter(i + 1L, i < portRules ? 1 : i < portRules + appRules ? 2 : 0));
        }
    }

    static String app(int i) {
        return "/usr/lib/app" + i + "/bin/app" + i;
    }

    /** A filter of a kind: 0 address, 1 port, 2 application. Weights are random, so the order of creation is not. */
    private FwpmFilter filter(long id, int kind) {
        List<FwpmFilterCondition> c = new ArrayList<>();
        if (kind == 0) {
            int p = rnd.nextInt(100);
            int len = p < 50 ? 32 : p < 70 ? 24 : p < 80 ? 25 + rnd.nextInt(7) : p < 90 ? 16 + rnd.nextInt(8) : 8 + rnd.nextInt(8);
            c.add(new FwpmFilterCondition(FWPM_CONDITION_IP_REMOTE_ADDRESS, MatchType.FWP_MATCH_EQUAL,
                    new FwpValue.V4AddrMask(rnd.nextInt(), FwpValue.V4AddrMask.maskOf(len))));
            if (rnd.nextBoolean()) c.add(port());
            if (rnd.nextInt(10) < 6) c.add(protocol());
        } else if (kind == 1) {
            c.add(port());
            if (rnd.nextInt(10) < 7) c.add(protocol());
        } else {
            c.add(new FwpmFilterCondition(FWPM_CONDITION_ALE_APP_ID, MatchType.FWP_MATCH_EQUAL, AppIds.of(app(rnd.nextInt(APPS)))));
            if (rnd.nextBoolean()) c.add(port());
        }
        int a = rnd.nextInt(100);
        FwpmAction action = a < 45 ? FwpmAction.PERMIT : a < 98 ? FwpmAction.BLOCK
                : FwpmAction.callout(ActionType.FWP_ACTION_CALLOUT_INSPECTION, READER);
        FwpValue weight = FwpValue.uint64(rnd.nextLong());
        FwpmFilter f = FwpmFilter.builder().name("rule " + id).layer(LAYER).subLayer(SUBLAYER).weight(weight)
                .conditions(c).action(action).build();
        return f.withOutputs(new UUID(0, id), id, FilterWeights.effectiveWeight(LAYER, weight, c));
    }

    private FwpmFilterCondition port() {
        if (rnd.nextInt(10) < 6) {
            int p = rnd.nextBoolean() ? COMMON_PORTS[rnd.nextInt(COMMON_PORTS.length)] : 1 + rnd.nextInt(65535);
            return new FwpmFilterCondition(FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_EQUAL, FwpValue.uint16(p));
        }
        int lo = rnd.nextInt(64535);
        return new FwpmFilterCondition(FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_RANGE,
                new FwpValue.Range(FwpValue.uint16(lo), FwpValue.uint16(lo + rnd.nextInt(1000))));
    }

    private FwpmFilterCondition protocol() {
        return new FwpmFilterCondition(FWPM_CONDITION_IP_PROTOCOL, MatchType.FWP_MATCH_EQUAL,
                FwpValue.uint8(rnd.nextInt(10) < 7 ? 6 : 17));
    }

    /** Registers the reading callout and publishes the policy on a new engine. */
    public FilterEngine engine() {
        FilterEngine engine = new FilterEngine();
        int remotePort = LAYER.fieldIndex(FWPM_CONDITION_IP_REMOTE_PORT);
        engine.calloutRegister(new FwpsCallout(READER, (in, meta, data, ctx, filter, flowContext, out) -> {
            sink += in.keyLo(remotePort) ^ filter.filterId(); // reads; leaves FWP_ACTION_CONTINUE
        }));
        engine.publish(EngineState.build(null, sublayers, filters, engine.callouts()::calloutId, 1));
        return engine;
    }

    /** Packets: even ones aimed at a filter, odd ones random. */
    public FwpsIncomingValues[] packets(int count) {
        FwpsIncomingValues[] out = new FwpsIncomingValues[count];
        byte[][] apps = new byte[APPS][];
        for (int i = 0; i < APPS; i++) apps[i] = AppIds.encode(app(i));
        for (int i = 0; i < count; i++) {
            int addr = rnd.nextInt();
            int port = rnd.nextBoolean() ? COMMON_PORTS[rnd.nextInt(COMMON_PORTS.length)] : 1024 + rnd.nextInt(64512);
            int proto = rnd.nextInt(10) < 7 ? 6 : 17;
            byte[] app = apps[rnd.nextInt(APPS)];
            if (i % 2 == 0 && !filters.isEmpty()) {
                for (FwpmFilterCondition c : filters.get(rnd.nextInt(filters.size())).filterCondition()) {
                    switch (c.conditionValue()) {
                        case FwpValue.V4AddrMask m -> addr = (m.addr() & m.mask()) | (rnd.nextInt() & ~m.mask());
                        case FwpValue.UInt16 p -> port = p.value();
                        case FwpValue.Range r -> {
                            int lo = ((FwpValue.UInt16) r.low()).value(), hi = ((FwpValue.UInt16) r.high()).value();
                            port = lo + rnd.nextInt(hi - lo + 1);
                        }
                        case FwpValue.UInt8 p -> proto = p.value();
                        case FwpValue.ByteBlob b -> app = b.bytes();
                        default -> { }
                    }
                }
            }
            FwpsIncomingValues in = new FwpsIncomingValues(LAYER);
            in.setUint32(LAYER.fieldIndex(FWPM_CONDITION_IP_REMOTE_ADDRESS), addr);
            in.setUint16(LAYER.fieldIndex(FWPM_CONDITION_IP_REMOTE_PORT), port);
            in.setUint16(LAYER.fieldIndex(FWPM_CONDITION_IP_LOCAL_PORT), 32768 + rnd.nextInt(28232));
            in.setUint8(LAYER.fieldIndex(FWPM_CONDITION_IP_PROTOCOL), proto);
            in.setByteBlob(LAYER.fieldIndex(FWPM_CONDITION_ALE_APP_ID), app);
            out[i] = in;
        }
        return out;
    }
}

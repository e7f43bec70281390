package io.jwfp.engine.index;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_FLAGS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_ALL_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_ANY_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_FLAGS_NONE_SET;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_GREATER;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_GREATER_OR_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_LESS;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_LESS_OR_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_NOT_EQUAL;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_NOT_PREFIX;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_PREFIX;
import static io.jwfp.engine.value.MatchType.FWP_MATCH_RANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmAction;
import io.jwfp.engine.model.FwpmDisplayData;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.state.EngineState;
import io.jwfp.engine.state.LayerState;
import io.jwfp.engine.testing.ReferenceArbiter;
import io.jwfp.engine.testing.ReferenceArbiter.Invocation;
import io.jwfp.engine.testing.ReferenceArbiter.Out;
import io.jwfp.engine.testing.ReferenceArbiter.Outcome;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.Values;
import io.jwfp.engine.weight.FilterWeights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Classification through the per-sublayer {@link FilterIndex} gives exactly what a naive walk of every filter gives
 * ({@link ReferenceArbiter}): same action, deciding filter, hard/soft, veto, absorb, and the same callouts invoked
 * with the same rights and flow contexts, in the same order. Policies mix IPv4/IPv6 prefixes, ranges, orderings,
 * NOT_EQUAL, flags, app-id blobs, FWP_EMPTY, repeated (ORed) fields, static and callout actions, weights of every
 * form, disabled filters and sublayers of equal weight; every sublayer holds more filters than the index's threshold.
 */
class IndexEquivalenceProperties {

    // ---- the scenario ----

    record SublayerSpec(int weight, List<FwpmFilter> filters) {}

    record PacketSpec(Map<ConditionKey, FwpValue> values, Long flow) {}

    record Scenario(Layer layer, List<SublayerSpec> sublayers, List<PacketSpec> packets) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(layer.shortName()).append('\n');
            for (SublayerSpec s : sublayers) {
                sb.append("  sublayer weight ").append(s.weight).append('\n');
                for (FwpmFilter f : s.filters) sb.append("    ").append(f.weight()).append(' ').append(f.flags()).append(' ').append(f).append('\n');
            }
            for (PacketSpec p : packets) sb.append("  packet ").append(p).append('\n');
            return sb.toString();
        }
    }

    static final List<String> CALLOUTS = List.of("alpha", "beta", "per-flow", "missing");
    static final long FLOW_WITH_CONTEXTS = 1, FLOW_WITHOUT = 2;

    // Fixed seeds keep the coverage checks below deterministic in CI; change a seed locally to explore more cases.
    @Property(tries = 250, seed = "7150227263815409813")
    void the_index_classifies_exactly_like_a_walk_of_every_filter(@ForAll("scenarios") Scenario s) {
        check(s);
    }

    /** Fewer, larger sublayers: levels with hundreds of intervals, searched through their directory. */
    @Property(tries = 40, seed = "4620693217682253027")
    void so_does_an_index_over_hundreds_of_filters(@ForAll("largeScenarios") Scenario s) {
        check(s);
        LayerState ls = new FilterEngineProbe(s).layer();
        boolean directory = false;
        for (int i = 0; ls != null && i < ls.sublayerCount(); i++) directory |= ls.sublayer(i).index().toString().contains("directory");
        Statistics.label("a level with a directory").collect(directory);
        Statistics.label("a level with a directory").coverage(c -> c.check(true).percentage(p -> p >= 15));
    }

    /** Builds the scenario's snapshot alone, to look at its indexes. */
    record FilterEngineProbe(Scenario s) {
        LayerState layer() {
            List<FwpmSubLayer> sublayers = new ArrayList<>();
            List<FwpmFilter> filters = new ArrayList<>();
            long id = 1;
            for (int i = 0; i < s.sublayers().size(); i++) {
                UUID sk = UUID.nameUUIDFromBytes(("sublayer " + i).getBytes());
                sublayers.add(new FwpmSubLayer(sk, "sublayer " + i, s.sublayers().get(i).weight()));
                for (FwpmFilter f : s.sublayers().get(i).filters()) {
                    FwpmFilter inSub = new FwpmFilter(null, f.displayData(), f.flags(), null, null, f.layerKey(), sk,
                            f.weight(), f.filterCondition(), f.action(), 0, 0, 0);
                    filters.add(inSub.withOutputs(UUID.randomUUID(), id++,
                            FilterWeights.effectiveWeight(f.layerKey(), f.weight(), f.filterCondition())));
                }
            }
            return EngineState.build(null, sublayers, filters, k -> 1, 1).layer(s.layer());
        }
    }

    void check(Scenario s) {
        List<Invocation> engineLog = new ArrayList<>();
        FilterEngine engine = new FilterEngine();
        for (String name : CALLOUTS) {
            if (name.equals("missing")) continue;
            UUID key = key(name);
            int flags = name.equals("per-flow") ? FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW : 0;
            engine.calloutRegister(new FwpsCallout(key, flags, (in, meta, data, ctx, filter, flowContext, out) -> {
                engineLog.add(new Invocation(key, filter.filterId(), out.actionType, out.canWrite(), flowContext));
                Out o = behaviour(key, filter.filterId(), out.actionType, out.canWrite(), in.value(FWPM_CONDITION_IP_REMOTE_PORT));
                out.actionType = o.action();
                if (!o.writeRight()) out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
                if (o.absorb()) out.flags |= FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB;
            }, null, null));
        }
        for (String name : List.of("alpha", "per-flow")) {
            engine.flowContexts().associate(FLOW_WITH_CONTEXTS, s.layer().layerId(), engine.callouts().calloutId(key(name)),
                    0x100L + name.length());
        }

        // What BFE would do: sublayers, filter ids, effective weights; then one snapshot.
        List<FwpmSubLayer> sublayers = new ArrayList<>();
        List<FwpmFilter> filters = new ArrayList<>();
        long id = 1;
        for (int i = 0; i < s.sublayers().size(); i++) {
            SublayerSpec spec = s.sublayers().get(i);
            UUID sk = UUID.nameUUIDFromBytes(("sublayer " + i).getBytes());
            sublayers.add(new FwpmSubLayer(sk, "sublayer " + i, spec.weight()));
            for (FwpmFilter f : spec.filters()) {
                FwpmFilter inSub = new FwpmFilter(null, f.displayData(), f.flags(), null, null, f.layerKey(), sk,
                        f.weight(), f.filterCondition(), f.action(), 0, 0, 0);
                long effective = FilterWeights.effectiveWeight(f.layerKey(), f.weight(), f.filterCondition());
                filters.add(inSub.withOutputs(UUID.randomUUID(), id++, effective));
            }
        }
        EngineState state = EngineState.build(null, sublayers, filters, engine.callouts()::calloutId, 1);
        engine.publish(state);

        LayerState ls = state.layer(s.layer());
        boolean indexed = false, appLevel = false;
        int levels = 0;
        int appField = s.layer().fieldIndex(FWPM_CONDITION_ALE_APP_ID);
        for (int i = 0; ls != null && i < ls.sublayerCount(); i++) {
            FilterIndex idx = ls.sublayer(i).index();
            indexed |= idx.field() >= 0;
            levels = Math.max(levels, idx.levelCount());
            for (int l = 0; l < idx.levelCount(); l++) appLevel |= idx.levelField(l) == appField;
        }
        Statistics.label("some sublayer indexed").collect(indexed);
        Statistics.label("some sublayer indexed").coverage(c -> c.check(true).percentage(p -> p >= 30));
        Statistics.label("most index levels in a sublayer").collect(levels);
        Statistics.label("a sublayer with 2+ index levels").collect(levels >= 2);
        Statistics.label("a sublayer with 2+ index levels").coverage(c -> c.check(true).percentage(p -> p >= 3));
        Statistics.label("an exact app-id level").collect(appLevel);
        Statistics.label("an exact app-id level").coverage(c -> c.check(true).percentage(p -> p >= 5));

        ReferenceArbiter.CalloutModel model = new ReferenceArbiter.CalloutModel() {
            public boolean registered(UUID k) {
                return !k.equals(key("missing"));
            }

            public boolean conditionalOnFlow(UUID k) {
                return k.equals(key("per-flow"));
            }

            public Long flowContext(UUID k, long flow) {
                if (flow != FLOW_WITH_CONTEXTS) return null;
                if (k.equals(key("alpha"))) return 0x100L + "alpha".length();
                if (k.equals(key("per-flow"))) return 0x100L + "per-flow".length();
                return null;
            }

            public Out classify(UUID k, long filterId, ActionType entry, boolean write, Map<ConditionKey, FwpValue> in) {
                return behaviour(k, filterId, entry, write, in.getOrDefault(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.EMPTY));
            }
        };

        FwpsIncomingValues in = new FwpsIncomingValues();
        FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
        ClassifyResult out = new ClassifyResult();
        int decided = 0;
        for (PacketSpec packet : s.packets()) {
            in.reset(s.layer());
            for (var e : packet.values().entrySet()) in.set(e.getKey(), e.getValue());
            meta.reset();
            if (packet.flow() != null) meta.setFlowHandle(packet.flow());
            engineLog.clear();

            engine.classify(in, meta, null, out);
            Outcome expected = ReferenceArbiter.classify(s.layer(), sublayers, filters, packet.values(), packet.flow(), model);

            Outcome actual = new Outcome(out.action(), out.filterId(), out.isHard(), out.isVeto(), out.isAbsorbed(),
                    List.copyOf(engineLog));
            assertThat(actual).as("packet %s", packet).isEqualTo(expected);
            assertThat(out.calloutsInvoked()).isEqualTo(expected.invocations().size());
            if (expected.filterId() != 0) decided++;
        }
        Statistics.label("packets decided by a filter").collect(decided == 0 ? "none" : decided == s.packets().size() ? "all" : "some");
    }

    /** A callout's behaviour: a pure function of what it sees, so engine and reference get the same answers. */
    static Out behaviour(UUID callout, long filterId, ActionType entry, boolean write, FwpValue remotePort) {
        int h = Objects.hash(callout, filterId, remotePort.toString());
        h ^= h >>> 16;
        ActionType a = switch (Math.floorMod(h, 5)) {
            case 0 -> ActionType.FWP_ACTION_PERMIT;
            case 1 -> ActionType.FWP_ACTION_BLOCK;
            case 2 -> ActionType.FWP_ACTION_CONTINUE;
            case 3 -> ActionType.FWP_ACTION_NONE;
            default -> entry; // leaves actionType untouched
        };
        boolean clears = ((h >>> 4) & 3) == 0;
        boolean absorb = ((h >>> 7) & 7) == 0;
        return new Out(a, write && !clears, absorb);
    }

    static UUID key(String callout) {
        return UUID.nameUUIDFromBytes(("callout " + callout).getBytes());
    }

    // ---- generators ----

    static final Layer V4 = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
    static final Layer V6 = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V6;

    static final long[] V4_POOL = {0x0A000001L, 0x0A000002L, 0x0A0001FEL, 0x0A010001L, 0xC0A8010AL, 0xC0A80114L,
            0x08080808L, 0x7F000001L, 0x00000000L, 0xFFFFFFFFL};
    static final String[] V6_POOL = {"2001:db8::1", "2001:db8::2", "2001:db8:0:1::1", "2001:db8:1::1", "fe80::1",
            "::1", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::8000:0:0:1", "8000::"};
    static final int[] PORTS = {0, 22, 53, 80, 443, 999, 1000, 1500, 2000, 2001, 8080, 65535};
    static final int[] PROTOCOLS = {1, 6, 17, 58};
    static final long[] FLAG_MASKS = {0x1, 0x4, 0x5, 0x8, 0x10, 0x24};
    static final String[] APPS = {"/usr/bin/curl", "/usr/bin/wget", "/opt/google/chrome/chrome", "/usr/sbin/sshd", "/bin/chrome",
            "/usr/bin/git", "/usr/bin/ssh", "/usr/lib/firefox/firefox", "/usr/bin/apt", "/usr/bin/python3"};
    static final String[] APP_SUFFIXES = {"chrome", "/curl", "d", "/usr/bin/wget"};

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.of(V4, V6).flatMap(layer -> Combinators.combine(
                sublayer(layer).list().ofMinSize(1).ofMaxSize(3),
                packet(layer).list().ofMinSize(20).ofMaxSize(40)).as((subs, packets) -> new Scenario(layer, subs, packets)));
    }

    /** A sublayer; its filters lean towards one kind of condition (none, app ids, remote ports, local addresses). */
    Arbitrary<SublayerSpec> sublayer(Layer layer) {
        return sublayer(layer, FilterIndex.MIN_FILTERS + 1, 60, Arbitraries.integers().between(0, 3));
    }

    /** Focus 4 is a block list: mostly exact addresses and prefixes with random values. */
    Arbitrary<SublayerSpec> sublayer(Layer layer, int min, int max, Arbitrary<Integer> foci) {
        return foci.flatMap(focus -> Combinators.combine(
                Arbitraries.of(0x0100, 0x8000, 0x8000, 0xF000, 0xFFFF),
                filter(layer, focus).list().ofMinSize(min).ofMaxSize(max)).as(SublayerSpec::new));
    }

    /** Sublayers of 100-300 filters, half of them block lists; packets often aimed at a filter's address. */
    @Provide
    Arbitrary<Scenario> largeScenarios() {
        Arbitrary<Integer> foci = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 3)), net.jqwik.api.Tuple.of(1, Arbitraries.just(4)));
        return Arbitraries.of(V4, V6).flatMap(layer -> sublayer(layer, 100, 300, foci).list().ofMinSize(1).ofMaxSize(2)
                .flatMap(subs -> {
                    List<FwpValue> aimed = new ArrayList<>();
                    for (SublayerSpec sub : subs) {
                        for (FwpmFilter f : sub.filters()) {
                            for (FwpmFilterCondition fc : f.filterCondition()) {
                                if (fc.conditionValue() instanceof FwpValue.V4AddrMask m) {
                                    aimed.add(FwpValue.uint32(m.addr() & 0xFFFF_FFFFL));
                                    aimed.add(FwpValue.uint32((m.addr() ^ 1) & 0xFFFF_FFFFL));
                                } else if (fc.conditionValue() instanceof FwpValue.V6AddrMask m) {
                                    aimed.add(new FwpValue.ByteArray16(m.addr()));
                                }
                            }
                        }
                    }
                    Arbitrary<PacketSpec> packets = aimed.isEmpty() ? packet(layer)
                            : Combinators.combine(packet(layer), Arbitraries.of(aimed), Arbitraries.integers().between(0, 2))
                                    .as((pk, a, coin) -> {
                                        if (coin == 0) return pk;
                                        Map<ConditionKey, FwpValue> m = new LinkedHashMap<>(pk.values());
                                        m.put(FWPM_CONDITION_IP_REMOTE_ADDRESS, a);
                                        return new PacketSpec(m, pk.flow());
                                    });
                    return packets.list().ofMinSize(40).ofMaxSize(60).map(ps -> new Scenario(layer, subs, ps));
                }));
    }

    Arbitrary<FwpmFilter> filter(Layer layer, int focus) {
        // Mostly specific filters, so that many packets match nothing; now and then a match-all one.
        Arbitrary<List<FwpmFilterCondition>> conditions = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, condition(layer, focus).list().ofMinSize(1).ofMaxSize(4)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of())));
        Arbitrary<FwpValue> weight = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(FwpValue.EMPTY)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 15).map(FwpValue::uint8)),
                net.jqwik.api.Tuple.of(4, Arbitraries.of(0L, 1L, 2L, 0x7FFF_FFFF_FFFF_FFFFL, 0x8000_0000_0000_0000L, -1L)
                        .map(FwpValue::uint64)));
        Arbitrary<FwpmAction> action = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(FwpmAction.PERMIT)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(FwpmAction.BLOCK)),
                net.jqwik.api.Tuple.of(4, Combinators.combine(
                        Arbitraries.of(ActionType.FWP_ACTION_CALLOUT_TERMINATING, ActionType.FWP_ACTION_CALLOUT_INSPECTION,
                                ActionType.FWP_ACTION_CALLOUT_UNKNOWN),
                        Arbitraries.of(CALLOUTS)).as((t, c) -> FwpmAction.callout(t, key(c)))));
        Arbitrary<Integer> flags = Combinators.combine(
                Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 99))
                .as((a, b, c) -> (a < 25 ? FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT : 0)
                        | (b < 5 ? FilterFlags.FWPM_FILTER_FLAG_DISABLED : 0)
                        | (c < 30 ? FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED : 0));
        return Combinators.combine(conditions, weight, action, flags).as((cs, w, a, fl) -> {
            int f = fl;
            if (a.type() != ActionType.FWP_ACTION_CALLOUT_TERMINATING && a.type() != ActionType.FWP_ACTION_CALLOUT_UNKNOWN) {
                f &= ~FilterFlags.FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED; // only valid on those
            }
            return new FwpmFilter(null, FwpmDisplayData.of(""), f, null, null, layer, null, w, cs, a, 0, 0, 0);
        });
    }

    Arbitrary<FwpmFilterCondition> condition(Layer layer, int focus) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(focus == 4 ? 40 : 0, blockListAddress(layer)),
                net.jqwik.api.Tuple.of(focus == 1 ? 1 : 6, address(layer, FWPM_CONDITION_IP_REMOTE_ADDRESS)),
                net.jqwik.api.Tuple.of(focus == 3 ? 12 : 2, address(layer, FWPM_CONDITION_IP_LOCAL_ADDRESS)),
                net.jqwik.api.Tuple.of(focus == 2 ? 12 : 4, port(FWPM_CONDITION_IP_REMOTE_PORT)),
                net.jqwik.api.Tuple.of(2, port(FWPM_CONDITION_IP_LOCAL_PORT)),
                net.jqwik.api.Tuple.of(3, protocol()),
                net.jqwik.api.Tuple.of(2, flags()),
                net.jqwik.api.Tuple.of(focus == 1 ? 30 : 3, app()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(FWPM_CONDITION_IP_REMOTE_PORT, FWPM_CONDITION_IP_REMOTE_ADDRESS, FWPM_CONDITION_ALE_APP_ID)
                        .map(f -> new FwpmFilterCondition(f, FWP_MATCH_EQUAL, FwpValue.EMPTY))));
    }

    static final MatchType[] ORDERINGS = {FWP_MATCH_GREATER, FWP_MATCH_LESS, FWP_MATCH_GREATER_OR_EQUAL, FWP_MATCH_LESS_OR_EQUAL};

    static FwpmFilterCondition c(ConditionKey f, MatchType m, FwpValue v) {
        return new FwpmFilterCondition(f, m, v);
    }

    Arbitrary<FwpValue> addressValue(Layer layer) {
        if (layer == V4) {
            return Arbitraries.oneOf(Arbitraries.of(V4_POOL.length == 0 ? new Long[0] : box(V4_POOL)).map(FwpValue::uint32),
                    Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(FwpValue::uint32));
        }
        return Arbitraries.of(V6_POOL).map(s -> new FwpValue.ByteArray16(Values.ipv6(s, null)));
    }

    Arbitrary<FwpmFilterCondition> address(Layer layer, ConditionKey f) {
        Arbitrary<FwpValue> a = addressValue(layer);
        Arbitrary<FwpValue> masked;
        if (layer == V4) {
            masked = Combinators.combine(a, Arbitraries.integers().between(0, 32))
                    .as((v, p) -> new FwpValue.V4AddrMask((int) ((FwpValue.UInt32) v).value(), FwpValue.V4AddrMask.maskOf(p)));
        } else {
            masked = Combinators.combine(a, Arbitraries.oneOf(Arbitraries.of(0, 16, 32, 48, 64, 96, 112, 127, 128),
                    Arbitraries.integers().between(0, 128)))
                    .as((v, p) -> new FwpValue.V6AddrMask(((FwpValue.ByteArray16) v).bytes(), p));
        }
        return Arbitraries.oneOf(
                a.map(v -> c(f, FWP_MATCH_EQUAL, v)),
                masked.map(v -> c(f, FWP_MATCH_EQUAL, v)),
                masked.map(v -> c(f, FWP_MATCH_EQUAL, v)),
                masked.map(v -> c(f, FWP_MATCH_NOT_EQUAL, v)),
                a.map(v -> c(f, FWP_MATCH_NOT_EQUAL, v)),
                Combinators.combine(a, Arbitraries.of(ORDERINGS)).as((v, m) -> c(f, m, v)),
                Combinators.combine(a, a).as((x, y) -> c(f, FWP_MATCH_RANGE, range(x, y))));
    }

    /** An exact remote address or a long prefix, anywhere in the address space. */
    Arbitrary<FwpmFilterCondition> blockListAddress(Layer layer) {
        if (layer == V4) {
            return Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(16, 32)).as((a, p) ->
                    c(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.V4AddrMask(a, FwpValue.V4AddrMask.maskOf(p))));
        }
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(16), Arbitraries.integers().between(32, 128))
                .as((a, p) -> c(FWPM_CONDITION_IP_REMOTE_ADDRESS, FWP_MATCH_EQUAL, new FwpValue.V6AddrMask(a, p)));
    }

    static FwpValue.Range range(FwpValue x, FwpValue y) {
        boolean ordered = switch (x) {
            case FwpValue.UInt32 u -> u.value() <= ((FwpValue.UInt32) y).value();
            case FwpValue.UInt16 u -> u.value() <= ((FwpValue.UInt16) y).value();
            case FwpValue.UInt8 u -> u.value() <= ((FwpValue.UInt8) y).value();
            case FwpValue.ByteArray16 b -> java.util.Arrays.compareUnsigned(b.bytes(), ((FwpValue.ByteArray16) y).bytes()) <= 0;
            default -> throw new IllegalArgumentException();
        };
        return ordered ? new FwpValue.Range(x, y) : new FwpValue.Range(y, x);
    }

    Arbitrary<FwpmFilterCondition> port(ConditionKey f) {
        Arbitrary<FwpValue> p = Arbitraries.oneOf(Arbitraries.of(box(PORTS)).map(FwpValue::uint16),
                Arbitraries.integers().between(0, 65535).map(FwpValue::uint16));
        return Arbitraries.oneOf(
                p.map(v -> c(f, FWP_MATCH_EQUAL, v)),
                p.map(v -> c(f, FWP_MATCH_EQUAL, v)),
                p.map(v -> c(f, FWP_MATCH_NOT_EQUAL, v)),
                Combinators.combine(p, Arbitraries.of(ORDERINGS)).as((v, m) -> c(f, m, v)),
                Combinators.combine(p, p).as((x, y) -> c(f, FWP_MATCH_RANGE, range(x, y))),
                Combinators.combine(p, p).as((x, y) -> c(f, FWP_MATCH_EQUAL, range(x, y))));
    }

    Arbitrary<FwpmFilterCondition> protocol() {
        Arbitrary<FwpValue> p = Arbitraries.of(box(PROTOCOLS)).map(FwpValue::uint8);
        return Arbitraries.oneOf(
                p.map(v -> c(FWPM_CONDITION_IP_PROTOCOL, FWP_MATCH_EQUAL, v)),
                p.map(v -> c(FWPM_CONDITION_IP_PROTOCOL, FWP_MATCH_NOT_EQUAL, v)),
                Combinators.combine(p, p).as((x, y) -> c(FWPM_CONDITION_IP_PROTOCOL, FWP_MATCH_RANGE, range(x, y))));
    }

    Arbitrary<FwpmFilterCondition> flags() {
        return Combinators.combine(Arbitraries.of(FWP_MATCH_FLAGS_ALL_SET, FWP_MATCH_FLAGS_ANY_SET, FWP_MATCH_FLAGS_NONE_SET),
                Arbitraries.of(box(FLAG_MASKS))).as((m, v) -> c(FWPM_CONDITION_FLAGS, m, FwpValue.uint32(v)));
    }

    Arbitrary<FwpmFilterCondition> app() {
        return Arbitraries.oneOf(
                Arbitraries.of(APPS).map(a -> c(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, AppIds.of(a))),
                Arbitraries.of(APPS).map(a -> c(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, AppIds.of(a))),
                Arbitraries.of(APPS).map(a -> c(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, AppIds.of(a))),
                Arbitraries.of(APPS).map(a -> c(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_EQUAL, AppIds.of(a))),
                Arbitraries.of(APPS).map(a -> c(FWPM_CONDITION_ALE_APP_ID, FWP_MATCH_NOT_EQUAL, AppIds.of(a))),
                Combinators.combine(Arbitraries.of(APPS), Arbitraries.of(FWP_MATCH_GREATER, FWP_MATCH_LESS_OR_EQUAL))
                        .as((a, m) -> c(FWPM_CONDITION_ALE_APP_ID, m, AppIds.of(a))),
                Combinators.combine(Arbitraries.of(APP_SUFFIXES), Arbitraries.of(FWP_MATCH_PREFIX, FWP_MATCH_NOT_PREFIX))
                        .as((a, m) -> c(FWPM_CONDITION_ALE_APP_ID, m, AppIds.of(a))));
    }

    Arbitrary<PacketSpec> packet(Layer layer) {
        Arbitrary<FwpValue> port = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(7, Arbitraries.of(box(PORTS)).map(FwpValue::uint16)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 65535).map(FwpValue::uint16)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(FwpValue.EMPTY)));
        Arbitrary<FwpValue> addr = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, addressValue(layer)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(FwpValue.EMPTY)));
        Arbitrary<FwpValue> proto = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.of(box(PROTOCOLS)).map(FwpValue::uint8)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(FwpValue.EMPTY)));
        Arbitrary<FwpValue> flags = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.longs().between(0, 0x3F).map(FwpValue::uint32)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(FwpValue.EMPTY)));
        Arbitrary<FwpValue> app = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.of(APPS).map(AppIds::of)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(FwpValue.EMPTY)));
        Arbitrary<Long> flow = Arbitraries.of(FLOW_WITH_CONTEXTS, FLOW_WITHOUT, 0L).map(f -> f == 0 ? null : f).injectNull(0.0);
        return Combinators.combine(addr, addr, port, port, proto, flags, app, flow).as((ra, la, rp, lp, pr, fl, ap, fw) -> {
            Map<ConditionKey, FwpValue> m = new LinkedHashMap<>();
            put(m, FWPM_CONDITION_IP_REMOTE_ADDRESS, ra);
            put(m, FWPM_CONDITION_IP_LOCAL_ADDRESS, la);
            put(m, FWPM_CONDITION_IP_REMOTE_PORT, rp);
            put(m, FWPM_CONDITION_IP_LOCAL_PORT, lp);
            put(m, FWPM_CONDITION_IP_PROTOCOL, pr);
            put(m, FWPM_CONDITION_FLAGS, fl);
            put(m, FWPM_CONDITION_ALE_APP_ID, ap);
            return new PacketSpec(m, fw);
        });
    }

    static void put(Map<ConditionKey, FwpValue> m, ConditionKey k, FwpValue v) {
        if (!(v instanceof FwpValue.Empty)) m.put(k, v);
    }

    static Long[] box(long[] a) {
        return java.util.Arrays.stream(a).boxed().toArray(Long[]::new);
    }

    static Integer[] box(int[] a) {
        return java.util.Arrays.stream(a).boxed().toArray(Integer[]::new);
    }
}

package io.jwfp.engine.testing;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.callout.ClassifyFn;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmAction;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.state.EngineState;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.Values;
import io.jwfp.engine.weight.FilterWeights;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A policy written the way a test reads: sublayers, filters with conditions in text ("10.0.0.0/8", "80", "tcp"),
 * callouts with scripted behaviour, and packets to classify. It does what BFE would do on FwpmFilterAdd (assign the
 * run-time filter id and the effective weight) and publishes a fresh {@link EngineState} before each classification
 * that follows a change.
 *
 * <pre>{@code
 * TestPolicy p = new TestPolicy(Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4);
 * UUID fw = p.sublayer("FW", 0x8000);
 * long smtp = p.filter("no smtp").in(fw).when(FWPM_CONDITION_IP_REMOTE_PORT, "25").block();
 * ClassifyResult r = p.packet().with(FWPM_CONDITION_IP_REMOTE_PORT, "25").classify();
 * }</pre>
 */
public final class TestPolicy {
    private final Layer layer;
    private final FilterEngine engine = new FilterEngine();
    private final List<FwpmSubLayer> sublayers = new ArrayList<>();
    private final List<FwpmFilter> filters = new ArrayList<>();
    private final List<RecordingCallout.Call> calls = new ArrayList<>();
    private long nextFilterId = 1;
    private long generation;
    private boolean dirty = true;

    /** A policy whose filters and packets default to {@code layer}. */
    public TestPolicy(Layer layer) {
        this.layer = layer;
    }

    public Layer layer() {
        return layer;
    }

    public FilterEngine engine() {
        return engine;
    }

    /** Every filter added so far, with its run-time id and effective weight, in add order. */
    public List<FwpmFilter> filters() {
        return Collections.unmodifiableList(filters);
    }

    /** Adds a sublayer; its key is derived from the name, so the same name always gives the same key. */
    public UUID sublayer(String name, int weight) {
        UUID key = UUID.nameUUIDFromBytes(("sublayer:" + name).getBytes(StandardCharsets.UTF_8));
        sublayers.add(new FwpmSubLayer(key, name, weight));
        dirty = true;
        return key;
    }

    /** Starts a filter at the policy's layer, in FWPM_SUBLAYER_UNIVERSAL until {@link FilterSpec#in} says otherwise. */
    public FilterSpec filter(String name) {
        return new FilterSpec(name);
    }

    /**
     * Adds a filter as FwpmFilterAdd does: the effective weight is computed from the weight (which may throw
     * FWP_E_INVALID_WEIGHT), the filter gets the next run-time id (1, 2, 3...). Returns that id.
     */
    public long add(FwpmFilter f) {
        long effective = FilterWeights.effectiveWeight(f.layerKey(), f.weight(), f.filterCondition());
        long id = nextFilterId++;
        UUID key = f.filterKey() != null ? f.filterKey() : UUID.randomUUID();
        filters.add(f.withOutputs(key, id, effective));
        dirty = true;
        return id;
    }

    /** The effective weight the policy gave a filter. */
    public long effectiveWeight(long filterId) {
        for (FwpmFilter f : filters) if (f.filterId() == filterId) return f.effectiveWeight();
        throw new IllegalArgumentException("no filter " + filterId);
    }

    /** Every call of every recording callout, in the order they happened. */
    public List<RecordingCallout.Call> calls() {
        return Collections.unmodifiableList(calls);
    }

    /** The names of the recording callouts in the order they were invoked. */
    public List<String> calloutOrder() {
        return calls.stream().map(RecordingCallout.Call::callout).toList();
    }

    /** The key of a callout, derived from its name. */
    public static UUID calloutKey(String name) {
        return UUID.nameUUIDFromBytes(("callout:" + name).getBytes(StandardCharsets.UTF_8));
    }

    /** Registers a callout (FwpsCalloutRegister) that records each call and then behaves as told. */
    public RecordingCallout callout(String name, Consumer<FwpsClassifyOut> behaviour) {
        return callout(name, 0, behaviour);
    }

    /** Registers a callout with FWP_CALLOUT_FLAG_* flags. */
    public RecordingCallout callout(String name, int flags, Consumer<FwpsClassifyOut> behaviour) {
        RecordingCallout c = new RecordingCallout(name, calloutKey(name), behaviour, calls);
        engine.calloutRegister(new FwpsCallout(c.key(), flags, c, null, null));
        return c;
    }

    /** Registers a callout with a raw classifyFn. */
    public UUID callout(String name, int flags, ClassifyFn fn) {
        UUID key = calloutKey(name);
        engine.calloutRegister(new FwpsCallout(key, flags, fn, null, null));
        return key;
    }

    /** Builds the snapshot from every sublayer and filter and publishes it, as a BFE commit does. */
    public EngineState publish() {
        EngineState next = EngineState.build(engine.state(), sublayers, filters, engine.callouts()::calloutId, ++generation);
        engine.publish(next);
        dirty = false;
        return next;
    }

    /** A packet at the policy's layer with every field FWP_EMPTY. */
    public Packet packet() {
        return new Packet(layer);
    }

    /** A packet at another layer. */
    public Packet packet(Layer at) {
        return new Packet(at);
    }

    /** A condition in text form, parsed for the field as a policy file would ({@code "10.0.0.0/8"}, {@code "80-90"}). */
    public static FwpmFilterCondition condition(Layer layer, ConditionKey field, MatchType match, String text) {
        LayerField f = layer.field(field);
        if (f == null) throw new IllegalArgumentException(field.name() + " is not a field of " + layer.name());
        return new FwpmFilterCondition(field, match, Values.parseCondition(text, f));
    }

    /** One filter under construction; a terminal method (permit, block, callout) adds it and returns its id. */
    public final class FilterSpec {
        private final FwpmFilter.Builder b = FwpmFilter.builder();
        private Layer at = layer;

        FilterSpec(String name) {
            b.name(name);
        }

        public FilterSpec at(Layer l) {
            at = l;
            return this;
        }

        public FilterSpec in(UUID sublayer) {
            b.subLayer(sublayer);
            return this;
        }

        /** FWP_UINT64 weight, used verbatim. */
        public FilterSpec weight(long exact) {
            b.weightExact(exact);
            return this;
        }

        /** FWP_UINT8 weight range 0..15. */
        public FilterSpec weightRange(int range) {
            b.weightRange(range);
            return this;
        }

        /** Any FWP_VALUE0 weight (FWP_EMPTY for automatic). */
        public FilterSpec weight(FwpValue w) {
            b.weight(w);
            return this;
        }

        public FilterSpec flags(int fwpmFilterFlags) {
            b.addFlags(fwpmFilterFlags);
            return this;
        }

        public FilterSpec rawContext(long context) {
            b.rawContext(context);
            return this;
        }

        /** An FWP_MATCH_EQUAL condition written as text. */
        public FilterSpec when(ConditionKey field, String text) {
            return when(field, MatchType.FWP_MATCH_EQUAL, text);
        }

        public FilterSpec when(ConditionKey field, MatchType match, String text) {
            b.condition(condition(at, field, match, text));
            return this;
        }

        public FilterSpec when(ConditionKey field, MatchType match, FwpValue value) {
            b.condition(new FwpmFilterCondition(field, match, value));
            return this;
        }

        public long permit() {
            return add(b.layer(at).action(FwpmAction.PERMIT).build());
        }

        public long block() {
            return add(b.layer(at).action(FwpmAction.BLOCK).build());
        }

        /** A callout action naming a callout key (registered or not). */
        public long callout(ActionType type, UUID calloutKey) {
            return add(b.layer(at).calloutAction(type, calloutKey).build());
        }

        public long callout(ActionType type, RecordingCallout callout) {
            return callout(type, callout.key());
        }
    }

    /** Incoming values (and metadata) for one classification. */
    public final class Packet {
        private final FwpsIncomingValues in;
        private final FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();

        Packet(Layer at) {
            in = new FwpsIncomingValues(at);
        }

        /** Sets a field from text, parsed as {@code jwfp explain --field} would. */
        public Packet with(ConditionKey field, String text) {
            LayerField f = in.layer().field(field);
            if (f == null) throw new IllegalArgumentException(field.name() + " is not a field of " + in.layer().name());
            in.set(field, Values.parseIncoming(text, f));
            return this;
        }

        public Packet with(ConditionKey field, FwpValue value) {
            in.set(field, value);
            return this;
        }

        /** Classifies as part of a flow (FWPS_METADATA_FIELD_FLOW_HANDLE). */
        public Packet flow(long flowHandle) {
            meta.setFlowHandle(flowHandle);
            return this;
        }

        public FwpsIncomingValues values() {
            return in;
        }

        public FwpsIncomingMetadataValues metadata() {
            return meta;
        }

        /** Publishes pending policy changes, then classifies. */
        public ClassifyResult classify() {
            if (dirty) publish();
            ClassifyResult out = new ClassifyResult();
            engine.classify(in, meta, null, out);
            return out;
        }
    }
}

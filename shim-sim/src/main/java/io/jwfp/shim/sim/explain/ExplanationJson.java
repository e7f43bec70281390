package io.jwfp.shim.sim.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link FlowExplanation} as JSON and back: the shape {@code jwfp explain --flow --json} prints and jwfpd's
 * {@code explain.flow} answer carries. Field names are the record components' names, in their order:
 * {@code flow, direction, app, action, blockingLayer, layers[event, layer, packetDirection, reached, action, filterId,
 * filterName, filterKey, hard, veto, absorbed, sublayers[name, key, weight, writeRight, result, effect, filters[id,
 * name, key, weight, action, result, calloutInvoked, calloutReturned, note, decides]]]}. Thread-safe.
 */
public final class ExplanationJson {
    private ExplanationJson() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static ObjectNode toJson(FlowExplanation e) {
        return MAPPER.valueToTree(e);
    }

    /** Reads what {@link #toJson} wrote; IllegalArgumentException when the JSON is not of that shape. */
    public static FlowExplanation fromJson(JsonNode json) {
        try {
            return MAPPER.treeToValue(json, FlowExplanation.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a flow explanation: " + e.getOriginalMessage());
        }
    }
}

package io.jwfp.policy;

import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.FwpValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A parsed, checked policy file: every name resolved, every value typed, every condition valid for its layer. Apply
 * it with {@link PolicyApplier}. Each object remembers where it was written, for error messages.
 */
public record Policy(Path file, List<Provider> providers, List<Sublayer> sublayers, List<Callout> callouts,
                     List<Filter> filters) {

    /** Where an object was written: its line and its path in the document (e.g. {@code filters[2]}). */
    public record Where(int line, String path) {}

    public record Provider(String name, UUID key, String description, boolean persistent, Where where) {}

    public record Sublayer(String name, UUID key, int weight, UUID providerKey, String description, boolean persistent,
                           Where where) {}

    public record Callout(String name, UUID key, Layer layer, String implementation, Map<String, Object> config,
                          UUID providerKey, String description, boolean persistent, Where where,
                          Where implementationWhere) {}

    public record Filter(String name, UUID key, Layer layer, UUID subLayerKey, FwpValue weight,
                         List<FwpmFilterCondition> conditions, ActionType action, UUID calloutKey, int flags,
                         UUID providerKey, String description, long rawContext, Where where) {}
}

package io.jwfp.engine.netsh;

import io.jwfp.engine.layer.FieldType;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code netsh wfp show filters} ({@code wfpdiag}) or {@code netsh wfp show state} ({@code wfpstate}) dump
 * holds, element by element, as netsh wrote it: keys stay text (a GUID in braces or a symbolic name, see
 * {@link NetshNames}), values are typed. {@link NetshReader} reads dumps into it (real ones from Windows and jwfp's
 * own), {@link NetshWriter} writes it back in netsh's element structure. Immutable records; thread-safe.
 *
 * @param kind             which command wrote it
 * @param source           where it was read from (for messages), or null
 * @param timeStamp        {@code <timeStamp>} of a state dump, or null
 * @param sessions         {@code <sessions>} (state dumps)
 * @param layers           {@code <layers>} (state dumps): every layer with its fields
 * @param providers        {@code <providers>}
 * @param providerContexts {@code <providerContexts>} (state dumps)
 * @param subLayers        {@code <subLayers>} (state dumps)
 * @param callouts         the callouts of every layer (state dumps)
 * @param filters          every filter item, in dump order
 */
public record NetshDump(Kind kind, String source, String timeStamp, List<Session> sessions, List<LayerEntry> layers,
                        List<Provider> providers, List<ProviderContext> providerContexts, List<SubLayer> subLayers,
                        List<Callout> callouts, List<Filter> filters) {

    public NetshDump {
        sessions = List.copyOf(sessions);
        layers = List.copyOf(layers);
        providers = List.copyOf(providers);
        providerContexts = List.copyOf(providerContexts);
        subLayers = List.copyOf(subLayers);
        callouts = List.copyOf(callouts);
        filters = List.copyOf(filters);
    }

    /** The command that wrote a dump, by its root element. */
    public enum Kind {
        /** {@code netsh wfp show filters}: root {@code wfpdiag} with {@code filters} and {@code providers}. */
        FILTERS("wfpdiag", "netsh wfp show filters"),
        /** {@code netsh wfp show state}: root {@code wfpstate} with sessions, layers (callouts, filters), sublayers. */
        STATE("wfpstate", "netsh wfp show state");

        private final String root;
        private final String command;

        Kind(String root, String command) {
            this.root = root;
            this.command = command;
        }

        /** The root element name. */
        public String root() {
            return root;
        }

        /** The netsh command that writes this kind. */
        public String command() {
            return command;
        }
    }

    /** FWPM_SESSION0 as {@code show state} prints it. */
    public record Session(String sessionKey, String name, String description, List<String> flags,
                          long txnWaitTimeoutInMSec, long processId, String sid, String username, boolean kernelMode) {
        public Session {
            flags = List.copyOf(flags);
        }
    }

    /** One field of a layer: {@code fieldKey}, {@code type} (FWPM_FIELD_*), {@code dataType} (FWP_*). */
    public record Field(String fieldKey, String type, String dataType) {}

    /** FWPM_LAYER0 as {@code show state} prints it. */
    public record LayerEntry(String layerKey, String name, String description, List<String> flags, List<Field> fields,
                             String defaultSubLayerKey, int layerId) {
        public LayerEntry {
            flags = List.copyOf(flags);
            fields = List.copyOf(fields);
        }

        /** The fields as jwfp layer fields (unknown condition names get placeholder keys, see NetshNames#condition). */
        public List<LayerField> layerFields() {
            List<LayerField> out = new ArrayList<>();
            for (Field f : fields) {
                out.add(new LayerField(out.size(), NetshNames.condition(f.fieldKey()), FieldType.valueOf(f.type()),
                        DataType.valueOf(f.dataType())));
            }
            return List.copyOf(out);
        }

        public List<String> fieldNames() {
            return fields.stream().map(Field::fieldKey).toList();
        }

        public List<String> fieldTypes() {
            return fields.stream().map(Field::type).toList();
        }

        public List<String> dataTypes() {
            return fields.stream().map(Field::dataType).toList();
        }
    }

    /** FWPM_PROVIDER0. */
    public record Provider(String providerKey, String name, String description, List<String> flags,
                           byte[] providerData, String serviceName) {
        public Provider {
            flags = List.copyOf(flags);
            providerData = providerData == null ? new byte[0] : providerData.clone();
        }
    }

    /** FWPM_PROVIDER_CONTEXT0, the parts jwfp reads: key, name, provider and type (e.g. FWPM_GENERAL_CONTEXT). */
    public record ProviderContext(String providerContextKey, String name, String providerKey, String type) {}

    /** FWPM_SUBLAYER0. */
    public record SubLayer(String subLayerKey, String name, String description, List<String> flags,
                           String providerKey, byte[] providerData, int weight) {
        public SubLayer {
            flags = List.copyOf(flags);
            providerData = providerData == null ? new byte[0] : providerData.clone();
        }
    }

    /** FWPM_CALLOUT0. */
    public record Callout(String calloutKey, String name, String description, List<String> flags, String providerKey,
                          byte[] providerData, String applicableLayer, long calloutId) {
        public Callout {
            flags = List.copyOf(flags);
            providerData = providerData == null ? new byte[0] : providerData.clone();
        }
    }

    /**
     * One {@code filterCondition} item. {@code value} is null when jwfp cannot read the value; {@code problem} then
     * says why.
     */
    public record Condition(String fieldKey, String matchType, FwpValue value, String problem) {}

    /**
     * FWPM_FILTER0 as netsh prints it.
     *
     * @param rawContext         {@code rawContext}, or null when the filter has a {@code providerContextKey} instead
     * @param providerContextKey the provider context, or null
     * @param filterType         {@code action/filterType}: the callout key of a callout action, else empty
     * @param effectiveWeight    {@code effectiveWeight/uint64} (unsigned), or null when the item has none
     */
    public record Filter(String filterKey, String name, String description, List<String> flags, String providerKey,
                         byte[] providerData, String layerKey, String subLayerKey, FwpValue weight,
                         List<Condition> conditions, String actionType, String filterType, Long rawContext,
                         String providerContextKey, long filterId, Long effectiveWeight) {
        public Filter {
            flags = List.copyOf(flags);
            conditions = List.copyOf(conditions);
            providerData = providerData == null ? new byte[0] : providerData.clone();
        }

        /**
         * The conditions as jwfp conditions. Fields jwfp has no GUID for get placeholder keys; conditions whose value
         * or match type jwfp cannot read are left out (their {@code problem} says why).
         */
        public List<FwpmFilterCondition> fwpmConditions() {
            List<FwpmFilterCondition> out = new ArrayList<>();
            for (Condition c : conditions) {
                MatchType m = MatchType.byName(c.matchType());
                if (c.value() == null || m == null) continue;
                out.add(new FwpmFilterCondition(NetshNames.condition(c.fieldKey()), m, c.value()));
            }
            return List.copyOf(out);
        }
    }
}

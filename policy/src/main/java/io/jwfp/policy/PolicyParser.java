package io.jwfp.policy;

import io.jwfp.engine.FwpException;
import io.jwfp.engine.compile.ConditionCompiler;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.BuiltinSublayers;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.Values;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a policy file (YAML) into a checked {@link Policy}. Everything that can be wrong is reported here with the
 * file, line and key: unknown keys, unknown names, values that do not fit their field, conditions a layer does not
 * offer, bad weights and flags. Keys left out are derived from names ({@link #derivedKey}), so applying the same file
 * twice addresses the same objects.
 */
public final class PolicyParser {
    private final Path file;
    private final String fileName;

    private PolicyParser(Path file) {
        this.file = file;
        this.fileName = file == null ? "<policy>" : file.toString();
    }

    /** Parses a policy file. */
    public static Policy parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PolicyException(file.toString(), 0, "file", "no such file");
        } catch (IOException e) {
            throw new PolicyException(file.toString(), 0, "file", "cannot read: " + e.getMessage());
        }
        return new PolicyParser(file).parse(new StringReader(text));
    }

    /** Parses policy text (for tests and the management socket); {@code name} is used in messages. */
    public static Policy parse(String name, String text) {
        return new PolicyParser(Path.of(name)).parse(new StringReader(text));
    }

    /**
     * The key of an object whose file gives none: a name-based (version 3) UUID of {@code jwfp/<kind>/<name>}, stable
     * across runs.
     */
    public static UUID derivedKey(String kind, String name) {
        return UUID.nameUUIDFromBytes(("jwfp/" + kind + "/" + name).getBytes(StandardCharsets.UTF_8));
    }

    private Policy parse(Reader reader) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new PolicyException(fileName, line, "yaml", e.getProblem());
        } catch (RuntimeException e) {
            throw new PolicyException(fileName, 0, "yaml", String.valueOf(e.getMessage()));
        }
        if (root == null) return new Policy(file, List.of(), List.of(), List.of(), List.of());
        Map<String, Node> top = mapping(root, "(document)", Set.of("providers", "sublayers", "callouts", "filters"));

        List<Policy.Provider> providers = new ArrayList<>();
        Map<String, UUID> providerKeys = new HashMap<>();
        for (Item it : items(top.get("providers"), "providers")) {
            Map<String, Node> m = mapping(it.node, it.path, Set.of("name", "key", "description", "persistent"));
            String name = requiredString(m, it, "name");
            UUID key = key(m, it, "provider", name);
            unique(providerKeys, name, key, it, "provider");
            providers.add(new Policy.Provider(name, key, optString(m, "description"), bool(m, it, "persistent"), where(it)));
        }

        List<Policy.Sublayer> sublayers = new ArrayList<>();
        Map<String, UUID> sublayerKeys = new HashMap<>();
        sublayerKeys.put("FWPM_SUBLAYER_UNIVERSAL", BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL);
        sublayerKeys.put("FWPM_SUBLAYER_INSPECTION", BuiltinSublayers.FWPM_SUBLAYER_INSPECTION);
        for (Item it : items(top.get("sublayers"), "sublayers")) {
            Map<String, Node> m = mapping(it.node, it.path, Set.of("name", "key", "weight", "provider", "description", "persistent"));
            String name = requiredString(m, it, "name");
            UUID key = key(m, it, "sublayer", name);
            Node w = m.get("weight");
            if (w == null) throw error(it.node, it.path + ".weight", "missing (a sublayer needs a UINT16 weight, e.g. 0x8000)");
            long weight = integer(w, it.path + ".weight");
            if (weight < 0 || weight > 0xFFFF) throw error(w, it.path + ".weight", weight + " is not a UINT16 (expected: 0-65535)");
            unique(sublayerKeys, name, key, it, "sublayer");
            sublayers.add(new Policy.Sublayer(name, key, (int) weight, providerRef(m, it, providerKeys),
                    optString(m, "description"), bool(m, it, "persistent"), where(it)));
        }

        List<Policy.Callout> callouts = new ArrayList<>();
        Map<String, UUID> calloutKeys = new HashMap<>();
        Map<UUID, Layer> calloutLayers = new HashMap<>();
        for (Item it : items(top.get("callouts"), "callouts")) {
            Map<String, Node> m = mapping(it.node, it.path,
                    Set.of("name", "key", "layer", "implementation", "config", "provider", "description", "persistent"));
            String name = requiredString(m, it, "name");
            UUID key = key(m, it, "callout", name);
            Layer layer = layer(m, it);
            unique(calloutKeys, name, key, it, "callout");
            calloutLayers.put(key, layer);
            Node impl = m.get("implementation");
            Node cfg = m.get("config");
            Map<String, Object> config = new LinkedHashMap<>();
            if (cfg != null && !(cfg instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
                if (!(cfg instanceof MappingNode)) throw error(cfg, it.path + ".config", "expected a mapping");
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) plain(cfg);
                config.putAll(c);
            }
            callouts.add(new Policy.Callout(name, key, layer, impl == null ? null : scalar(impl, it.path + ".implementation"),
                    config, providerRef(m, it, providerKeys), optString(m, "description"), bool(m, it, "persistent"),
                    where(it), impl == null ? null : new Policy.Where(line(impl), it.path + ".implementation")));
        }

        List<Policy.Filter> filters = new ArrayList<>();
        Map<String, UUID> filterKeys = new HashMap<>();
        for (Item it : items(top.get("filters"), "filters")) {
            Map<String, Node> m = mapping(it.node, it.path, Set.of("name", "key", "layer", "sublayer", "weight", "conditions",
                    "action", "callout", "flags", "provider", "description", "rawContext"));
            String name = requiredString(m, it, "name");
            UUID key = key(m, it, "filter", name);
            Layer layer = layer(m, it);
            unique(filterKeys, name, key, it, "filter");
            UUID sub = BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL;
            Node sn = m.get("sublayer");
            if (sn != null) sub = reference(sn, it.path + ".sublayer", sublayerKeys, "sublayer");
            FwpValue weight = weight(m.get("weight"), it.path + ".weight");
            List<FwpmFilterCondition> conds = conditions(m.get("conditions"), it.path + ".conditions", layer);
            Node an = m.get("action");
            if (an == null) throw error(it.node, it.path + ".action", "missing (PERMIT, BLOCK, CALLOUT_TERMINATING, CALLOUT_INSPECTION or CALLOUT_UNKNOWN)");
            ActionType action = ActionType.byName(scalar(an, it.path + ".action"));
            if (action == null || !action.isFilterAction()) {
                throw error(an, it.path + ".action", "'" + scalar(an, it.path + ".action")
                        + "' is not a filter action (expected PERMIT, BLOCK, CALLOUT_TERMINATING, CALLOUT_INSPECTION or CALLOUT_UNKNOWN)");
            }
            UUID calloutKey = null;
            Node cn = m.get("callout");
            if (action.isCallout()) {
                if (cn == null) throw error(it.node, it.path + ".callout", "missing: action " + action.name() + " needs a callout (name or key)");
                calloutKey = reference(cn, it.path + ".callout", calloutKeys, "callout");
                Layer cl = calloutLayers.get(calloutKey);
                if (cl != null && cl != layer) {
                    throw error(cn, it.path + ".callout", "callout applies to " + cl.name() + ", but the filter is at " + layer.name());
                }
            } else if (cn != null) {
                throw error(cn, it.path + ".callout", "only callout actions name a callout (the action is " + action.name() + ")");
            }
            int flags = flags(m.get("flags"), it.path + ".flags");
            long raw = m.get("rawContext") == null ? 0 : integer(m.get("rawContext"), it.path + ".rawContext");
            filters.add(new Policy.Filter(name, key, layer, sub, weight, conds, action, calloutKey, flags,
                    providerRef(m, it, providerKeys), optString(m, "description"), raw, where(it)));
        }
        return new Policy(file, providers, sublayers, callouts, filters);
    }

    // ---------------------------------------------------------------- pieces

    private record Item(Node node, String path) {}

    private List<Item> items(Node n, String key) {
        if (n == null || (n instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) return List.of();
        if (!(n instanceof SequenceNode seq)) throw error(n, key, "expected a list");
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) out.add(new Item(seq.getValue().get(i), key + "[" + i + "]"));
        return out;
    }

    private Map<String, Node> mapping(Node n, String path, Set<String> allowed) {
        if (!(n instanceof MappingNode mn)) throw error(n, path, "expected a mapping (key: value lines)");
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            String k = scalar(t.getKeyNode(), path);
            if (!allowed.contains(k)) {
                throw error(t.getKeyNode(), path.equals("(document)") ? k : path + "." + k,
                        "unknown key (expected one of: " + String.join(", ", sorted(allowed)) + ")");
            }
            if (out.put(k, t.getValueNode()) != null) throw error(t.getKeyNode(), path + "." + k, "given twice");
        }
        return out;
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }

    private String scalar(Node n, String path) {
        if (!(n instanceof ScalarNode s)) throw error(n, path, "expected a single value");
        return s.getValue();
    }

    private String requiredString(Map<String, Node> m, Item it, String k) {
        Node n = m.get(k);
        if (n == null) throw error(it.node, it.path + "." + k, "missing");
        String s = scalar(n, it.path + "." + k).trim();
        if (s.isEmpty()) throw error(n, it.path + "." + k, "empty");
        return s;
    }

    private String optString(Map<String, Node> m, String k) {
        Node n = m.get(k);
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private boolean bool(Map<String, Node> m, Item it, String k) {
        Node n = m.get(k);
        if (n == null) return false;
        String s = scalar(n, it.path + "." + k).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(n, it.path + "." + k, "'" + s + "' is not true or false");
        };
    }

    private long integer(Node n, String path) {
        String s = scalar(n, path).trim().replace("_", "");
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseUnsignedLong(s.substring(2), 16);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error(n, path, "'" + s + "' is not an integer");
        }
    }

    private UUID key(Map<String, Node> m, Item it, String kind, String name) {
        Node n = m.get("key");
        if (n == null) return derivedKey(kind, name);
        String s = scalar(n, it.path + ".key").trim();
        if (s.startsWith("{") && s.endsWith("}")) s = s.substring(1, s.length() - 1);
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw error(n, it.path + ".key", "'" + s + "' is not a GUID");
        }
    }

    private void unique(Map<String, UUID> seen, String name, UUID key, Item it, String kind) {
        if (seen.containsKey(name)) throw error(it.node, it.path + ".name", "a " + kind + " named '" + name + "' is defined twice");
        if (seen.containsValue(key)) throw error(it.node, it.path + ".key", "two " + kind + "s have the key " + key);
        seen.put(name, key);
    }

    private UUID providerRef(Map<String, Node> m, Item it, Map<String, UUID> providers) {
        Node n = m.get("provider");
        return n == null ? null : reference(n, it.path + ".provider", providers, "provider");
    }

    /** A reference by name (defined in this file) or by GUID (an object that may already exist in the engine). */
    private UUID reference(Node n, String path, Map<String, UUID> byName, String kind) {
        String s = scalar(n, path).trim();
        UUID k = byName.get(s);
        if (k != null) return k;
        String g = s.startsWith("{") && s.endsWith("}") ? s.substring(1, s.length() - 1) : s;
        try {
            return UUID.fromString(g);
        } catch (IllegalArgumentException e) {
            throw error(n, path, "no " + kind + " named '" + s + "' in this file"
                    + (byName.isEmpty() ? "" : " (defined: " + String.join(", ", sorted(byName.keySet())) + ")"));
        }
    }

    private Layer layer(Map<String, Node> m, Item it) {
        Node n = m.get("layer");
        if (n == null) throw error(it.node, it.path + ".layer", "missing (e.g. FWPM_LAYER_OUTBOUND_IPPACKET_V4)");
        String s = scalar(n, it.path + ".layer");
        Layer l = Layer.byName(s);
        if (l == null) {
            throw error(n, it.path + ".layer", "unknown layer '" + s + "' (run `jwfp layers` for the list)");
        }
        return l;
    }

    private FwpValue weight(Node n, String path) {
        if (n == null) return FwpValue.EMPTY;
        if (n instanceof ScalarNode s) {
            String v = s.getValue().trim();
            if (v.equalsIgnoreCase("auto") || v.equalsIgnoreCase("FWP_EMPTY")) return FwpValue.EMPTY;
            throw error(n, path, "'" + v + "' is not a weight: write auto (FWP_EMPTY), {uint8: 0..15} (a weight range "
                    + "with automatic order inside) or {uint64: N} (an exact weight)");
        }
        Map<String, Node> m = mapping(n, path, Set.of("uint8", "uint64"));
        if (m.size() != 1) throw error(n, path, "give exactly one of uint8 or uint64");
        if (m.containsKey("uint8")) {
            long v = integer(m.get("uint8"), path + ".uint8");
            if (v < 0 || v > 15) throw error(m.get("uint8"), path + ".uint8", v + " is out of range (expected: 0-15; FWP_E_INVALID_WEIGHT)");
            return new FwpValue.UInt8((int) v);
        }
        String v = scalar(m.get("uint64"), path + ".uint64").trim().replace("_", "");
        try {
            return new FwpValue.UInt64(v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16)
                    : Long.parseUnsignedLong(v));
        } catch (NumberFormatException e) {
            throw error(m.get("uint64"), path + ".uint64", "'" + v + "' is not an unsigned 64-bit integer");
        }
    }

    private List<FwpmFilterCondition> conditions(Node n, String path, Layer layer) {
        List<FwpmFilterCondition> out = new ArrayList<>();
        for (Item it : items(n, path)) {
            Map<String, Node> m = mapping(it.node, it.path, Set.of("field", "match", "value"));
            Node fn = m.get("field");
            if (fn == null) throw error(it.node, it.path + ".field", "missing (e.g. FWPM_CONDITION_IP_REMOTE_PORT)");
            String fname = scalar(fn, it.path + ".field");
            ConditionKey key = Conditions.byName(fname);
            if (key == null) throw error(fn, it.path + ".field", "unknown condition '" + fname + "'");
            LayerField field = layer.field(key);
            if (field == null) {
                List<String> names = new ArrayList<>();
                for (LayerField f : layer.fields()) names.add(f.condition().name());
                throw error(fn, it.path + ".field", key.name() + " is not a field of " + layer.name()
                        + " (FWP_E_CONDITION_NOT_FOUND; fields: " + String.join(", ", names) + ")");
            }
            MatchType match = MatchType.FWP_MATCH_EQUAL;
            Node mn = m.get("match");
            if (mn != null) {
                match = MatchType.byName(scalar(mn, it.path + ".match"));
                if (match == null) throw error(mn, it.path + ".match", "unknown match type '" + scalar(mn, it.path + ".match") + "'");
            }
            Node vn = m.get("value");
            if (vn == null) throw error(it.node, it.path + ".value", "missing");
            FwpValue value;
            try {
                value = Values.parseCondition(scalar(vn, it.path + ".value"), field);
            } catch (IllegalArgumentException e) {
                throw error(vn, it.path + ".value", e.getMessage());
            }
            if (match == MatchType.FWP_MATCH_RANGE && !(value instanceof FwpValue.Range)) {
                throw error(vn, it.path + ".value", "FWP_MATCH_RANGE needs a range written lo-hi");
            }
            FwpmFilterCondition c = new FwpmFilterCondition(key, match, value);
            try {
                ConditionCompiler.compile(layer, List.of(c));
            } catch (FwpException e) {
                throw error(mn != null ? mn : vn, it.path, e.getMessage().replace("condition 0 (" + key.name() + "): ", ""));
            }
            out.add(c);
        }
        return out;
    }

    private int flags(Node n, String path) {
        if (n == null) return 0;
        List<Node> names = new ArrayList<>();
        if (n instanceof SequenceNode s) names.addAll(s.getValue());
        else names.add(n);
        int flags = 0;
        for (int i = 0; i < names.size(); i++) {
            String f = scalar(names.get(i), path + "[" + i + "]");
            Integer v = FilterFlags.byName(f);
            if (v == null) {
                throw error(names.get(i), path + "[" + i + "]", "unknown filter flag '" + f + "' (expected: "
                        + String.join(", ", FilterFlags.allNames()) + ")");
            }
            flags |= v;
        }
        return flags;
    }

    private Object plain(Node n) {
        if (n instanceof MappingNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) out.put(scalar(t.getKeyNode(), "config"), plain(t.getValueNode()));
            return out;
        }
        if (n instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            for (Node c : s.getValue()) out.add(plain(c));
            return out;
        }
        ScalarNode s = (ScalarNode) n;
        if (s.getTag().equals(Tag.INT)) {
            try {
                return Long.decode(s.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                return s.getValue();
            }
        }
        if (s.getTag().equals(Tag.BOOL)) return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
        if (s.getTag().equals(Tag.NULL)) return null;
        return s.getValue();
    }

    private static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    private static Policy.Where where(Item it) {
        return new Policy.Where(line(it.node), it.path);
    }

    private PolicyException error(Node n, String key, String problem) {
        return new PolicyException(fileName, n == null ? 0 : line(n), key, problem);
    }
}

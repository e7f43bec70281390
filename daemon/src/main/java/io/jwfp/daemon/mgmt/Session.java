package io.jwfp.daemon.mgmt;

import static io.jwfp.daemon.mgmt.Protocol.JSON;
import static io.jwfp.daemon.mgmt.Protocol.optText;
import static io.jwfp.daemon.mgmt.Protocol.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmFilterEnumTemplate;
import io.jwfp.bfe.FwpmObjectEnumTemplate;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.bfe.netevent.NetEventEnumTemplate;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.FwpError;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmDisplayData;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.state.FilterHits;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.PolicyException;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.sim.explain.ExplanationJson;
import io.jwfp.shim.sim.explain.FlowExplainer;
import io.jwfp.shim.sim.explain.FlowExplanation;
import io.jwfp.shim.sim.explain.FlowSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One management connection: a session (FwpmEngineOpen0) and the requests it serves. Every request either succeeds
 * or changes nothing: changes go through one transaction (implicit or the policy's), and a failing one reports the
 * WFP error.
 */
final class Session implements AutoCloseable {
    private final BaseFilteringEngine bfe;
    private final Supplier<ObjectNode> status;
    private final long pid;
    private final int uid;
    private final String user;
    private FwpmEngine engine;

    Session(BaseFilteringEngine bfe, Supplier<ObjectNode> status, long pid, int uid, String user) {
        this.bfe = bfe;
        this.status = status;
        this.pid = pid;
        this.uid = uid;
        this.user = user;
    }

    private FwpmEngine engine() {
        if (engine == null) engine = bfe.openSession(FwpmSession.named("jwfp client"), pid, uid, user);
        return engine;
    }

    /** Handles one request; {@code stream} receives extra lines for streaming requests. Returns the answer. */
    ObjectNode handle(JsonNode req, Consumer<ObjectNode> stream, Runnable awaitClose) {
        long id = req.path("id").asLong();
        String op = req.path("op").asText("");
        try {
            ObjectNode out = Protocol.ok(id);
            switch (op) {
                case "hello" -> hello(req, out);
                case "status" -> out.set("status", status.get());
                case "apply" -> apply(req, out);
                case "filter.add" -> filterAdd(req, out);
                case "filter.delete" -> filterDelete(req);
                case "filter.list" -> filterList(req, out);
                case "sublayer.add" -> sublayerAdd(req, out);
                case "sublayer.delete" -> engine().subLayerDeleteByKey(sublayerKey(text(req, "sublayer")));
                case "sublayer.list" -> {
                    ArrayNode a = out.putArray("sublayers");
                    for (FwpmSubLayer s : engine().subLayerEnum(FwpmObjectEnumTemplate.ALL)) a.add(ObjectJson.subLayer(s));
                }
                case "provider.list" -> {
                    ArrayNode a = out.putArray("providers");
                    for (FwpmProvider p : engine().providerEnum(FwpmObjectEnumTemplate.ALL)) a.add(ObjectJson.provider(p));
                }
                case "callout.list" -> {
                    ArrayNode a = out.putArray("callouts");
                    for (FwpmCallout c : engine().calloutEnum(FwpmObjectEnumTemplate.ALL)) a.add(ObjectJson.callout(c));
                }
                case "session.list" -> sessionList(out);
                case "events" -> events(req, out, stream, awaitClose);
                case "callout.control" -> calloutControl(req, out);
                case "explain.flow" -> explainFlow(req, out);
                default -> throw new Protocol.BadRequest("unknown op '" + op + "'");
            }
            return out;
        } catch (FwpException e) {
            return Protocol.error(id, e.error().name(), e.getMessage());
        } catch (PolicyException e) {
            return Protocol.error(id, "POLICY", e.getMessage());
        } catch (Protocol.BadRequest | IllegalArgumentException e) {
            return Protocol.error(id, "BAD_REQUEST", e.getMessage());
        }
    }

    /** FwpmSessionEnum0: every open session (management clients, jwfpd's own), as {@code netsh wfp show state} lists them. */
    private void sessionList(ObjectNode out) {
        ArrayNode a = out.putArray("sessions");
        for (FwpmSession s : bfe.sessions()) {
            ObjectNode o = a.addObject();
            o.put("sessionKey", String.valueOf(s.sessionKey()));
            o.put("name", s.displayData().name());
            o.put("description", s.displayData().description());
            o.put("dynamic", s.isDynamic());
            o.put("txnWaitTimeoutInMSec", s.txnWaitTimeoutInMSec());
            o.put("processId", s.processId());
            o.put("uid", s.uid());
            if (s.username() != null) o.put("username", s.username());
        }
    }

    private void hello(JsonNode req, ObjectNode out) {
        if (engine != null) throw new Protocol.BadRequest("hello must be the first request of a connection");
        boolean dynamic = req.path("dynamic").asBoolean(false);
        String name = req.path("name").asText("jwfp client");
        engine = bfe.openSession(dynamic ? FwpmSession.dynamic(name) : FwpmSession.named(name), pid, uid, user);
        out.put("sessionKey", engine.session().sessionKey().toString());
        out.put("dynamic", dynamic);
    }

    private void apply(JsonNode req, ObjectNode out) {
        String name = req.path("name").asText("policy");
        Policy p = PolicyParser.parse(name, text(req, "policy"));
        PolicyApplier.Mode mode = req.path("replace").asBoolean(true) ? PolicyApplier.Mode.REPLACE : PolicyApplier.Mode.ADD;
        PolicyApplier.Result r = PolicyApplier.apply(p, engine(), mode);
        ObjectNode ids = out.putObject("filterIds");
        for (Map.Entry<String, Long> e : r.filterIds().entrySet()) ids.put(e.getKey(), e.getValue());
        ArrayNode reg = out.putArray("registeredCallouts");
        for (String s : r.registeredCallouts()) reg.add(s);
    }

    /**
     * Adds one filter described like a policy-file filter ({@code filter}: an object with name, layer, sublayer,
     * weight, conditions, action, callout, flags). Sublayers and callouts may be named by their display name.
     */
    private void filterAdd(JsonNode req, ObjectNode out) {
        JsonNode spec = req.get("filter");
        if (spec == null || !spec.isObject()) throw new Protocol.BadRequest("missing 'filter' object");
        ObjectNode s = spec.deepCopy();
        if (s.hasNonNull("sublayer")) s.put("sublayer", sublayerKey(s.get("sublayer").asText()).toString());
        if (s.hasNonNull("callout")) s.put("callout", calloutKey(s.get("callout").asText()).toString());
        String doc;
        try {
            doc = "filters:\n  - " + JSON.writeValueAsString(s) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Protocol.BadRequest("cannot encode filter: " + e.getMessage());
        }
        Policy p = PolicyParser.parse("filter", doc);
        Policy.Filter f = p.filters().getFirst();
        // A filter added by hand gets a fresh key unless one was given, so two adds of the same name both work.
        UUID key = s.hasNonNull("key") ? f.key() : UUID.randomUUID();
        FwpmFilter built = FwpmFilter.builder().filterKey(key).displayData(new FwpmDisplayData(f.name(), f.description()))
                .flags(f.flags()).providerKey(f.providerKey()).layer(f.layer()).subLayer(f.subLayerKey()).weight(f.weight())
                .conditions(f.conditions()).action(new io.jwfp.engine.model.FwpmAction(f.action(), f.calloutKey()))
                .rawContext(f.rawContext()).build();
        FwpmFilter stored = engine().filterAddAndGet(built);
        out.put("filterId", stored.filterId());
        out.set("filter", ObjectJson.filter(stored));
    }

    private void filterDelete(JsonNode req) {
        JsonNode id = req.get("filterId");
        if (id != null && id.canConvertToLong()) {
            engine().filterDeleteById(id.asLong());
            return;
        }
        String key = optText(req, "filterKey");
        if (key == null) throw new Protocol.BadRequest("give filterId or filterKey");
        engine().filterDeleteByKey(uuid(key, "filterKey"));
    }

    private void filterList(JsonNode req, ObjectNode out) {
        Layer layer = null;
        String l = optText(req, "layer");
        if (l != null) {
            layer = Layer.byName(l);
            if (layer == null) throw new Protocol.BadRequest("unknown layer '" + l + "'");
        }
        String sub = optText(req, "sublayer");
        String prov = optText(req, "provider");
        FwpmFilterEnumTemplate t = new FwpmFilterEnumTemplate(prov == null ? null : providerKey(prov), layer,
                sub == null ? null : sublayerKey(sub), FwpmFilterEnumTemplate.FWP_FILTER_ENUM_OVERLAPPING,
                FwpmFilterEnumTemplate.ALL.flags(), List.of(), 0xFFFFFFFF, null);
        ArrayNode a = out.putArray("filters");
        for (FwpmFilter f : engine().filterEnum(t)) {
            ObjectNode fj = ObjectJson.filter(f);
            // Hit counters of the enforced filter (none for a disabled one); see io.jwfp.engine.state.FilterHits.
            FilterHits.Counts h = bfe.filterEngine().hits(f.filterId());
            if (h != null) fj.putObject("hits").put("decided", h.decided()).put("matched", h.matched());
            a.add(fj);
        }
    }

    /**
     * Explains a flow against the live engine: {@code flow} (FlowSpec text), {@code direction} ("outbound" or
     * "inbound"), optional {@code app}. Classifies with FilterEngine.explain (no hit counted, no net event) and runs
     * only callouts declared free of side effects; answers {@code explanation} (ExplanationJson's shape).
     */
    private void explainFlow(JsonNode req, ObjectNode out) {
        engine(); // the caller's session, as for every other request
        FlowSpec flow = FlowSpec.parse(text(req, "flow"));
        String dir = text(req, "direction");
        if (!dir.equals("outbound") && !dir.equals("inbound")) {
            throw new Protocol.BadRequest("direction: expected outbound or inbound, not '" + dir + "'");
        }
        FilterEngine fe = bfe.filterEngine();
        FlowExplanation e = FlowExplainer.explain(fe, FlowExplainer.sideEffectFree(fe.callouts()), flow,
                dir.equals("outbound"), optText(req, "app"));
        out.set("explanation", ExplanationJson.toJson(e));
    }

    private void sublayerAdd(JsonNode req, ObjectNode out) {
        String name = text(req, "name");
        JsonNode w = req.get("weight");
        if (w == null || !w.canConvertToInt()) throw new Protocol.BadRequest("missing integer 'weight'");
        String key = optText(req, "key");
        UUID k = key != null ? uuid(key, "key") : PolicyParser.derivedKey("sublayer", name);
        int flags = req.path("persistent").asBoolean(false) ? FwpmSubLayer.FWPM_SUBLAYER_FLAG_PERSISTENT : 0;
        engine().subLayerAdd(new FwpmSubLayer(k, new FwpmDisplayData(name, optText(req, "description")), flags, null, null,
                w.asInt()));
        out.put("subLayerKey", k.toString());
    }

    private void events(JsonNode req, ObjectNode out, Consumer<ObjectNode> stream, Runnable awaitClose) {
        long since = req.path("since").asLong(0);
        ArrayNode a = out.putArray("events");
        for (NetEvent e : bfe.netEvents().since(since)) a.add(eventJson(e));
        if (!req.path("follow").asBoolean(false)) return;
        long id = req.path("id").asLong();
        stream.accept(out.deepCopy()); // the backlog first, then one line per new event
        out.removeAll();
        out.put("id", id).put("ok", true).put("end", true);
        try (var sub = engine().netEventSubscribe(NetEventEnumTemplate.ALL, e -> {
            ObjectNode line = JSON.createObjectNode();
            line.put("id", id);
            line.set("event", eventJson(e));
            stream.accept(line);
        })) {
            awaitClose.run();
        }
    }

    /** Routes a control command to a registered callout's {@link io.jwfp.engine.callout.CalloutControl}. */
    private void calloutControl(JsonNode req, ObjectNode out) {
        UUID key = calloutKey(text(req, "callout"));
        var registered = bfe.filterEngine().callouts().byKey(key);
        if (registered == null) {
            throw new FwpException(FwpError.FWP_E_CALLOUT_NOT_FOUND, "callout " + req.get("callout").asText() + " is not registered");
        }
        if (registered.control() == null) {
            throw new Protocol.BadRequest("callout " + req.get("callout").asText() + " takes no control commands");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> args = req.has("arguments") ? JSON.convertValue(req.get("arguments"), Map.class) : Map.of();
        Object result = registered.control().control(text(req, "command"), args);
        out.set("result", JSON.valueToTree(result));
    }

    static ObjectNode eventJson(NetEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sequence", e.sequence());
        n.put("type", e.type().name());
        n.put("timeStamp", e.timeStamp().toString());
        n.put("layer", e.layer().name());
        n.put("layerId", e.layerId());
        n.put("filterId", e.filterId());
        if (e.filterName() != null) n.put("filterName", e.filterName());
        n.put("direction", e.direction());
        n.put("ipVersion", e.ipVersion());
        n.put("ipProtocol", e.ipProtocol());
        if (e.localAddr() != null) n.put("localAddr", e.localAddr());
        n.put("localPort", e.localPort());
        if (e.remoteAddr() != null) n.put("remoteAddr", e.remoteAddr());
        n.put("remotePort", e.remotePort());
        if (e.appId() != null) n.put("appId", e.appId());
        n.put("userId", e.userId());
        if (e.userName() != null) n.put("userName", e.userName());
        n.put("loopback", e.loopback());
        n.put("reauthorize", e.reauthorize());
        n.put("veto", e.veto());
        return n;
    }

    private UUID sublayerKey(String nameOrKey) {
        return resolve(nameOrKey, engine().subLayerEnum(FwpmObjectEnumTemplate.ALL), FwpmSubLayer::name,
                FwpmSubLayer::subLayerKey, FwpError.FWP_E_SUBLAYER_NOT_FOUND, "sublayer");
    }

    private UUID calloutKey(String nameOrKey) {
        return resolve(nameOrKey, engine().calloutEnum(FwpmObjectEnumTemplate.ALL), FwpmCallout::name,
                FwpmCallout::calloutKey, FwpError.FWP_E_CALLOUT_NOT_FOUND, "callout");
    }

    private UUID providerKey(String nameOrKey) {
        return resolve(nameOrKey, engine().providerEnum(FwpmObjectEnumTemplate.ALL), FwpmProvider::name,
                FwpmProvider::providerKey, FwpError.FWP_E_PROVIDER_NOT_FOUND, "provider");
    }

    /** An object's key from its display name, or the text itself as a GUID. */
    private static <T> UUID resolve(String nameOrKey, List<T> objects, java.util.function.Function<T, String> name,
                                    java.util.function.Function<T, UUID> key, FwpError notFound, String kind) {
        for (T o : objects) if (name.apply(o).equals(nameOrKey)) return key.apply(o);
        try {
            return UUID.fromString(stripBraces(nameOrKey));
        } catch (IllegalArgumentException e) {
            throw new FwpException(notFound, "no " + kind + " named or keyed '" + nameOrKey + "'");
        }
    }

    private static UUID uuid(String s, String field) {
        try {
            return UUID.fromString(stripBraces(s));
        } catch (IllegalArgumentException e) {
            throw new Protocol.BadRequest(field + ": '" + s + "' is not a GUID");
        }
    }

    private static String stripBraces(String s) {
        String t = s.trim();
        return t.startsWith("{") && t.endsWith("}") ? t.substring(1, t.length() - 1) : t;
    }

    @Override
    public void close() {
        if (engine != null) engine.close();
    }
}

package io.jwfp.policy.netsh;

import io.jwfp.engine.FwpException;
import io.jwfp.engine.compile.ConditionCompiler;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.BuiltinSublayers;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.netsh.NetshDump;
import io.jwfp.engine.netsh.NetshNames;
import io.jwfp.engine.netsh.NetshReader;
import io.jwfp.engine.netsh.NetshWriter;
import io.jwfp.engine.value.ClassifyFacts;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.weight.FilterWeights;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyParser;
import io.jwfp.policy.PolicyWriter;
import io.jwfp.policy.netsh.ImportReport.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a real {@code netsh wfp show filters} or {@code netsh wfp show state} dump into a jwfp {@link Policy}, with an
 * {@link ImportReport} of everything that did not carry over exactly. This is the library entry point behind
 * {@code jwfp import}, and the one {@code jwfp explain --policy dump.xml} and {@code jwfp replay --policy dump.xml} use
 * to work on a dump without writing YAML first:
 *
 * <pre>{@code
 * NetshImport.Result r = NetshImport.load(Path.of("filters.xml"));   // NetshReader.NetshFormatException on a bad file
 * PolicyApplier.apply(r.policy(), engine, PolicyApplier.Mode.ADD);  // the same filters `jwfp apply` would add
 * r.report().summary();                                             // what was skipped or changed, and why
 * r.origin(filterKey);                                              // Windows' filter id, weight, unevaluable conditions
 * }</pre>
 *
 * <p>What a Windows filter becomes (docs/netsh.md has the full table):
 * <ul>
 *   <li>Filters at a layer jwfp does not model (IKE/IPsec/RPC/... user-mode layers), boot-time filters and filters
 *       of a disabled provider are left out and reported ({@link ImportReport.Outcome#SKIPPED}).</li>
 *   <li>Every other filter is imported with its filterKey, display name and description, layer, sublayer, action,
 *       callout, flags jwfp knows, rawContext, and its conditions. Its weight is the one Windows gave it; when jwfp's
 *       own effective-weight computation would give a different number than the {@code effectiveWeight} Windows
 *       reported, the weight is pinned to {@code {uint64: effectiveWeight}} so the arbitration order is Windows'.</li>
 *   <li>A condition jwfp cannot evaluate (a field jwfp's layer does not have, a value or match type jwfp cannot read or
 *       compile) makes the filter <b>never match</b>: it is imported with {@link FilterFlags#FWPM_FILTER_FLAG_DISABLED}
 *       (stored and listed, never classified), without the unevaluable conditions, and with its description prefixed
 *       {@value #NEVER_MATCHES_PREFIX}... naming them; the report lists each one (field, match type, value type and
 *       why). Matching it without the condition would make it match traffic Windows' filter does not.</li>
 *   <li>Callouts jwfp has no code for become callout objects without implementation, so their filters act by WFP's
 *       rule for unregistered callouts (a terminating callout filter blocks unless
 *       FWPM_FILTER_FLAG_PERMIT_IF_CALLOUT_UNREGISTERED; an inspection callout filter is skipped) and appear in the
 *       arbitration trace; each is reported.</li>
 *   <li>ALE_APP_ID values keep Windows' NT device path form ({@code \device\harddiskvolume3\...\x.exe}, as the dump
 *       has it, lower case), so a flow given that path as its app id matches.</li>
 * </ul>
 * Stateless; thread-safe.
 */
public final class NetshImport {
    private NetshImport() {}

    /** The description prefix of a filter imported as never matching (see the class comment). */
    public static final String NEVER_MATCHES_PREFIX = "[jwfp import: never matches: ";

    /**
     * Where an imported filter came from and what changed on the way.
     *
     * @param windowsFilterId        the {@code filterId} in the dump (Windows' id; jwfp assigns its own on apply)
     * @param windowsWeight          the {@code weight} the filter's author gave
     * @param windowsEffectiveWeight the {@code effectiveWeight} Windows computed, or null when the dump has none
     * @param unevaluable            one line per condition that was not imported, and one for a terminating callout jwfp
     *                               has no code for (either makes the filter never match)
     * @param notes                  other caveats (pinned weight, callout without code, dropped flags...)
     */
    public record Origin(long windowsFilterId, FwpValue windowsWeight, Long windowsEffectiveWeight,
                         List<String> unevaluable, List<String> notes) {
        public Origin {
            unevaluable = List.copyOf(unevaluable);
            notes = List.copyOf(notes);
        }

        /** True when the filter was imported as never matching. */
        public boolean neverMatches() {
            return !unevaluable.isEmpty();
        }
    }

    /**
     * An imported dump.
     *
     * @param policy  the policy: apply it with {@link io.jwfp.policy.PolicyApplier}
     * @param report  what was skipped or changed, and why
     * @param origins per imported filter (by filter key): where it came from
     * @param dump    the dump as read
     */
    public record Result(Policy policy, ImportReport report, Map<UUID, Origin> origins, NetshDump dump) {
        public Result {
            origins = Map.copyOf(origins);
        }

        /**
         * The filters at a layer that were imported as never matching, for commands (explain) that show them next to
         * the arbitration they take no part in; {@link #origin} says which conditions and why.
         */
        public List<Policy.Filter> neverMatching(Layer layer) {
            List<Policy.Filter> out = new ArrayList<>();
            for (Policy.Filter f : policy.filters()) if (f.layer() == layer && neverMatchReason(f.description()) != null) out.add(f);
            return out;
        }

        /** The origin of an imported filter, or null when the key is not one of this import's filters. */
        public Origin origin(UUID filterKey) {
            return origins.get(filterKey);
        }

        /** The policy as a YAML policy file, with a header and a comment above each filter saying where it came from. */
        public String yaml() {
            List<String> header = new ArrayList<>();
            header.add("Imported by `jwfp import` from " + report.source() + " (" + dump.kind().command() + ")");
            header.add(String.format("%,d filters in the dump; %,d imported (%,d never match: unevaluable conditions), %,d left out",
                    report.filtersInDump(), report.imported(), report.neverMatching(), report.skipped()));
            header.add("Weights are Windows' effectiveWeight wherever jwfp's own computation would differ.");
            return PolicyWriter.write(policy, header, f -> {
                Origin o = origins.get(f.key());
                if (o == null) return List.of();
                List<String> lines = new ArrayList<>();
                lines.add("Windows filterId " + o.windowsFilterId() + ", weight " + weightText(o.windowsWeight())
                        + (o.windowsEffectiveWeight() == null ? "" : ", effectiveWeight " + Long.toUnsignedString(o.windowsEffectiveWeight())));
                for (String u : o.unevaluable()) lines.add("NEVER MATCHES: " + u);
                for (String n : o.notes()) lines.add("note: " + n);
                return lines;
            });
        }
    }

    /**
     * Why an imported filter never matches, read from its description ({@value #NEVER_MATCHES_PREFIX}...), or null when
     * it is not one. Works on a filter from a YAML file written by {@code jwfp import}, from jwfpd, or from a
     * re-imported {@code jwfp show --xml}, where no {@link Origin} is at hand; e.g.
     * {@code "FWPM_CONDITION_ALE_PACKAGE_FAMILY_NAME not evaluable"}.
     */
    public static String neverMatchReason(String description) {
        if (description == null || !description.startsWith(NEVER_MATCHES_PREFIX)) return null;
        int end = description.indexOf(']');
        return end < 0 ? null : description.substring(NEVER_MATCHES_PREFIX.length(), end);
    }

    /**
     * Choices the dump cannot make.
     *
     * @param sublayerWeights weights for sublayers by key, over the dump's (a {@code show filters} dump has no
     *                        sublayer list, so third-party sublayers' weights are otherwise guessed)
     */
    public record Options(Map<UUID, Integer> sublayerWeights) {
        public static final Options DEFAULT = new Options(Map.of());

        public Options {
            sublayerWeights = Map.copyOf(sublayerWeights);
            for (var e : sublayerWeights.entrySet()) {
                if (e.getValue() < 0 || e.getValue() > 0xFFFF) {
                    throw new IllegalArgumentException("sublayer weight " + e.getValue() + " for " + e.getKey()
                            + " is not a UINT16 (expected: 0-65535)");
                }
            }
        }
    }

    /** Reads and imports a dump file; a file that is not a readable netsh dump is a {@link NetshReader.NetshFormatException}. */
    public static Result load(Path file) {
        return load(file, Options.DEFAULT);
    }

    /** Reads and imports a dump file with options. */
    public static Result load(Path file, Options options) {
        return convert(NetshReader.read(file), file, options);
    }

    /**
     * True when the file looks like a netsh dump rather than a YAML policy: its first kilobytes hold a
     * {@code <wfpdiag>} or {@code <wfpstate>} element. For commands that accept either ({@code --policy FILE}).
     */
    public static boolean isNetshDump(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            return head.contains("<wfpdiag") || head.contains("<wfpstate");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A policy from either kind of file: a netsh dump (imported, with its report) or a YAML policy file (report null).
     * Errors are {@link io.jwfp.policy.PolicyException} or {@link NetshReader.NetshFormatException}, one line each.
     */
    public static Result loadPolicy(Path file) {
        if (isNetshDump(file)) return load(file);
        return new Result(PolicyParser.parse(file), null, Map.of(), null);
    }

    /** Imports a dump that was already read; {@code file} is recorded in the policy (may be null). */
    public static Result convert(NetshDump dump, Path file) {
        return convert(dump, file, Options.DEFAULT);
    }

    /** Imports a dump that was already read, with options. */
    public static Result convert(NetshDump dump, Path file, Options options) {
        return new Importer(dump, file, options).run();
    }

    static String weightText(FwpValue w) {
        return switch (w) {
            case FwpValue.Empty e -> "FWP_EMPTY";
            case FwpValue.UInt8 u -> "uint8 " + u.value();
            case FwpValue.UInt64 u -> "uint64 " + Long.toUnsignedString(u.value());
            default -> w.type().name();
        };
    }

    // ---------------------------------------------------------------- fields jwfp fills

    private static final Map<Layer, BitSet> FILLED = new EnumMap<>(Layer.class);
    /** Windows Firewall's interface-quarantine sublayer (FWPM_SUBLAYER_MPSSVC_QUARANTINE). */
    private static final UUID QUARANTINE_SUBLAYER = NetshNames.resolve("FWPM_SUBLAYER_MPSSVC_QUARANTINE").key();

    /**
     * The fields of a layer that jwfp's shims can fill: those {@link ClassifyFacts#fillInto} sets when every fact is
     * known. A condition on any other field sees FWP_EMPTY on Linux unless a value is given by hand.
     */
    static synchronized BitSet filledFields(Layer layer) {
        return FILLED.computeIfAbsent(layer, l -> {
            ClassifyFacts f = new ClassifyFacts();
            f.protocol = 6;
            f.local(0x0A000001).remote(0x0A000002);
            f.localPort = 1;
            f.remotePort = 2;
            f.compartmentId = 1;
            f.direction = 0;
            f.ifIndex = 1;
            f.ifLuid = 1;
            f.ifType = 6;
            f.appId = new byte[] {0x61, 0, 0, 0};
            f.userToken = new FwpToken(0, new int[0], "root");
            f.embeddedProtocol = 6;
            f.embeddedRemoteKnown = true;
            f.embeddedLocalPort = 1;
            f.embeddedRemotePort = 2;
            f.sourceKnown = true;
            f.forwardIfIndex = 1;
            f.forwardIfLuid = 1;
            f.etherType = 0x800;
            f.interfaceMac = f.macLocal = f.macRemote = 1;
            FwpsIncomingValues in = new FwpsIncomingValues(l);
            f.fillInto(in);
            BitSet b = new BitSet();
            for (LayerField lf : l.fields()) if (!in.isEmpty(lf.index())) b.set(lf.index());
            return b;
        });
    }

    // ---------------------------------------------------------------- the conversion

    private static final class Importer {
        final NetshDump dump;
        final Path file;
        final Options options;
        final Set<UUID> weightsUsed = new HashSet<>();
        final String source;
        final ImportReport report;
        final Map<UUID, Origin> origins = new LinkedHashMap<>();

        final Map<UUID, Policy.Provider> providers = new LinkedHashMap<>();
        final Map<UUID, Policy.Sublayer> sublayers = new LinkedHashMap<>();
        final Map<UUID, Policy.Callout> callouts = new LinkedHashMap<>();
        final List<Policy.Filter> filters = new ArrayList<>();
        final Set<String> providerNames = new HashSet<>(), sublayerNames = new HashSet<>(Set.of("FWPM_SUBLAYER_UNIVERSAL",
                "FWPM_SUBLAYER_INSPECTION")), calloutNames = new HashSet<>(), filterNames = new HashSet<>();
        final Set<UUID> filterKeys = new HashSet<>();

        final Map<UUID, NetshDump.Provider> dumpProviders = new HashMap<>();
        final Map<UUID, NetshDump.SubLayer> dumpSublayers = new HashMap<>();
        final Map<UUID, NetshDump.Callout> dumpCallouts = new HashMap<>();
        final Map<String, Integer> droppedFlags = new LinkedHashMap<>();
        int providerData, providerContexts, sublayersWithGuessedWeight;

        Importer(NetshDump dump, Path file, Options options) {
            this.dump = dump;
            this.file = file;
            this.options = options;
            this.source = dump.source() != null ? dump.source() : file == null ? "<dump>" : file.toString();
            this.report = new ImportReport(source, dump.kind().command());
            for (NetshDump.Provider p : dump.providers()) {
                NetshNames.Resolved k = NetshNames.resolve(p.providerKey());
                if (k != null) dumpProviders.put(k.key(), p);
            }
            for (NetshDump.SubLayer s : dump.subLayers()) {
                NetshNames.Resolved k = NetshNames.resolve(s.subLayerKey());
                if (k != null) dumpSublayers.put(k.key(), s);
            }
            for (NetshDump.Callout c : dump.callouts()) {
                NetshNames.Resolved k = NetshNames.resolve(c.calloutKey());
                if (k != null) dumpCallouts.put(k.key(), c);
            }
        }

        Result run() {
            report.filtersInDump(dump.filters().size());
            int i = 0;
            for (NetshDump.Filter f : dump.filters()) filter(f, i++);
            report.imported(filters.size());
            report.object("providers", providers.size());
            report.object("sublayers", sublayers.size());
            report.object("callouts without code", callouts.size());
            if (providerData > 0) report.note(providerData + " filters carry providerData: not imported (policy files "
                    + "have no place for it; it never changes a decision)");
            if (providerContexts > 0) report.note(providerContexts + " filters reference a provider context: not "
                    + "imported (jwfp has no provider contexts; a static filter's decision does not depend on it)");
            droppedFlags.forEach((fl, n) -> report.note(n + " filters carry " + fl + ": not imported ("
                    + (fl.equals("FWPM_FILTER_FLAG_PERSISTENT") ? "the imported objects are static; lifetime does not "
                    + "change a decision" : "jwfp does not keep this flag; it does not change a decision") + ")"));
            if (sublayersWithGuessedWeight > 0) report.note(sublayersWithGuessedWeight + " third-party sublayers have "
                    + "no weight in a `show filters` dump: given 0x8000 (FWPM_SUBLAYER_UNIVERSAL's); import a `show "
                    + "state` dump for their real weights, or give them (jwfp import --sublayer-weight KEY=WEIGHT)");
            for (var e : options.sublayerWeights().entrySet()) {
                report.note(weightsUsed.contains(e.getKey())
                        ? "sublayer " + e.getKey() + ": weight " + e.getValue() + " as given, not the dump's"
                        : "sublayer " + e.getKey() + " was given a weight but no imported filter uses it");
            }
            Policy p = new Policy(file, List.copyOf(providers.values()), List.copyOf(sublayers.values()),
                    List.copyOf(callouts.values()), List.copyOf(filters));
            return new Result(p, report, origins, dump);
        }

        void filter(NetshDump.Filter f, int index) {
            String name = f.name() == null || f.name().isBlank() ? "filter " + f.filterId() : f.name();
            Layer layer = Layer.byName(f.layerKey());
            if (layer == null) {
                report.add(Reason.LAYER_NOT_MODELLED, f.layerKey(), f.filterId(), name, f.layerKey());
                return;
            }
            if (f.flags().contains("FWPM_FILTER_FLAG_BOOTTIME")) {
                report.add(Reason.BOOT_TIME, "FWPM_FILTER_FLAG_BOOTTIME", f.filterId(), name, f.layerKey());
                return;
            }
            NetshNames.Resolved fk = NetshNames.resolve(f.filterKey());
            if (fk == null || !filterKeys.add(fk.key())) {
                report.add(Reason.MALFORMED, fk == null ? "no filterKey" : "filterKey " + fk.key() + " given twice",
                        f.filterId(), name, f.layerKey());
                return;
            }
            ActionType action = ActionType.byName(f.actionType());
            if (action == null || !action.isFilterAction()) {
                report.add(Reason.MALFORMED, "action " + f.actionType(), f.filterId(), name, f.layerKey());
                return;
            }
            if (!(f.weight() instanceof FwpValue.Empty || f.weight() instanceof FwpValue.UInt8
                    || f.weight() instanceof FwpValue.UInt64)) {
                report.add(Reason.MALFORMED, "weight of type " + f.weight().type().name(), f.filterId(), name, f.layerKey());
                return;
            }
            // Everything that can skip the filter is checked before objects are made for it.
            NetshNames.Resolved ck = action.isCallout() ? NetshNames.resolve(f.filterType()) : null;
            if (action.isCallout()) {
                if (ck == null) {
                    report.add(Reason.MALFORMED, "callout action without a callout key", f.filterId(), name, f.layerKey());
                    return;
                }
                Policy.Callout existing = callouts.get(ck.key());
                if (existing != null && existing.layer() != layer) {
                    report.add(Reason.MALFORMED, "callout " + f.filterType() + " is used at " + existing.layer().name()
                            + " and at " + layer.name(), f.filterId(), name, f.layerKey());
                    return;
                }
            }
            UUID providerKey = null;
            NetshNames.Resolved pk = NetshNames.resolve(f.providerKey());
            if (pk != null) {
                NetshDump.Provider dp = dumpProviders.get(pk.key());
                if (dp != null && dp.flags().contains("FWPM_PROVIDER_FLAG_DISABLED")
                        && f.flags().contains("FWPM_FILTER_FLAG_PERSISTENT")) {
                    report.add(Reason.PROVIDER_DISABLED, f.providerKey(), f.filterId(), name, f.layerKey());
                    return;
                }
                providerKey = provider(pk.key(), f.providerKey(), dp);
            }
            UUID calloutKey = null;
            List<String> notes = new ArrayList<>();
            String calloutWithoutCode = null;
            String calloutLine = null;
            if (action.isCallout()) {
                calloutKey = callout(ck.key(), f.filterType(), layer);
                String cname = callouts.get(calloutKey).name();
                if (action == ActionType.FWP_ACTION_CALLOUT_INSPECTION) {
                    report.add(Reason.UNREGISTERED_CALLOUT, cname, f.filterId(), name, f.layerKey());
                    notes.add("callout " + cname + " has no code in jwfp: an inspection callout, skipped as WFP skips an unregistered one");
                } else {
                    // On Windows this callout was registered and decided case by case (a prompt, edge traversal, a
                    // silent drop...); WFP's unregistered-callout rule (block) would describe a machine that does not
                    // exist. jwfp cannot evaluate it, so the filter never matches and says so, like a condition.
                    calloutWithoutCode = cname;
                    calloutLine = "callout " + cname + ": " + action.name() + " run by Windows; jwfp has no code for it";
                    report.add(Reason.CALLOUT_WITHOUT_CODE, cname, f.filterId(), name, f.layerKey());
                }
            }
            UUID subKey = BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL;
            NetshNames.Resolved sk = NetshNames.resolve(f.subLayerKey());
            if (sk != null) subKey = sublayer(sk.key(), f.subLayerKey(), providerKey);

            // Conditions: keep what jwfp can evaluate; a filter with any other condition never matches.
            List<FwpmFilterCondition> conds = new ArrayList<>();
            List<String> unevaluable = new ArrayList<>();
            BitSet filled = filledFields(layer);
            for (NetshDump.Condition c : f.conditions()) {
                String what = c.fieldKey() + " " + c.matchType() + " " + (c.value() == null ? "(unreadable value)"
                        : c.value().type().name() + " " + shortValue(c.value()));
                String why = unevaluable(layer, c);
                if (why != null) {
                    unevaluable.add(what + ": " + why);
                    report.add(Reason.UNEVALUABLE_CONDITION, c.fieldKey() + ": " + why, f.filterId(), name, f.layerKey());
                    continue;
                }
                ConditionKey key = NetshNames.condition(c.fieldKey());
                conds.add(new FwpmFilterCondition(key, MatchType.byName(c.matchType()), c.value()));
                LayerField lf = layer.field(key);
                if (!filled.get(lf.index())) {
                    report.add(Reason.FIELD_NEVER_FILLED, c.fieldKey(), f.filterId(), name, f.layerKey());
                    notes.add(c.fieldKey() + " is never filled on Linux: the filter matches only when a value is given");
                }
            }

            int flags = 0;
            for (String fl : f.flags()) {
                Integer v = FilterFlags.byName(fl);
                // Persistence is for `jwfp apply` to decide (the imported providers, sublayers and callouts are
                // static, and a persistent filter cannot reference a static object: FWP_E_LIFETIME_MISMATCH).
                if (v == null || v == FilterFlags.FWPM_FILTER_FLAG_HAS_PROVIDER_CONTEXT
                        || v == FilterFlags.FWPM_FILTER_FLAG_PERSISTENT) {
                    droppedFlags.merge(fl, 1, Integer::sum);
                    continue;
                }
                flags |= v;
            }
            if (f.providerContextKey() != null) providerContexts++;
            if (f.providerData().length > 0) providerData++;

            String description = f.description() == null ? "" : f.description();
            // Windows evaluates the quarantine sublayer only for an interface in quarantine (new, its firewall
            // profile not yet known); its default block has no condition saying so. jwfp has no interface quarantine.
            // By key, so the GUID form of the sublayer (as some dumps write it) is recognised too.
            boolean quarantine = sk != null && sk.key().equals(QUARANTINE_SUBLAYER);
            if (quarantine) report.add(Reason.INTERFACE_QUARANTINE, f.subLayerKey(), f.filterId(), name, f.layerKey());
            if (!unevaluable.isEmpty() || calloutWithoutCode != null || quarantine) {
                flags |= FilterFlags.FWPM_FILTER_FLAG_DISABLED;
                List<String> why = new ArrayList<>();
                for (NetshDump.Condition c : f.conditions()) if (unevaluable(layer, c) != null && !why.contains(c.fieldKey())) why.add(c.fieldKey());
                String reason = why.isEmpty() ? "" : String.join(", ", why) + " not evaluable";
                if (calloutWithoutCode != null) {
                    reason = (reason.isEmpty() ? "" : reason + "; ") + "callout " + calloutWithoutCode + " has no code in jwfp";
                }
                if (quarantine) reason = (reason.isEmpty() ? "" : reason + "; ") + "interface quarantine only";
                // A dump jwfp wrote (show --xml) already carries the reason: keep it, so the round trip is stable.
                if (neverMatchReason(description) == null) description = NEVER_MATCHES_PREFIX + reason + "] " + description;
            }

            FwpValue weight = f.weight();
            if (f.effectiveWeight() != null) {
                long mine;
                try {
                    mine = FilterWeights.effectiveWeight(layer, weight, conds);
                } catch (FwpException e) {
                    mine = ~f.effectiveWeight(); // an invalid weight: pin Windows' number
                }
                if (mine != f.effectiveWeight()) {
                    weight = FwpValue.uint64(f.effectiveWeight());
                    report.add(Reason.WEIGHT_PINNED, weightText(f.weight()), f.filterId(), name, f.layerKey());
                    notes.add("weight pinned to Windows' effectiveWeight (jwfp would compute " + Long.toUnsignedString(mine) + ")");
                }
            }

            String unique = unique(filterNames, name, "#" + f.filterId());
            Policy.Where where = new Policy.Where(0, "filters[" + index + "] (Windows filterId " + f.filterId() + ")");
            filters.add(new Policy.Filter(unique, fk.key(), layer, subKey, weight, List.copyOf(conds), action, calloutKey,
                    flags, providerKey, description, f.rawContext() == null ? 0 : f.rawContext(), where));
            if (calloutLine != null) unevaluable.add(calloutLine);
            if (quarantine) unevaluable.add("sublayer FWPM_SUBLAYER_MPSSVC_QUARANTINE: applies only to an interface in quarantine");
            origins.put(fk.key(), new Origin(f.filterId(), f.weight(), f.effectiveWeight(), unevaluable, notes));
        }

        /** Why jwfp cannot evaluate a condition at this layer, or null when it can. */
        String unevaluable(Layer layer, NetshDump.Condition c) {
            if (c.value() == null) return "value not readable (" + c.problem() + ")";
            MatchType m = MatchType.byName(c.matchType());
            if (m == null) return "match type " + c.matchType() + " unknown to jwfp";
            ConditionKey key = NetshNames.condition(c.fieldKey());
            if (key.ordinal() < 0) return "field unknown to jwfp (a newer Windows field)";
            LayerField lf = layer.field(key);
            if (lf == null) return "not a field of this layer in jwfp (a newer Windows build's field)";
            FwpmFilterCondition fc = new FwpmFilterCondition(key, m, c.value());
            try {
                ConditionCompiler.compile(layer, List.of(fc));
            } catch (FwpException e) {
                return "jwfp cannot compile it: " + e.getMessage().replaceFirst("^condition 0 \\([A-Z_0-9]+\\): ", "");
            }
            if (PolicyWriter.conditionText(c.value(), lf) == null) return "the value has no policy-file form";
            return null;
        }

        UUID provider(UUID key, String text, NetshDump.Provider dp) {
            if (providers.containsKey(key)) return key;
            // Built-in providers by their symbolic names: their display names are all "Microsoft Corporation".
            String name = NetshNames.name(key) != null ? NetshNames.name(key)
                    : dp != null && !dp.name().isBlank() ? dp.name() : "provider " + text;
            String description = dp == null ? null : dp.description();
            providers.put(key, new Policy.Provider(unique(providerNames, name, "{" + key + "}"), key, description, false,
                    new Policy.Where(0, "provider " + text)));
            return key;
        }

        UUID sublayer(UUID key, String text, UUID filterProvider) {
            if (key.equals(BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL) || key.equals(BuiltinSublayers.FWPM_SUBLAYER_INSPECTION)) return key;
            if (sublayers.containsKey(key)) return key;
            NetshDump.SubLayer ds = dumpSublayers.get(key);
            Integer weight = options.sublayerWeights().get(key);
            if (weight != null) weightsUsed.add(key);
            else weight = ds != null ? Integer.valueOf(ds.weight()) : NetshNames.builtinSublayerWeight(key);
            if (weight == null) {
                weight = 0x8000;
                sublayersWithGuessedWeight++;
            }
            String symbolic = NetshNames.name(key);
            String name = symbolic != null ? symbolic : ds != null && !ds.name().isBlank() ? ds.name() : "sublayer " + text;
            UUID provider = null;
            if (ds != null) {
                NetshNames.Resolved pk = NetshNames.resolve(ds.providerKey());
                if (pk != null) provider = provider(pk.key(), ds.providerKey(), dumpProviders.get(pk.key()));
            }
            sublayers.put(key, new Policy.Sublayer(unique(sublayerNames, name, "{" + key + "}"), key, weight, provider,
                    ds == null ? null : ds.description(), false, new Policy.Where(0, "sublayer " + text)));
            return key;
        }

        UUID callout(UUID key, String text, Layer layer) {
            if (callouts.containsKey(key)) return key;
            NetshDump.Callout dc = dumpCallouts.get(key);
            String symbolic = NetshNames.name(key);
            String name = symbolic != null ? symbolic : dc != null && !dc.name().isBlank() ? dc.name() : "callout " + text;
            UUID provider = null;
            if (dc != null) {
                NetshNames.Resolved pk = NetshNames.resolve(dc.providerKey());
                if (pk != null) provider = provider(pk.key(), dc.providerKey(), dumpProviders.get(pk.key()));
            }
            callouts.put(key, new Policy.Callout(unique(calloutNames, name, "{" + key + "}"), key, layer, null, Map.of(),
                    provider, dc == null ? null : dc.description(), false, new Policy.Where(0, "callout " + text), null));
            return key;
        }

        /** A name not used yet: the name itself, else the name with a suffix that makes it unique (ids are unique). */
        static String unique(Set<String> used, String name, String suffix) {
            String n = name.strip();
            if (n.isEmpty()) n = suffix;
            if (used.add(n)) return n;
            String s = n + " " + suffix;
            for (int i = 2; !used.add(s); i++) s = n + " " + suffix + "." + i;
            return s;
        }

        static String shortValue(FwpValue v) {
            String text = v instanceof FwpValue.ByteBlob b ? NetshWriter.utf16(b.bytesUnsafe()) : null;
            String s = text != null ? text : String.valueOf(v);
            return s.length() > 80 ? s.substring(0, 77) + "..." : s;
        }
    }
}

package io.jwfp.policy.netsh;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code jwfp import} did with a netsh dump: how many filters it imported, which it left out and why, which it
 * imported with a caveat (a condition jwfp never has a value for, a callout it has no code for, a weight it could not
 * reproduce...), and how it made the objects the filters need. Nothing the dump holds is dropped without an entry
 * here. Built by {@link NetshImport}; not thread-safe while being built, read-only afterwards.
 */
public final class ImportReport {

    /**
     * What became of a filter: left out, imported as never matching (FWPM_FILTER_FLAG_DISABLED, see
     * {@link NetshImport}), or imported with a note.
     */
    public enum Outcome { SKIPPED, NEVER_MATCHES, NOTED }

    /** Why a filter was left out, made never-matching or noted. A filter may have several entries. */
    public enum Reason {
        LAYER_NOT_MODELLED(Outcome.SKIPPED, "at a layer jwfp does not model (e.g. the *_FAST and MAC_FRAME_NATIVE "
                + "layers): no jwfp shim classifies there"),
        BOOT_TIME(Outcome.SKIPPED, "boot-time filter: Windows discards these when BFE starts, and the dump shows a "
                + "running BFE"),
        PROVIDER_DISABLED(Outcome.SKIPPED, "persistent filter of a disabled provider (its service does not run): "
                + "Windows does not enforce it"),
        MALFORMED(Outcome.SKIPPED, "not a valid filter"),
        UNEVALUABLE_CONDITION(Outcome.NEVER_MATCHES, "condition jwfp cannot evaluate: the filter is imported "
                + "disabled (it never matches) without that condition"),
        CALLOUT_WITHOUT_CODE(Outcome.NEVER_MATCHES, "calls a terminating callout jwfp has no code for: Windows ran it "
                + "and it decided case by case, so the filter is imported disabled (it never matches) with a callout "
                + "object without implementation"),
        INTERFACE_QUARANTINE(Outcome.NEVER_MATCHES, "in Windows Firewall's quarantine sublayer, which Windows applies only "
                + "to an interface in quarantine (new, its profile not yet known): imported disabled (it never matches); "
                + "jwfp has no interface quarantine"),
        UNREGISTERED_CALLOUT(Outcome.NOTED, "calls an inspection callout jwfp has no code for: imported as a callout "
                + "object without implementation; WFP skips an unregistered inspection callout"),
        FIELD_NEVER_FILLED(Outcome.NOTED, "condition on a field jwfp never fills on Linux: the filter matches only "
                + "when that value is given (e.g. jwfp explain --field)"),
        WEIGHT_PINNED(Outcome.NOTED, "jwfp's automatic weight differs from Windows' effectiveWeight: the weight is "
                + "written as {uint64: effectiveWeight}, so the arbitration order is Windows'");

        private final Outcome outcome;
        private final String text;

        Reason(Outcome outcome, String text) {
            this.outcome = outcome;
            this.text = text;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** What the reason means, in a sentence. */
        public String text() {
            return text;
        }
    }

    /** One filter's entry for one reason; {@code detail} says which layer, field, callout or flag. */
    public record Entry(Reason reason, String detail, long windowsFilterId, String filterName, String layer) {}

    private final String source;
    private final String dumpKind;
    private int filtersInDump;
    private int imported;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Outcome, Set<Long>> byOutcome = new EnumMap<>(Outcome.class);
    private final List<String> objectNotes = new ArrayList<>();
    private final Map<String, Integer> objects = new LinkedHashMap<>();

    ImportReport(String source, String dumpKind) {
        this.source = source;
        this.dumpKind = dumpKind;
    }

    void filtersInDump(int n) {
        filtersInDump = n;
    }

    void imported(int n) {
        imported = n;
    }

    void object(String kind, int count) {
        objects.put(kind, count);
    }

    void note(String text) {
        objectNotes.add(text);
    }

    void add(Reason r, String detail, long id, String name, String layer) {
        entries.add(new Entry(r, detail, id, name, layer));
        byOutcome.computeIfAbsent(r.outcome(), k -> new LinkedHashSet<>()).add(id);
    }

    public String source() {
        return source;
    }

    /** The netsh command that wrote the dump. */
    public String dumpKind() {
        return dumpKind;
    }

    /** Objects the policy holds besides filters, by kind (providers, sublayers, callouts without code). */
    public Map<String, Integer> objects() {
        return Collections.unmodifiableMap(objects);
    }

    public int filtersInDump() {
        return filtersInDump;
    }

    public int imported() {
        return imported;
    }

    /** Filters left out. */
    public int skipped() {
        return count(Outcome.SKIPPED);
    }

    /** Filters imported as never matching (a condition jwfp cannot evaluate). */
    public int neverMatching() {
        return count(Outcome.NEVER_MATCHES);
    }

    /** Imported filters with at least one note. */
    public int noted() {
        return count(Outcome.NOTED);
    }

    private int count(Outcome o) {
        Set<Long> s = byOutcome.get(o);
        return s == null ? 0 : s.size();
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** Notes on what was not imported for all filters alike (provider data, provider contexts, flags, sublayer weights). */
    public List<String> objectNotes() {
        return Collections.unmodifiableList(objectNotes);
    }

    /** Number of filters per reason (a filter counts once per reason). */
    public Map<Reason, Integer> countByReason() {
        Map<Reason, Set<Long>> ids = new EnumMap<>(Reason.class);
        for (Entry e : entries) ids.computeIfAbsent(e.reason(), k -> new LinkedHashSet<>()).add(e.windowsFilterId());
        Map<Reason, Integer> out = new EnumMap<>(Reason.class);
        ids.forEach((r, s) -> out.put(r, s.size()));
        return out;
    }

    /** Number of filters per detail of one reason, most frequent first. */
    public Map<String, Integer> countByDetail(Reason r) {
        Map<String, Set<Long>> ids = new LinkedHashMap<>();
        for (Entry e : entries) if (e.reason() == r) ids.computeIfAbsent(e.detail(), k -> new LinkedHashSet<>()).add(e.windowsFilterId());
        List<Map.Entry<String, Set<Long>>> l = new ArrayList<>(ids.entrySet());
        l.sort((a, b) -> b.getValue().size() != a.getValue().size() ? b.getValue().size() - a.getValue().size()
                : a.getKey().compareTo(b.getKey()));
        Map<String, Integer> out = new LinkedHashMap<>();
        for (var e : l) out.put(e.getKey(), e.getValue().size());
        return out;
    }

    /** A few lines for stderr: totals, and per reason the count and its most frequent details. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s (%s): %,d filters; imported %,d (never matching %,d, with notes %,d), skipped %,d%n",
                source, dumpKind, filtersInDump, imported, neverMatching(), noted(), skipped()));
        StringBuilder objs = new StringBuilder();
        objects.forEach((k, v) -> objs.append(objs.isEmpty() ? "" : ", ").append(String.format("%,d %s", v, k)));
        if (!objs.isEmpty()) sb.append("  objects: ").append(objs).append('\n');
        Map<Reason, Integer> counts = countByReason();
        for (Outcome o : Outcome.values()) {
            for (Reason r : Reason.values()) {
                if (r.outcome() != o || !counts.containsKey(r)) continue;
                sb.append(String.format("  %-13s %,5d  %s%n", label(o), counts.get(r), shortText(r)));
                StringBuilder d = new StringBuilder();
                int shown = 0;
                Map<String, Integer> byDetail = countByDetail(r);
                for (var e : byDetail.entrySet()) {
                    if (shown++ == 6) {
                        d.append(", ... (").append(byDetail.size() - 6).append(" more)");
                        break;
                    }
                    d.append(d.isEmpty() ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
                }
                sb.append("                       ").append(d).append('\n');
            }
        }
        for (String n : objectNotes) sb.append("  not imported: ").append(n).append('\n');
        return sb.toString();
    }

    private static String label(Outcome o) {
        return switch (o) {
            case SKIPPED -> "skipped";
            case NEVER_MATCHES -> "never matches";
            case NOTED -> "noted";
        };
    }

    private static String shortText(Reason r) {
        String t = r.text();
        int colon = t.indexOf(':');
        return colon > 0 ? t.substring(0, colon) : t;
    }

    /** The full report: the summary, every reason with its meaning and every filter it concerns, the object notes. */
    public String detail() {
        StringBuilder sb = new StringBuilder(summary());
        Map<Reason, Integer> counts = countByReason();
        for (Reason r : Reason.values()) {
            if (!counts.containsKey(r)) continue;
            sb.append(String.format("%n%s %s: %,d filters%n  %s%n", label(r.outcome()), r.name(), counts.get(r), r.text()));
            for (Entry e : entries) {
                if (e.reason() != r) continue;
                sb.append(String.format("  filter %d '%s' at %s: %s%n", e.windowsFilterId(), e.filterName(), e.layer(), e.detail()));
            }
        }
        return sb.toString();
    }
}

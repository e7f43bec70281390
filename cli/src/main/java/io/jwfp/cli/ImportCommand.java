package io.jwfp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.policy.netsh.ImportReport;
import io.jwfp.policy.netsh.NetshImport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jwfp import FILE.xml}: a real {@code netsh wfp show filters} / {@code show state} dump into a policy file
 * ({@link NetshImport}), with a report of everything that did not carry over exactly.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = {
        "Import a `netsh wfp show filters` or `netsh wfp show state` dump from Windows into a jwfp policy (YAML).",
        "Filters keep their keys, names, layers, sublayers (with weights), Windows' effective weights, actions and",
        "conditions. A filter jwfp cannot evaluate (a condition it has no value for, a terminating Windows callout it has",
        "no code for, Windows Firewall's interface-quarantine sublayer) is imported disabled: it never matches. Everything",
        "of the kind is reported: a summary on stderr, every filter with --report; jwfp explain lists them.",
        "",
        "Examples:",
        "  jwfp import wfpstate.xml -o windows.yaml --report import-report.txt",
        "  jwfp import filters.xml --json -o windows.yaml > report.json",
        "  jwfp import filters.xml -o w.yaml --sublayer-weight {745590a5-d0ba-4073-a921-75a4849ff259}=0x9000",
        "  jwfp explain --policy windows.yaml ...   (or --policy filters.xml directly)"})
final class ImportCommand implements Runnable {
    @Parameters(paramLabel = "FILE.xml", description = "The netsh dump (as written by `netsh wfp show filters` or `netsh wfp show state`).")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the policy here (default: standard output).")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the full report (every filter skipped, made never-matching or noted, and why) here; JSON with --json.")
    Path reportFile;

    @Option(names = "--json", description = "Print the report as JSON on standard output (the policy then needs -o).")
    boolean json;

    @Option(names = "--sublayer-weight", paramLabel = "KEY=WEIGHT", description = "Give a sublayer's weight (UINT16, e.g. {745590a5-d0ba-4073-a921-75a4849ff259}=0x9000): a `show filters` dump has none for third-party sublayers. Repeatable.")
    java.util.List<String> sublayerWeights = new java.util.ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (json && output == null) throw new Jwfp.UserException("--json prints the report on standard output: give -o FILE for the policy");
        NetshImport.Result r = NetshImport.load(file, options());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String yaml = r.yaml();
        if (output != null) write(output, yaml);
        else out.print(yaml);
        if (reportFile != null) write(reportFile, json ? toJson(r.report()).toPrettyString() + "\n" : r.report().detail());
        if (json) out.println(toJson(r.report()).toPrettyString());
        else err.print(r.report().summary());
        if (output != null && !json) err.printf("wrote %s (%,d filters)%n", output, r.report().imported());
        out.flush();
        err.flush();
    }

    private NetshImport.Options options() {
        java.util.Map<java.util.UUID, Integer> weights = new java.util.LinkedHashMap<>();
        for (String sw : sublayerWeights) {
            int eq = sw.lastIndexOf('=');
            if (eq <= 0) throw new Jwfp.UserException("--sublayer-weight " + sw + ": expected KEY=WEIGHT");
            var key = io.jwfp.engine.netsh.NetshNames.resolve(sw.substring(0, eq));
            if (key == null || key.derived()) {
                throw new Jwfp.UserException("--sublayer-weight " + sw + ": '" + sw.substring(0, eq)
                        + "' is not a GUID or a built-in sublayer name");
            }
            String w = sw.substring(eq + 1).trim().replace("_", "");
            int weight;
            try {
                weight = w.startsWith("0x") || w.startsWith("0X") ? Integer.parseInt(w.substring(2), 16) : Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw new Jwfp.UserException("--sublayer-weight " + sw + ": '" + w + "' is not a number");
            }
            if (weight < 0 || weight > 0xFFFF) throw new Jwfp.UserException("--sublayer-weight " + sw + ": not a UINT16 (0-65535)");
            weights.put(key.key(), weight);
        }
        return new NetshImport.Options(weights);
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Jwfp.UserException(p + ": cannot write (" + e.getMessage() + ")");
        }
    }

    /** The report with stable field names: totals, counts per reason, and one entry per filter and reason. */
    static ObjectNode toJson(ImportReport rep) {
        ObjectNode o = ObjectJson.MAPPER.createObjectNode();
        o.put("source", rep.source());
        o.put("dumpKind", rep.dumpKind());
        o.put("filtersInDump", rep.filtersInDump());
        o.put("imported", rep.imported());
        o.put("neverMatching", rep.neverMatching());
        o.put("noted", rep.noted());
        o.put("skipped", rep.skipped());
        ObjectNode objs = o.putObject("objects");
        rep.objects().forEach(objs::put);
        ObjectNode reasons = o.putObject("reasons");
        rep.countByReason().forEach((k, v) -> reasons.putObject(k.name()).put("outcome", k.outcome().name())
                .put("filters", v).put("meaning", k.text()));
        ArrayNode notes = o.putArray("notImported");
        rep.objectNotes().forEach(notes::add);
        ArrayNode es = o.putArray("entries");
        for (ImportReport.Entry e : rep.entries()) {
            es.addObject().put("reason", e.reason().name()).put("outcome", e.reason().outcome().name())
                    .put("windowsFilterId", e.windowsFilterId()).put("filterName", e.filterName()).put("layer", e.layer())
                    .put("detail", e.detail());
        }
        return o;
    }
}

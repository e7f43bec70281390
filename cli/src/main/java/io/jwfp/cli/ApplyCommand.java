package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.policy.PolicyParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jwfp apply FILE}: apply a policy to jwfpd in one transaction. */
@Command(name = "apply", footer = {"", "Examples:", "  jwfp apply examples/policies/samples/port-blocker.yaml", "  jwfp apply --dynamic examples/policies/block-outbound.yaml   (Ctrl-C removes it again)"}, description = {"Apply a policy file to jwfpd in one transaction (all of it or none of it).",
        "Objects with the keys of the file's objects are replaced; with --add they must not exist yet."})
final class ApplyCommand implements Runnable {
    @Mixin
    Remote remote;

    @Parameters(paramLabel = "FILE", description = "The policy file (YAML).")
    Path file;

    @Option(names = "--add", description = "Fail (FWP_E_ALREADY_EXISTS) instead of replacing existing objects.")
    boolean add;

    @Option(names = "--dynamic", description = "Apply in a dynamic session and stay attached: the objects vanish when this command ends.")
    boolean dynamic;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Jwfp.UserException(file + ": cannot read (" + e.getMessage() + ")");
        }
        PolicyParser.parse(file.toString(), text); // report file errors locally, with this machine's path
        ManagementClient c = dynamic ? remote.connectDynamic("jwfp apply --dynamic " + file) : remote.connect();
        try {
            ObjectNode req = c.request("apply");
            req.put("name", file.toString());
            req.put("policy", text);
            req.put("replace", !add);
            JsonNode r = Remote.call(c, req);
            var out = spec.commandLine().getOut();
            out.printf("applied %s: %d filters%n", file, r.path("filterIds").size());
            for (Map.Entry<String, JsonNode> e : r.path("filterIds").properties()) out.printf("  %d %s%n", e.getValue().asLong(), e.getKey());
            out.flush();
            if (dynamic) Remote.hold(c, out);
        } finally {
            try {
                if (!dynamic) c.close();
            } catch (IOException ignored) {
                // done
            }
        }
    }
}

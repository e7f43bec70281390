package io.jwfp.cli;

import io.jwfp.policy.netsh.NetshImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code --policy FILE} becomes a policy: the one method every command that reads a policy file for
 * classification goes through ({@code jwfp explain}, {@code jwfp show}). The file is a jwfp YAML policy or a Windows
 * {@code netsh wfp show filters|state} dump, imported on the fly ({@link NetshImport}); for a dump, one line on
 * {@code err} says how many filters were imported and how many never match. Stateless.
 */
final class PolicySource {
    private PolicySource() {}

    /**
     * Reads a policy file or netsh dump; errors are one line naming the file (and line) via
     * {@link io.jwfp.policy.PolicyException} or {@link io.jwfp.engine.netsh.NetshReader.NetshFormatException}.
     * {@link NetshImport.Result#report()} is null for a YAML policy.
     */
    static NetshImport.Result load(Path file, PrintWriter err) {
        if (!Files.isRegularFile(file)) throw new Jwfp.UserException(file + ": no such file");
        NetshImport.Result r = NetshImport.loadPolicy(file);
        if (r.report() != null) {
            err.printf("jwfp: %s: imported %,d of %,d filters (%,d never match, %,d skipped; details: jwfp import --report)%n",
                    file, r.report().imported(), r.report().filtersInDump(), r.report().neverMatching(), r.report().skipped());
            err.flush();
        }
        return r;
    }
}

package io.jwfp.cli;

import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyParser;
import java.nio.file.Path;

/**
 * Where {@code --policy FILE} becomes a {@link Policy}: the one method every command that reads a policy file for
 * classification goes through ({@code jwfp explain}), so other file formats (a Windows {@code netsh wfp show filters}
 * dump, for instance) are added here once. Stateless.
 */
final class PolicySource {
    private PolicySource() {}

    /** Reads a policy file; errors name the file, line and key ({@link io.jwfp.policy.PolicyException}). */
    static Policy load(Path file) {
        return PolicyParser.parse(file);
    }
}

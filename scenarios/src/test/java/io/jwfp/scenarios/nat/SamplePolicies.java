package io.jwfp.scenarios.nat;

import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** The policies the samples ship ({@code examples/policies/samples}), as the scenarios apply them. */
public final class SamplePolicies {
    private SamplePolicies() {}

    /** The directory, found from the scenarios module (Maven runs tests there) or the repository root. */
    public static Path dir() {
        Path base = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        for (Path p = base; p != null; p = p.getParent()) {
            Path d = p.resolve("examples/policies/samples");
            if (Files.isDirectory(d)) return d;
        }
        throw new IllegalStateException("examples/policies/samples not found above " + base);
    }

    /** A shipped policy, unchanged. */
    public static Policy load(String file) {
        return PolicyParser.parse(dir().resolve(file));
    }

    /** A shipped policy with its text edited first (a variant: another config value, a filter left out). */
    public static Policy load(String file, UnaryOperator<String> edit) {
        return PolicyParser.parse(file + " (edited)", edit.apply(text(file)));
    }

    /** The text of a shipped policy. */
    public static String text(String file) {
        try {
            return Files.readString(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The policy text without the filter (and its following lines up to the next item) named {@code name}. */
    public static String withoutFilter(String text, String name) {
        int at = text.indexOf("  - name: " + name + "\n", text.indexOf("\nfilters:"));
        if (at < 0) throw new IllegalArgumentException("no filter " + name);
        int end = text.indexOf("\n  - name: ", at + 1);
        return text.substring(0, at) + (end < 0 ? "" : text.substring(end + 1));
    }
}

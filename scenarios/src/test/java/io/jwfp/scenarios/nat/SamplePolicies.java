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

    /**
     * Asserts that each edit of a shipped policy ({@code {find, replace, expected message part}}) makes applying it
     * fail with a {@link io.jwfp.policy.PolicyException} whose message has the part, and that nothing of the policy
     * is left at {@code layer} (one transaction: all or nothing).
     */
    public static void assertRefused(String file, io.jwfp.engine.layer.Layer layer, String[][] cases) {
        for (String[] c : cases) {
            io.jwfp.shim.sim.SimHost h = new io.jwfp.shim.sim.SimNetwork(1).addHost("h");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.applyPolicy(load(file, x -> {
                org.assertj.core.api.Assertions.assertThat(x).as("the text to edit").contains(c[0]);
                return x.replace(c[0], c[1]);
            }))).as(c[2]).isInstanceOf(io.jwfp.policy.PolicyException.class).hasMessageContaining(c[2]);
            org.assertj.core.api.Assertions.assertThat(h.engine().state().layer(layer)).isNull();
        }
    }
}

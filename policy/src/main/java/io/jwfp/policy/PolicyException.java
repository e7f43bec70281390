package io.jwfp.policy;

import java.nio.file.Path;

/**
 * A policy file is wrong. The message names the file, the line and the offending key, e.g.
 * {@code policy.yaml:12: filters[0].weight: a bare integer is not a weight; write auto, {uint8: 0..15} or {uint64: N}}.
 */
public final class PolicyException extends RuntimeException {
    private final String file;
    private final int line;
    private final String key;

    public PolicyException(String file, int line, String key, String problem) {
        super(file + ":" + line + ": " + key + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public static PolicyException at(Path file, int line, String key, String problem) {
        return new PolicyException(file == null ? "<policy>" : file.toString(), line, key, problem);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }
}

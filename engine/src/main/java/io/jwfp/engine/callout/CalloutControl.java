package io.jwfp.engine.callout;

import java.util.Map;

/**
 * Run-time control of a callout from management tools: what a Windows callout driver offers its user-mode tool
 * through DeviceIoControl (the book's port blocker adds rules that way). jwfpd routes {@code jwfp callout control
 * NAME COMMAND [KEY=VALUE...]} here. Called on a management thread, concurrently with classification: implementations
 * publish changes safely (e.g. copy-on-write) and never block classify.
 */
@FunctionalInterface
public interface CalloutControl {
    /**
     * Executes a command.
     *
     * @param command   e.g. {@code add-rule}, {@code list-rules}
     * @param arguments the command's arguments (strings from the command line, or JSON values)
     * @return a JSON-like result (Map, List, String, Number, Boolean or null)
     * @throws IllegalArgumentException for an unknown command or bad arguments (shown to the user as one line)
     */
    Object control(String command, Map<String, Object> arguments);
}

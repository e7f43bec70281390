package io.jwfp.daemon.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scrape in the Prometheus text format, as samples: {@code name{labels}} exactly as written (labels in the writer's
 * order, by name) to the value. Comment lines ({@code # HELP}, {@code # TYPE}) are kept apart. For tests.
 */
public record Scraped(Map<String, Double> samples, String text) {
    public static Scraped parse(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return new Scraped(m, text);
    }

    /** The sample's value; fails (with the whole scrape) when there is no such sample. */
    public double get(String series) {
        Double v = samples.get(series);
        if (v == null) throw new AssertionError("no sample " + series + " in:\n" + text);
        return v;
    }

    /** The sample's value, or 0 when there is none (yet). */
    public double getOrZero(String series) {
        return samples.getOrDefault(series, 0.0);
    }
}

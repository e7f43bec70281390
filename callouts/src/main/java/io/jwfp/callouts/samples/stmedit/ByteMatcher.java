package io.jwfp.callouts.samples.stmedit;

/**
 * Finding a pattern in a byte range: full matches and a trailing partial match (a suffix of the range that is a
 * proper prefix of the pattern, i.e. a match that may complete with the next bytes). Patterns are short (at most
 * 127 bytes), so the plain scan is the fast one here. Stateless and thread-safe.
 */
public final class ByteMatcher {
    private ByteMatcher() {}

    /** The first index in {@code [from, to - p.length]} where {@code p} starts in {@code d}, or -1. */
    public static int indexOf(byte[] d, int from, int to, byte[] p) {
        byte first = p[0];
        for (int i = from, last = to - p.length; i <= last; i++) {
            if (d[i] != first) continue;
            int j = 1;
            while (j < p.length && d[i + j] == p[j]) j++;
            if (j == p.length) return i;
        }
        return -1;
    }

    /**
     * The smallest {@code s} in {@code [from, to)} such that {@code d[s, to)} is a proper prefix of {@code p}, or
     * {@code to} when no suffix of the range can start a match.
     */
    public static int partialStart(byte[] d, int from, int to, byte[] p) {
        for (int s = Math.max(from, to - p.length + 1); s < to; s++) {
            int j = 0;
            while (s + j < to && d[s + j] == p[j]) j++;
            if (s + j == to) return s;
        }
        return to;
    }
}

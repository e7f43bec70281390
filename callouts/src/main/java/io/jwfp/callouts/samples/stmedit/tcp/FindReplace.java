package io.jwfp.callouts.samples.stmedit.tcp;

import io.jwfp.callouts.samples.stmedit.ByteMatcher;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Replaces every occurrence of a pattern (leftmost first, not overlapping) by a replacement of any length, as a
 * {@link StreamTransform}: a trailing partial match is held until the next bytes complete or refute it, or the
 * stream ends. The result equals a replace over the whole stream at once, however the stream is cut. Not
 * thread-safe.
 */
public final class FindReplace implements StreamTransform {
    private final byte[] pattern;
    private final byte[] replacement;
    private byte[] held = new byte[0];
    private long replacements;

    public FindReplace(byte[] pattern, byte[] replacement) {
        if (pattern.length == 0) throw new IllegalArgumentException("empty pattern");
        this.pattern = pattern.clone();
        this.replacement = replacement.clone();
    }

    @Override
    public byte[] push(byte[] data, int off, int len) {
        byte[] d;
        int from, to;
        if (held.length == 0) {
            d = data;
            from = off;
            to = off + len;
        } else {
            d = Arrays.copyOf(held, held.length + len);
            System.arraycopy(data, off, d, held.length, len);
            from = 0;
            to = d.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(len + 16);
        int pos = from;
        for (int m; (m = ByteMatcher.indexOf(d, pos, to, pattern)) >= 0; pos = m + pattern.length) {
            out.write(d, pos, m - pos);
            out.writeBytes(replacement);
            replacements++;
        }
        int keep = ByteMatcher.partialStart(d, pos, to, pattern);
        out.write(d, pos, keep - pos);
        held = Arrays.copyOfRange(d, keep, to);
        return out.toByteArray();
    }

    @Override
    public byte[] finish() {
        byte[] h = held;
        held = new byte[0];
        return h;
    }

    /** Bytes held back now (a partial match). */
    public int heldBytes() {
        return held.length;
    }

    /** Replacements made so far. */
    public long replacements() {
        return replacements;
    }

    /** The whole-stream result, for checks: a replace of every leftmost, non-overlapping occurrence. */
    public static byte[] replaceAll(byte[] data, byte[] pattern, byte[] replacement) {
        FindReplace f = new FindReplace(pattern, replacement);
        byte[] a = f.push(data, 0, data.length);
        byte[] b = f.finish();
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

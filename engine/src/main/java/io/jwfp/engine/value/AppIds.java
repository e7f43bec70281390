package io.jwfp.engine.value;

import java.nio.charset.StandardCharsets;

/**
 * ALE application identifiers. Windows encodes FWPM_CONDITION_ALE_APP_ID as the executable's (lower-cased NT device)
 * path in UTF-16LE including the terminating NUL. jwfp keeps that encoding so dumps and blobs look alike, but keeps the
 * Linux path as it is: Linux file names are case-sensitive, so nothing is lower-cased.
 */
public final class AppIds {
    private AppIds() {}

    /** The app-id blob for an executable path, e.g. {@code /usr/bin/curl}. */
    public static byte[] encode(String path) {
        byte[] s = path.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[s.length + 2];
        System.arraycopy(s, 0, out, 0, s.length);
        return out;
    }

    /** The app-id value for an executable path. */
    public static FwpValue.ByteBlob of(String path) {
        return new FwpValue.ByteBlob(encode(path));
    }

    /** The path inside an app-id blob, or null when the blob is not a NUL-terminated UTF-16LE string. */
    public static String tryDecode(byte[] blob) {
        if (blob.length < 2 || (blob.length & 1) != 0 || blob[blob.length - 1] != 0 || blob[blob.length - 2] != 0) {
            return null;
        }
        for (int i = 1; i < blob.length - 2; i += 2) {
            if (blob[i] != 0 || blob[i - 1] < 0x20) return null; // ASCII-range paths only are shown as text
        }
        return new String(blob, 0, blob.length - 2, StandardCharsets.UTF_16LE);
    }
}

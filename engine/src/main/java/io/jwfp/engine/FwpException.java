package io.jwfp.engine;

/**
 * A management call failed with a WFP error. The message names the error (FWP_E_*) first, then what was wrong, so a
 * user reads e.g. {@code FWP_E_INVALID_WEIGHT: weight uint8 16 (expected: 0-15)}.
 */
public final class FwpException extends RuntimeException {
    private final FwpError error;

    public FwpException(FwpError error, String detail) {
        super(error.name() + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.error = error;
    }

    public FwpError error() {
        return error;
    }

    /** The detail without the error name. */
    public String detail() {
        String m = getMessage();
        int i = m.indexOf(": ");
        return i < 0 ? "" : m.substring(i + 2);
    }
}

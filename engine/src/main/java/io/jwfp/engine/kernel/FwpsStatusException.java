package io.jwfp.engine.kernel;

/**
 * Thrown by the {@link FwpsKernel} functions that return a handle (where WFP writes the handle to an out-parameter
 * and returns an NTSTATUS) when they fail; it carries the NTSTATUS.
 */
public final class FwpsStatusException extends RuntimeException {
    private final NtStatus status;

    public FwpsStatusException(NtStatus status, String message) {
        super(status.name() + ": " + message);
        this.status = status;
    }

    /** The NTSTATUS the WFP function would have returned. */
    public NtStatus status() {
        return status;
    }
}

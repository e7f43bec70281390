package io.jwfp.shim.nfqueue;

/**
 * A netlink or socket operation of the shim failed. The message is meant for an operator (it names the
 * queue, the operation and the errno); {@link #errno()} is the raw value for programs, 0 when not applicable.
 */
public class NfQueueException extends RuntimeException {
    private final int errno;

    public NfQueueException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public NfQueueException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The (positive) errno the kernel or libc reported, or 0. */
    public int errno() {
        return errno;
    }
}

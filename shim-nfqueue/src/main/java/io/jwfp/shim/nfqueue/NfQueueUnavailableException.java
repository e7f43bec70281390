package io.jwfp.shim.nfqueue;

/** nfnetlink_queue cannot be used in this process; the message says why (OS, capability, kernel feature). */
public final class NfQueueUnavailableException extends NfQueueException {
    public NfQueueUnavailableException(String message, int errno) {
        super(message, errno);
    }
}

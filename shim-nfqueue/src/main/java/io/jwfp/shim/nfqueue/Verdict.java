package io.jwfp.shim.nfqueue;

import io.jwfp.shim.nfqueue.natives.Constants;

/** The netfilter verdicts a queue user can give. */
public enum Verdict {
    /** Let the packet continue to the next hook. */
    ACCEPT(Constants.NF_ACCEPT),
    /** Discard the packet. */
    DROP(Constants.NF_DROP),
    /** Run the current hook again from its start (re-queues the packet if the same rule matches again). */
    REPEAT(Constants.NF_REPEAT);

    private final int code;

    Verdict(int code) {
        this.code = code;
    }

    /** Kernel verdict value ({@code NF_ACCEPT} etc.). */
    public int code() {
        return code;
    }

    /** The verdict code that hands the packet to another queue ({@code NF_QUEUE_NR(queue)}). */
    public static int queueTo(int queueNumber) {
        if (queueNumber < 0 || queueNumber > 0xffff) {
            throw new IllegalArgumentException("queue number out of range 0..65535: " + queueNumber);
        }
        return (queueNumber << Constants.NF_VERDICT_QBITS) | Constants.NF_QUEUE;
    }
}

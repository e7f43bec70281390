package io.jwfp.daemon;

/** Found with ServiceLoader: the module that can intercept live traffic provides one. */
public interface LiveShimFactory {
    /** How jwfpd asks to be wired. */
    record Options(int firstQueue, int queueCount, boolean failClosed) {}

    LiveShim create(Options options);

    /**
     * Removes interception state a jwfpd left behind without a clean stop (crash, SIGKILL), without starting anything.
     *
     * @return how many pieces were removed (0: nothing was left)
     */
    default int removeLeftovers() {
        return 0;
    }
}

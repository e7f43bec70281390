package io.jwfp.daemon;

/** Found with ServiceLoader: the module that can intercept live traffic provides one. */
public interface LiveShimFactory {
    /** How jwfpd asks to be wired. */
    record Options(int firstQueue, int queueCount, boolean failClosed) {}

    LiveShim create(Options options);
}

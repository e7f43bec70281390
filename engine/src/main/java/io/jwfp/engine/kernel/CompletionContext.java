package io.jwfp.engine.kernel;

/**
 * The completion context FwpsPendOperation0 returns: names a pended ALE operation (connect, recv-accept) until
 * {@link FwpsKernel#completeOperation} resumes it. Opaque.
 */
public interface CompletionContext {
    /** A number for logs. */
    long id();
}

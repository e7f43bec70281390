package io.jwfp.bfe;

/**
 * How long an object lives (wfp-semantics §6.4). An object may only reference objects that live at least as long
 * (FWP_E_LIFETIME_MISMATCH otherwise). jwfp adds one rule Windows leaves implicit: a dynamic object may reference
 * dynamic objects of its own session only, so closing a session never leaves a dangling reference.
 */
public enum Lifetime {
    /** Deleted when the session that added it closes. */
    DYNAMIC,
    /** Lives until deleted or until the engine stops. */
    STATIC,
    /** Saved in the state directory and restored when the engine opens. */
    PERSISTENT,
    /** Defined by the engine; cannot be deleted. */
    BUILTIN
}

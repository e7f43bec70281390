package io.jwfp.engine.kernel;

/** FWPS_CONNECTION_REDIRECT_STATE: whether and by whom a connection was redirected. */
public enum FwpsConnectionRedirectState {
    /** Not redirected: the callout may redirect it. */
    FWPS_CONNECTION_NOT_REDIRECTED,
    /** The callout's own proxy connection: permit it, do not redirect again. */
    FWPS_CONNECTION_REDIRECTED_BY_SELF,
    /** Redirected by another callout's handle. */
    FWPS_CONNECTION_REDIRECTED_BY_OTHER,
    /** Redirected by this handle earlier: must not be redirected again. */
    FWPS_CONNECTION_PREVIOUSLY_REDIRECTED_BY_SELF
}

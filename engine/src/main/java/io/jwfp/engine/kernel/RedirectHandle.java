package io.jwfp.engine.kernel;

import java.util.UUID;

/**
 * A redirect handle (FwpsRedirectHandleCreate0): identifies a redirecting callout driver in connection redirect
 * records, so that it recognises connections it redirected ({@link FwpsKernel#queryConnectionRedirectState}).
 * Immutable.
 *
 * @param id           unique per kernel
 * @param providerGuid the provider the handle was created for
 */
public record RedirectHandle(long id, UUID providerGuid) {}

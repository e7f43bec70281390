package io.jwfp.engine.kernel;

/**
 * An injection handle (the HANDLE FwpsInjectionHandleCreate0 returns). Its identity is what
 * {@link FwpsKernel#queryPacketInjectionState} compares packets' injectors against. Immutable; thread-safe.
 *
 * @param id            unique per kernel
 * @param addressFamily the family it injects
 * @param flags         FWPS_INJECTION_TYPE_* it was created for
 */
public record InjectionHandle(long id, AddressFamily addressFamily, int flags) {}

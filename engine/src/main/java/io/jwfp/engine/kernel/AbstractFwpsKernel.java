package io.jwfp.engine.kernel;

import io.jwfp.packet.NetBufferList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every shim's {@link FwpsKernel} does the same way: one id sequence for the kernel's handles (injection handles,
 * completions, classify and redirect handles), the injection handles themselves, and the injection state read from a
 * list's tag ({@link InjectionTags}). A shim extends it and implements the rest (injection, clones, pend, redirect).
 *
 * <p>Thread-safe: the id sequence is atomic and {@link InjectionHandles} is thread-safe.
 */
public abstract class AbstractFwpsKernel implements FwpsKernel {
    private final AtomicLong ids = new AtomicLong(1);
    /** The kernel's injection handles; inject functions call {@link InjectionHandles#check} first. */
    protected final InjectionHandles injectionHandles = new InjectionHandles(ids::getAndIncrement);

    /** The next id of the kernel's one sequence, for handles of other kinds than injection handles. */
    protected final long nextId() {
        return ids.getAndIncrement();
    }

    @Override
    public final InjectionHandle injectionHandleCreate(AddressFamily addressFamily, int flags) {
        return injectionHandles.create(addressFamily, flags);
    }

    @Override
    public final NtStatus injectionHandleDestroy(InjectionHandle injectionHandle) {
        return injectionHandles.destroy(injectionHandle);
    }

    @Override
    public final FwpsPacketInjectionState queryPacketInjectionState(InjectionHandle injectionHandle, NetBufferList nbl) {
        return InjectionTags.state(injectionHandle, nbl);
    }
}

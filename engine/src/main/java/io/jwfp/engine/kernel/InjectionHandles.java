package io.jwfp.engine.kernel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The injection handles of one kernel: FwpsInjectionHandleCreate0 / Destroy0 and the "is it still open" check every
 * inject function makes first. Shared by the shims' {@link FwpsKernel} implementations. Thread-safe.
 */
public final class InjectionHandles {
    private final Set<Long> open = ConcurrentHashMap.newKeySet();
    private final LongSupplier ids;

    /** @param ids the kernel's id source (handles share it with the kernel's other handle kinds) */
    public InjectionHandles(LongSupplier ids) {
        this.ids = ids;
    }

    /** FwpsInjectionHandleCreate0. */
    public InjectionHandle create(AddressFamily addressFamily, int flags) {
        InjectionHandle h = new InjectionHandle(ids.getAsLong(), addressFamily, flags);
        open.add(h.id());
        return h;
    }

    /** FwpsInjectionHandleDestroy0: later injections with the handle fail with STATUS_FWP_INJECT_HANDLE_CLOSING. */
    public NtStatus destroy(InjectionHandle handle) {
        return open.remove(handle.id()) ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_INVALID_HANDLE;
    }

    /**
     * The status an inject function answers before doing anything: STATUS_FWP_NULL_POINTER without a handle or list,
     * STATUS_FWP_INJECT_HANDLE_CLOSING for a destroyed handle, else STATUS_SUCCESS.
     */
    public NtStatus check(InjectionHandle handle, Object netBufferList) {
        if (handle == null || netBufferList == null) return NtStatus.STATUS_FWP_NULL_POINTER;
        return open.contains(handle.id()) ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_FWP_INJECT_HANDLE_CLOSING;
    }

    /** Whether the handle is open. */
    public boolean isOpen(InjectionHandle handle) {
        return handle != null && open.contains(handle.id());
    }
}

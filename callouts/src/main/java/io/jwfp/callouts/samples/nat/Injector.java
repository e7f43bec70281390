package io.jwfp.callouts.samples.nat;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.packet.NetBufferList;
import io.jwfp.engine.model.ActionType;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A callout's injection handle, created on first use from the kernel its classify runs with (the kernel may not exist
 * yet when the callout is built: jwfpd applies its policy before the live shim starts). Also the loop guard every
 * injecting callout starts with. Thread-safe.
 */
public final class Injector {
    private final AddressFamily family;
    private final int types;
    private volatile WeakReference<FwpsKernel> kernel = new WeakReference<>(null);
    private volatile InjectionHandle handle;

    /** @param types FWPS_INJECTION_TYPE_* the handle is for */
    public Injector(AddressFamily family, int types) {
        this.family = family;
        this.types = types;
    }

    /** The handle for {@code k} (created once per kernel); null when there is no kernel. */
    public InjectionHandle handle(FwpsKernel k) {
        if (k == null) return null;
        InjectionHandle h = handle;
        if (h != null && kernel.get() == k) return h;
        synchronized (this) {
            if (handle == null || kernel.get() != k) {
                handle = k.injectionHandleCreate(family, types);
                kernel = new WeakReference<>(k);
            }
            return handle;
        }
    }

    /** True if {@code nbl} was injected by this handle, now or before someone else re-injected it: let it pass. */
    public boolean ownInjection(FwpsKernel k, NetBufferList nbl) {
        InjectionHandle h = handle(k);
        if (h == null) return false;
        FwpsPacketInjectionState s = k.queryPacketInjectionState(h, nbl);
        return s == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF
                || s == FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF;
    }

    /**
     * The start every injecting classify shares: without the write right, return without a word; without a kernel
     * (e.g. {@code jwfp explain}) or data, and for the callout's own injections (the loop guard, counted in
     * {@code ownSeen}), permit. Returns the kernel to go on with, or null when the classify is over.
     */
    public FwpsKernel begin(ClassifyContext ctx, Object layerData, FwpsClassifyOut out, AtomicLong ownSeen) {
        if (!out.canWrite()) return null;
        FwpsKernel k = ctx.kernel();
        if (k == null || !(layerData instanceof NetBufferList nbl)) {
            out.actionType = ActionType.FWP_ACTION_PERMIT; // nothing to inject with: leave the packet alone
            return null;
        }
        if (ownInjection(k, nbl)) {
            ownSeen.incrementAndGet();
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return null;
        }
        return k;
    }

    /**
     * Private, writable copies of every list of a chain (FwpsAllocateNetBufferAndNetBufferList0 plus a copy, per
     * NET_BUFFER_LIST): a callout modifies copies, never the indicated lists, and injects each copy on its own.
     */
    public static java.util.List<NetBufferList> copies(FwpsKernel k, NetBufferList first) {
        java.util.List<NetBufferList> out = new java.util.ArrayList<>();
        for (NetBufferList n = first; n != null; n = n.next()) out.add(k.allocateNetBufferListCopy(n));
        return out;
    }
}

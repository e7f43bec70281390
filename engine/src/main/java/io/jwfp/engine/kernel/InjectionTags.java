package io.jwfp.engine.kernel;

import io.jwfp.packet.NetBufferList;
import java.util.Arrays;

/**
 * Injection state kept in a list's {@linkplain NetBufferList#injectionTag() injection tag}, the same on every shim:
 * which handles injected it, oldest first, so {@link #state} can tell "injected by self", "by another" and
 * "previously by self" (FwpsQueryPacketInjectionState0). Clones and copies inherit the history of their original
 * without counting as injected until they are injected themselves.
 *
 * <p>Stateless and thread-safe; the lists themselves are not.
 */
public final class InjectionTags {
    private InjectionTags() {}

    /** The tag of an injected list: the handles that injected it, oldest first. */
    public record Injected(long[] injectors) {}

    /** The injection history of a clone or copy made before it was injected. */
    private record Lineage(long[] injectors) {}

    /** Whether the list was injected (by anyone). */
    public static boolean isInjected(NetBufferList nbl) {
        return nbl.injectionTag() instanceof Injected;
    }

    /** FwpsQueryPacketInjectionState0 as seen from {@code handle}. */
    public static FwpsPacketInjectionState state(InjectionHandle handle, NetBufferList nbl) {
        if (!(nbl.injectionTag() instanceof Injected t)) return FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED;
        long[] inj = t.injectors();
        if (inj[inj.length - 1] == handle.id()) return FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF;
        for (long x : inj) if (x == handle.id()) return FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF;
        return FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_OTHER;
    }

    /** Records that {@code handle} injects the list (appended to the history it or its original has). */
    public static void markInjected(InjectionHandle handle, NetBufferList nbl) {
        long[] past = history(nbl);
        long[] now = Arrays.copyOf(past, past.length + 1);
        now[past.length] = handle.id();
        nbl.setInjectionTag(new Injected(now));
    }

    /** Gives a clone or copy of {@code original} the original's injection history (it is not injected itself). */
    public static void inherit(NetBufferList original, NetBufferList copy) {
        copy.setInjectionTag(new Lineage(history(original)));
    }

    private static long[] history(NetBufferList nbl) {
        for (NetBufferList n = nbl; n != null; n = n.parent()) {
            if (n.injectionTag() instanceof Injected t) return t.injectors();
            if (n.injectionTag() instanceof Lineage l) return l.injectors();
        }
        return new long[0];
    }
}

package io.jwfp.callouts.samples.nat;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.value.FwpsIncomingValues;

/** Reading a classify's incoming values by condition, as the samples need them. Stateless and thread-safe. */
public final class Incoming {
    private Incoming() {}

    /** The value's low 64 bits, or -1 when the layer lacks the field or it is FWP_EMPTY. */
    public static long value(FwpsIncomingValues in, ConditionKey c) {
        int i = in.layer().fieldIndex(c);
        return i < 0 || in.isEmpty(i) ? -1 : in.keyLo(i);
    }

    /** FWPM_CONDITION_FLAGS, 0 when absent. */
    public static int flags(FwpsIncomingValues in) {
        long f = value(in, Conditions.FWPM_CONDITION_FLAGS);
        return f < 0 ? 0 : (int) f;
    }

    /** FWPM_CONDITION_INTERFACE_INDEX, 0 when absent. */
    public static int interfaceIndex(FwpsIncomingValues in) {
        long v = value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX);
        return v < 0 ? 0 : (int) v;
    }

    /** FWPM_CONDITION_SUB_INTERFACE_INDEX, 0 when absent. */
    public static int subInterfaceIndex(FwpsIncomingValues in) {
        long v = value(in, Conditions.FWPM_CONDITION_SUB_INTERFACE_INDEX);
        return v < 0 ? 0 : (int) v;
    }

    /** True if the address field holds {@code a} (an IPv4 field an IPv4 address, an IPv6 field an IPv6 one). */
    public static boolean addressIs(FwpsIncomingValues in, ConditionKey c, NatAddress a) {
        int i = in.layer().fieldIndex(c);
        if (i < 0 || in.isEmpty(i) || a == null) return false;
        return a.isV4() ? in.typeCode(i) == io.jwfp.engine.value.DataType.FWP_UINT32.code() && (int) in.keyLo(i) == a.v4()
                : in.typeCode(i) == io.jwfp.engine.value.DataType.FWP_BYTE_ARRAY16_TYPE.code()
                && in.keyHi(i) == a.hi() && in.keyLo(i) == a.lo();
    }

    /** The address field as a {@link NatAddress}, or null. */
    public static NatAddress address(FwpsIncomingValues in, ConditionKey c) {
        int i = in.layer().fieldIndex(c);
        if (i < 0 || in.isEmpty(i)) return null;
        if (in.typeCode(i) == io.jwfp.engine.value.DataType.FWP_UINT32.code()) {
            return NatAddress.of(io.jwfp.packet.InetBits.toInet4((int) in.keyLo(i)));
        }
        return NatAddress.of(io.jwfp.packet.InetBits.toInet6(in.keyHi(i), in.keyLo(i)));
    }
}

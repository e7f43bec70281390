package io.jwfp.engine.value;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Named bit values of FWPM_CONDITION_FLAGS, FWPM_CONDITION_ALE_REAUTH_REASON and FWPM_CONDITION_L2_FLAGS. */
public final class ConditionFlags {
    private ConditionFlags() {}

    public static final int FWP_CONDITION_FLAG_IS_LOOPBACK = 0x00000001;
    public static final int FWP_CONDITION_FLAG_IS_IPSEC_SECURED = 0x00000002;
    public static final int FWP_CONDITION_FLAG_IS_REAUTHORIZE = 0x00000004;
    public static final int FWP_CONDITION_FLAG_IS_WILDCARD_BIND = 0x00000008;
    public static final int FWP_CONDITION_FLAG_IS_RAW_ENDPOINT = 0x00000010;
    public static final int FWP_CONDITION_FLAG_IS_FRAGMENT = 0x00000020;
    public static final int FWP_CONDITION_FLAG_IS_FRAGMENT_GROUP = 0x00000040;
    public static final int FWP_CONDITION_FLAG_IS_IPSEC_NATT_RECLASSIFY = 0x00000080;
    public static final int FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY = 0x00000100;
    public static final int FWP_CONDITION_FLAG_IS_IMPLICIT_BIND = 0x00000200;
    public static final int FWP_CONDITION_FLAG_IS_REASSEMBLED = 0x00000400;
    public static final int FWP_CONDITION_FLAG_IS_NAME_APP_SPECIFIED = 0x00004000;
    public static final int FWP_CONDITION_FLAG_IS_PROMISCUOUS = 0x00008000;
    public static final int FWP_CONDITION_FLAG_IS_AUTH_FW = 0x00010000;
    public static final int FWP_CONDITION_FLAG_IS_RECLASSIFY = 0x00020000;
    public static final int FWP_CONDITION_FLAG_IS_OUTBOUND_PASS_THRU = 0x00040000;
    public static final int FWP_CONDITION_FLAG_IS_INBOUND_PASS_THRU = 0x00080000;
    public static final int FWP_CONDITION_FLAG_IS_CONNECTION_REDIRECTED = 0x00100000;
    public static final int FWP_CONDITION_FLAG_IS_PROXY_CONNECTION = 0x00200000;
    public static final int FWP_CONDITION_FLAG_IS_APPCONTAINER_LOOPBACK = 0x00400000;
    public static final int FWP_CONDITION_FLAG_IS_NON_APPCONTAINER_LOOPBACK = 0x00800000;
    public static final int FWP_CONDITION_FLAG_IS_RESERVED = 0x01000000;
    public static final int FWP_CONDITION_FLAG_IS_HONORING_POLICY_AUTHORIZE = 0x02000000;

    public static final int FWP_CONDITION_REAUTHORIZE_REASON_POLICY_CHANGE = 0x00000001;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_NEW_ARRIVAL_INTERFACE = 0x00000002;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_NEW_NEXTHOP_INTERFACE = 0x00000004;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_PROFILE_CROSSING = 0x00000008;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION = 0x00000010;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_IPSEC_PROPERTIES_CHANGED = 0x00000020;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_MID_STREAM_INSPECTION = 0x00000040;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_SOCKET_PROPERTY_CHANGED = 0x00000080;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_NEW_INBOUND_MCAST_BCAST_PACKET = 0x00000100;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_EDP_POLICY_CHANGED = 0x00000200;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_PROXY_HANDLE_CHANGED = 0x00004000;
    public static final int FWP_CONDITION_REAUTHORIZE_REASON_CHECK_OFFLOAD = 0x00010000;

    public static final int FWP_CONDITION_L2_IS_NATIVE_ETHERNET = 0x1;
    public static final int FWP_CONDITION_L2_IS_WIFI = 0x2;
    public static final int FWP_CONDITION_L2_IS_MOBILE_BROADBAND = 0x4;
    public static final int FWP_CONDITION_L2_IS_WIFI_DIRECT_DATA = 0x8;
    public static final int FWP_CONDITION_L2_IS_VM2VM = 0x10;
    public static final int FWP_CONDITION_L2_IS_MALFORMED_PACKET = 0x20;
    public static final int FWP_CONDITION_L2_IS_IP_FRAGMENT_GROUP = 0x40;
    public static final int FWP_CONDITION_L2_IF_CONNECTOR_PRESENT = 0x80;

    /** FWP_DIRECTION values carried by FWPM_CONDITION_DIRECTION. */
    public static final int FWP_DIRECTION_OUTBOUND = 0;
    public static final int FWP_DIRECTION_INBOUND = 1;

    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();

    static {
        for (var f : ConditionFlags.class.getFields()) {
            if (f.getType() == int.class) {
                try {
                    BY_NAME.put(f.getName(), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** The value of a flag or direction name (case-insensitive), or null when unknown. */
    public static Integer byName(String name) {
        return BY_NAME.get(name.trim().toUpperCase(Locale.ROOT));
    }

    /** Every name with its value. */
    public static Map<String, Integer> all() {
        return java.util.Collections.unmodifiableMap(BY_NAME);
    }

    /** The names of the FWP_CONDITION_FLAG_* bits set in a value, joined with '|'; hex for unknown bits. */
    public static String describeFlags(long v) {
        StringBuilder sb = new StringBuilder();
        long rest = v;
        for (var e : BY_NAME.entrySet()) {
            if (!e.getKey().startsWith("FWP_CONDITION_FLAG_")) continue;
            int bit = e.getValue();
            if ((v & bit) != 0) {
                if (sb.length() > 0) sb.append('|');
                sb.append(e.getKey());
                rest &= ~bit;
            }
        }
        if (rest != 0) {
            if (sb.length() > 0) sb.append('|');
            sb.append("0x").append(Long.toHexString(rest));
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}

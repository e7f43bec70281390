package io.jwfp.engine.netsh;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The symbolic names {@code netsh wfp} prints instead of GUIDs for well-known keys: built-in sublayers, providers,
 * callouts, provider contexts and keying modules (GUIDs from fwpmu.h, wfp-semantics.md Appendix A), and the weights
 * of the built-in sublayers as a Windows 10/11 engine reports them (§6.6). Layers and conditions have their names in
 * {@link io.jwfp.engine.layer.Layer} and {@link Conditions}. Immutable tables; thread-safe.
 */
public final class NetshNames {
    private NetshNames() {}

    private static final Map<String, UUID> BY_NAME = new HashMap<>();
    private static final Map<UUID, String> BY_KEY = new HashMap<>();
    private static final Map<String, Integer> SUBLAYER_WEIGHTS = new LinkedHashMap<>();

    private static void put(String name, String guid, String... aliases) {
        UUID k = UUID.fromString(guid);
        BY_NAME.put(name, k);
        BY_KEY.putIfAbsent(k, name);
        for (String a : aliases) BY_NAME.put(a, k);
    }

    static {
        // sublayers (Appendix A)
        put("FWPM_SUBLAYER_RPC_AUDIT", "758c84f4-fb48-4de9-9aeb-3ed9551ab1fd");
        put("FWPM_SUBLAYER_IPSEC_TUNNEL", "83f299ed-9ff4-4967-aff4-c309f4dab827");
        put("FWPM_SUBLAYER_UNIVERSAL", "eebecc03-ced4-4380-819a-2734397b2b74");
        put("FWPM_SUBLAYER_LIPS", "1b75c0ce-ff60-4711-a70f-b4958cc3b2d0");
        put("FWPM_SUBLAYER_SECURE_SOCKET", "15a66e17-3f3c-4f7b-aa6c-812aa613dd82");
        put("FWPM_SUBLAYER_TCP_CHIMNEY_OFFLOAD", "337608b9-b7d5-4d5f-82f9-3618618bc058");
        put("FWPM_SUBLAYER_INSPECTION", "877519e1-e6a9-41a5-81b4-8c4f118e4a60");
        put("FWPM_SUBLAYER_TEREDO", "ba69dc66-5176-4979-9c89-26a7b46a8327", "FWPM_SUBLAYER_EDGE_TRAVERSAL");
        put("FWPM_SUBLAYER_IPSEC_FORWARD_OUTBOUND_TUNNEL", "a5082e73-8f71-4559-8a9a-101cea04ef87");
        put("FWPM_SUBLAYER_IPSEC_DOSP", "e076d572-5d3d-48ef-802b-909eddb098bd");
        put("FWPM_SUBLAYER_TCP_TEMPLATES", "24421dcf-0ac5-4caa-9e14-50f6e3636af0");
        put("FWPM_SUBLAYER_IPSEC_SECURITY_REALM", "37a57701-5884-4964-92b8-3e704688b0ad");
        put("FWPM_SUBLAYER_MPSSVC_WSH", "b3cdd441-af90-41ba-a745-7c6008ff2300");
        put("FWPM_SUBLAYER_MPSSVC_WF", "b3cdd441-af90-41ba-a745-7c6008ff2301");
        put("FWPM_SUBLAYER_MPSSVC_QUARANTINE", "b3cdd441-af90-41ba-a745-7c6008ff2302");
        put("FWPM_SUBLAYER_MPSSVC_EDP", "09a47e38-fa97-471b-b123-18bcd7e65071");
        put("FWPM_SUBLAYER_MPSSVC_TENANT_RESTRICTIONS", "1ec6c7e1-fdd9-478a-b55f-ff8ba1d2c17d");
        put("FWPM_SUBLAYER_MPSSVC_APP_ISOLATION", "ffe221c3-92a8-4564-a59f-dafb70756020");
        // providers (Appendix A)
        put("FWPM_PROVIDER_IKEEXT", "10ad9216-ccde-456c-8b16-e9f04e60a90b");
        put("FWPM_PROVIDER_IPSEC_DOSP_CONFIG", "3c6c05a9-c05c-4bb9-8338-2327814ce8bf");
        put("FWPM_PROVIDER_TCP_CHIMNEY_OFFLOAD", "896aa19e-9a34-4bcb-ae79-beb9127c84b9");
        put("FWPM_PROVIDER_TCP_TEMPLATES", "76cfcd30-3394-432d-bed3-441ae50e63c3");
        put("FWPM_PROVIDER_MPSSVC_WSH", "4b153735-1049-4480-aab4-d1b9bdc03710");
        put("FWPM_PROVIDER_MPSSVC_WF", "decc16ca-3f33-4346-be1e-8fb4ae0f3d62");
        put("FWPM_PROVIDER_MPSSVC_EDP", "a90296f7-46b8-4457-8f84-b05e05d3c622");
        put("FWPM_PROVIDER_MPSSVC_TENANT_RESTRICTIONS", "d0718ff9-44da-4f50-9dc2-c963a4247613");
        put("FWPM_PROVIDER_MPSSVC_APP_ISOLATION", "3cc2631f-2d5d-43a0-b174-614837d863a1");
        // callouts (Appendix A)
        put("FWPM_CALLOUT_IPSEC_INBOUND_TRANSPORT_V4", "5132900d-5e84-4b5f-80e4-01741e81ff10");
        put("FWPM_CALLOUT_IPSEC_INBOUND_TRANSPORT_V6", "49d3ac92-2a6c-4dcf-955f-1c3be009dd99");
        put("FWPM_CALLOUT_IPSEC_OUTBOUND_TRANSPORT_V4", "4b46bf0a-4523-4e57-aa38-a87987c910d9");
        put("FWPM_CALLOUT_IPSEC_OUTBOUND_TRANSPORT_V6", "38d87722-ad83-4f11-a91f-df0fb077225b");
        put("FWPM_CALLOUT_IPSEC_INBOUND_TUNNEL_V4", "191a8a46-0bf8-46cf-b045-4b45dfa6a324");
        put("FWPM_CALLOUT_IPSEC_INBOUND_TUNNEL_V6", "80c342e3-1e53-4d6f-9b44-03df5aeee154");
        put("FWPM_CALLOUT_IPSEC_OUTBOUND_TUNNEL_V4", "70a4196c-835b-4fb0-98e8-075f4d977d46");
        put("FWPM_CALLOUT_IPSEC_OUTBOUND_TUNNEL_V6", "f1835363-a6a5-4e62-b180-23db789d8da6");
        put("FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V4", "28829633-c4f0-4e66-873f-844db2a899c7");
        put("FWPM_CALLOUT_IPSEC_FORWARD_INBOUND_TUNNEL_V6", "af50bec2-c686-429a-884d-b74443e7b0b4");
        put("FWPM_CALLOUT_IPSEC_FORWARD_OUTBOUND_TUNNEL_V4", "fb532136-15cb-440b-937c-1717ca320c40");
        put("FWPM_CALLOUT_IPSEC_FORWARD_OUTBOUND_TUNNEL_V6", "dae640cc-e021-4bee-9eb6-a48b275c8c1d");
        put("FWPM_CALLOUT_IPSEC_INBOUND_INITIATE_SECURE_V4", "7dff309b-ba7d-4aba-91aa-ae5c6640c944");
        put("FWPM_CALLOUT_IPSEC_INBOUND_INITIATE_SECURE_V6", "a9a0d6d9-c58c-474e-8aeb-3cfe99d6d53d");
        put("FWPM_CALLOUT_IPSEC_INBOUND_TUNNEL_ALE_ACCEPT_V4", "3df6e7de-fd20-48f2-9f26-f854444cba79");
        put("FWPM_CALLOUT_IPSEC_INBOUND_TUNNEL_ALE_ACCEPT_V6", "a1e392d3-72ac-47bb-87a7-0122c69434ab");
        put("FWPM_CALLOUT_IPSEC_ALE_CONNECT_V4", "6ac141fc-f75d-4203-b9c8-48e6149c2712");
        put("FWPM_CALLOUT_IPSEC_ALE_CONNECT_V6", "4c0dda05-e31f-4666-90b0-b3dfad34129a");
        put("FWPM_CALLOUT_IPSEC_DOSP_FORWARD_V6", "6d08a342-db9e-4fbe-9ed2-57374ce89f79");
        put("FWPM_CALLOUT_IPSEC_DOSP_FORWARD_V4", "2fcb56ec-cd37-4b4f-b108-62c2b1850a0c");
        put("FWPM_CALLOUT_WFP_TRANSPORT_LAYER_V4_SILENT_DROP", "eda08606-2494-4d78-89bc-67837c03b969");
        put("FWPM_CALLOUT_WFP_TRANSPORT_LAYER_V6_SILENT_DROP", "8693cc74-a075-4156-b476-9286eece814e");
        put("FWPM_CALLOUT_TCP_CHIMNEY_CONNECT_LAYER_V4", "f3e10ab3-2c25-4279-ac36-c30fc181bec4");
        put("FWPM_CALLOUT_TCP_CHIMNEY_CONNECT_LAYER_V6", "39e22085-a341-42fc-a279-aec94e689c56");
        put("FWPM_CALLOUT_TCP_CHIMNEY_ACCEPT_LAYER_V4", "e183ecb2-3a7f-4b54-8ad9-76050ed880ca");
        put("FWPM_CALLOUT_TCP_CHIMNEY_ACCEPT_LAYER_V6", "0378cf41-bf98-4603-81f2-7f12586079f6");
        put("FWPM_CALLOUT_SET_OPTIONS_AUTH_CONNECT_LAYER_V4", "bc582280-1677-41e9-94ab-c2fcb15c2eeb");
        put("FWPM_CALLOUT_SET_OPTIONS_AUTH_CONNECT_LAYER_V6", "98e5373c-b884-490f-b65f-2f6a4a575195");
        put("FWPM_CALLOUT_SET_OPTIONS_AUTH_RECV_ACCEPT_LAYER_V4", "2d55f008-0c01-4f92-b26e-a08a94569b8d");
        put("FWPM_CALLOUT_SET_OPTIONS_AUTH_RECV_ACCEPT_LAYER_V6", "63018537-f281-4dc4-83d3-8dec18b7ade2");
        put("FWPM_CALLOUT_RESERVED_AUTH_CONNECT_LAYER_V4", "288b524d-0566-4e19-b612-8f441a2e5949");
        put("FWPM_CALLOUT_RESERVED_AUTH_CONNECT_LAYER_V6", "00b84b92-2b5e-4b71-ab0e-aaca43e387e6");
        put("FWPM_CALLOUT_TEREDO_ALE_RESOURCE_ASSIGNMENT_V6", "31b95392-066e-42a2-b7db-92f8acdd56f9", "FWPM_CALLOUT_EDGE_TRAVERSAL_ALE_RESOURCE_ASSIGNMENT_V6");
        put("FWPM_CALLOUT_EDGE_TRAVERSAL_ALE_RESOURCE_ASSIGNMENT_V4", "079b1010-f1c5-4fcd-ae05-da41107abd0b");
        put("FWPM_CALLOUT_TEREDO_ALE_LISTEN_V6", "81a434e7-f60c-4378-bab8-c625a30f0197", "FWPM_CALLOUT_EDGE_TRAVERSAL_ALE_LISTEN_V6");
        put("FWPM_CALLOUT_EDGE_TRAVERSAL_ALE_LISTEN_V4", "33486ab5-6d5e-4e65-a00b-a7afed0ba9a1");
        put("FWPM_CALLOUT_TCP_TEMPLATES_CONNECT_LAYER_V4", "215a0b39-4b7e-4eda-8ce4-179679df6224");
        put("FWPM_CALLOUT_TCP_TEMPLATES_CONNECT_LAYER_V6", "838b37a1-5c12-4d34-8b38-078728b2d25c");
        put("FWPM_CALLOUT_TCP_TEMPLATES_ACCEPT_LAYER_V4", "2f23f5d0-40c4-4c41-a254-46d8dba8957c");
        put("FWPM_CALLOUT_TCP_TEMPLATES_ACCEPT_LAYER_V6", "b25152f0-991c-4f53-bbe7-d24b45fe632c");
        put("FWPM_CALLOUT_POLICY_SILENT_MODE_AUTH_CONNECT_LAYER_V4", "5fbfc31d-a51c-44dc-acb6-0624a030a700");
        put("FWPM_CALLOUT_POLICY_SILENT_MODE_AUTH_CONNECT_LAYER_V6", "5fbfc31d-a51c-44dc-acb6-0624a030a701");
        put("FWPM_CALLOUT_POLICY_SILENT_MODE_AUTH_RECV_ACCEPT_LAYER_V4", "5fbfc31d-a51c-44dc-acb6-0624a030a702");
        put("FWPM_CALLOUT_POLICY_SILENT_MODE_AUTH_RECV_ACCEPT_LAYER_V6", "5fbfc31d-a51c-44dc-acb6-0624a030a703");
        put("FWPM_CALLOUT_HTTP_TEMPLATE_SSL_HANDSHAKE", "b3423249-8d09-4858-9210-95c7fda8e30f");
        put("FWPM_CALLOUT_OUTBOUND_NETWORK_CONNECTION_POLICY_LAYER_V4", "103090d4-8e28-4fd6-9894-d1d67d6b10c9");
        put("FWPM_CALLOUT_OUTBOUND_NETWORK_CONNECTION_POLICY_LAYER_V6", "4ed3446d-8dc7-459b-b09f-c1cb7a8f8689");
        // provider contexts / keying modules (Appendix A)
        put("FWPM_PROVIDER_CONTEXT_SECURE_SOCKET_AUTHIP", "b25ea800-0d02-46ed-92bd-7fa84bb73e9d");
        put("FWPM_PROVIDER_CONTEXT_SECURE_SOCKET_IPSEC", "8c2d4144-f8e0-42c0-94ce-7ccfc63b2f9b");
        put("FWPM_KEYING_MODULE_IKE", "a9bbf787-82a8-45bb-a400-5d7e5952c7a9");
        put("FWPM_KEYING_MODULE_AUTHIP", "11e3dae0-dd26-4590-857d-ab4b28d1a095");

        // Weights of the built-in sublayers, wfp-semantics.md §6.6 (as the show-state dump reports them).
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_RPC_AUDIT", 0xC000);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_IPSEC_TUNNEL", 0xA000);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_IPSEC_FORWARD_OUTBOUND_TUNNEL", 0x9000);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_IPSEC_DOSP", 0x8800);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_UNIVERSAL", 0x8000);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_LIPS", 0x7FFF);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_SECURE_SOCKET", 0x4000);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_IPSEC_SECURITY_REALM", 0x3000);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_TCP_TEMPLATES", 0x2200);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_TCP_CHIMNEY_OFFLOAD", 0x2000);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_MPSSVC_APP_ISOLATION", 7);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_MPSSVC_TENANT_RESTRICTIONS", 6);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_MPSSVC_EDP", 5);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_MPSSVC_QUARANTINE", 4);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_MPSSVC_WSH", 3);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_MPSSVC_WF", 2);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_TEREDO", 1);
        SUBLAYER_WEIGHTS.put("FWPM_SUBLAYER_INSPECTION", 0);
    }

    /** The GUID of a well-known symbolic name (e.g. {@code FWPM_SUBLAYER_MPSSVC_WF}), or null. */
    public static UUID key(String name) {
        return name == null ? null : BY_NAME.get(name.trim().toUpperCase(Locale.ROOT));
    }

    /** The symbolic name netsh prints for a well-known key, or null when the key is not one. */
    public static String name(UUID key) {
        return key == null ? null : BY_KEY.get(key);
    }

    /** A key as netsh prints it: the symbolic name of a well-known key, else the GUID in braces; "" for null. */
    public static String format(UUID key) {
        if (key == null) return "";
        String n = BY_KEY.get(key);
        return n != null ? n : "{" + key + "}";
    }

    /**
     * A key element as read from a dump.
     *
     * @param key     the GUID
     * @param derived true when the text was a symbolic name jwfp has no GUID for; the key is then a name-based UUID of
     *                the name, stable across imports, and the caller should say so
     */
    public record Resolved(UUID key, boolean derived) {}

    /** Reads a key element: {@code {guid}}, a bare GUID, or a symbolic name; null for an empty element. */
    public static Resolved resolve(String text) {
        if (text == null || text.isBlank()) return null;
        String t = text.trim();
        String g = t.startsWith("{") && t.endsWith("}") ? t.substring(1, t.length() - 1) : t;
        if (g.length() == 36 && g.charAt(8) == '-') {
            try {
                return new Resolved(UUID.fromString(g), false);
            } catch (IllegalArgumentException e) {
                // not a GUID after all: treat as a name
            }
        }
        UUID k = key(t);
        if (k != null) return new Resolved(k, false);
        return new Resolved(UUID.nameUUIDFromBytes(("netsh/" + t).getBytes(StandardCharsets.UTF_8)), true);
    }

    /** The weight Windows gives a built-in sublayer (§6.6), or null when the key is not a built-in sublayer. */
    public static Integer builtinSublayerWeight(UUID key) {
        String n = name(key);
        return n == null ? null : SUBLAYER_WEIGHTS.get(n);
    }

    /** The condition a netsh field name stands for; a name jwfp has no GUID for gets a placeholder key (ordinal -1). */
    public static ConditionKey condition(String name) {
        ConditionKey k = Conditions.byName(name);
        return k != null ? k : new ConditionKey(name, UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)), -1);
    }
}

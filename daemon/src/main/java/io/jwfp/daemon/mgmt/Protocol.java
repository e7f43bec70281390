package io.jwfp.daemon.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * The management protocol between {@code jwfp} and {@code jwfpd}: newline-delimited JSON over a Unix domain socket.
 * A request is {@code {"id": N, "op": "...", ...}}; the answer is {@code {"id": N, "ok": true, ...}} or
 * {@code {"id": N, "ok": false, "error": "FWP_E_...", "message": "..."}}. Streaming requests ({@code events} with
 * {@code follow}) answer with one {@code {"id": N, "event": {...}}} line per event until the client closes.
 *
 * <p>Each connection is one management session (FwpmEngineOpen0). If the first request is {@code hello} with
 * {@code "dynamic": true}, the session is dynamic: every object added through it is deleted when the connection
 * closes, however the client ends.
 */
public final class Protocol {
    private Protocol() {}

    public static final ObjectMapper JSON = new ObjectMapper();

    /** The default socket path. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/jwfp/jwfpd.sock");

    /** The socket path from {@code JWFP_SOCKET}, or the default. */
    public static Path defaultSocket() {
        String env = System.getenv("JWFP_SOCKET");
        return env == null || env.isBlank() ? DEFAULT_SOCKET : Path.of(env);
    }

    public static ObjectNode ok(long id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("ok", true);
        return n;
    }

    public static ObjectNode error(long id, String error, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("ok", false);
        n.put("error", error);
        n.put("message", message);
        return n;
    }

    static String text(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) throw new BadRequest("missing '" + field + "'");
        return v.asText();
    }

    static String optText(JsonNode req, String field) {
        JsonNode v = req.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A request the server cannot understand; answered with error BAD_REQUEST. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }
}

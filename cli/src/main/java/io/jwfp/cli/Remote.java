package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.daemon.mgmt.Protocol;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --socket} option and a connection helper shared by the commands that talk to jwfpd. */
final class Remote {
    @Option(names = "--socket", paramLabel = "PATH", description = "jwfpd's management socket (default: $JWFP_SOCKET or /run/jwfp/jwfpd.sock).")
    Path socket;

    Path socketPath() {
        return socket != null ? socket : Protocol.defaultSocket();
    }

    ManagementClient connect() {
        try {
            return ManagementClient.connect(socketPath());
        } catch (IOException e) {
            throw new Jwfp.DaemonUnavailable(e.getMessage());
        }
    }

    /** Work done over one connection. */
    interface Work {
        void run(ManagementClient c) throws IOException;
    }

    /** Opens a connection, does the work, closes it; connection problems become one-line errors. */
    void with(Work work) {
        try (ManagementClient c = connect()) {
            work.run(c);
        } catch (IOException e) {
            throw new Jwfp.DaemonUnavailable(e.getMessage());
        }
    }

    /** Sends a request and returns the answer, or throws a one-line error when the daemon refused it. */
    static JsonNode call(ManagementClient c, ObjectNode request) {
        JsonNode r;
        try {
            r = c.call(request);
        } catch (IOException e) {
            throw new Jwfp.DaemonUnavailable("lost the connection to jwfpd: " + e.getMessage());
        }
        check(r);
        return r;
    }

    static void check(JsonNode r) {
        if (!r.path("ok").asBoolean(false)) {
            String msg = r.path("message").asText("request failed");
            String err = r.path("error").asText("");
            if (err.equals("ACCESS_DENIED")) throw new Jwfp.UserException(msg);
            throw new Jwfp.UserException(msg.startsWith(err) || err.equals("POLICY") || err.equals("BAD_REQUEST") ? msg : err + ": " + msg);
        }
    }

    /** Opens a dynamic session on a fresh connection (objects vanish when this process ends). */
    ManagementClient connectDynamic(String name) {
        ManagementClient c = connect();
        ObjectNode hello = c.request("hello");
        hello.put("dynamic", true);
        hello.put("name", name);
        call(c, hello);
        return c;
    }

    /** Keeps a dynamic session's connection open until the process is interrupted or killed. */
    static void hold(ManagementClient c, java.io.PrintWriter out) {
        out.println("holding the dynamic session; its objects are removed when this command ends (Ctrl-C)");
        out.flush();
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                c.close();
            } catch (IOException ignored) {
                // ending anyway
            }
        }
    }
}

package io.jwfp.daemon.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.daemon.mgmt.Protocol;
import java.nio.file.Path;

/**
 * A management client in a process of its own (started by the live test, killed by it): opens a dynamic session,
 * adds the filter given as JSON, prints "added ID" and waits to be killed. Its objects must vanish with it.
 */
public final class DynamicSessionClient {
    private DynamicSessionClient() {}

    public static void main(String[] args) throws Exception {
        try (ManagementClient c = ManagementClient.connect(Path.of(args[0]))) {
            ObjectNode hello = c.request("hello");
            hello.put("dynamic", true);
            hello.put("name", "dynamic test client");
            JsonNode h = c.call(hello);
            if (!h.path("ok").asBoolean()) throw new IllegalStateException(h.toString());
            ObjectNode add = c.request("filter.add");
            add.set("filter", Protocol.JSON.readTree(args[1]));
            JsonNode r = c.call(add);
            if (!r.path("ok").asBoolean()) throw new IllegalStateException(r.toString());
            System.out.println("added " + r.path("filterId").asLong());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}

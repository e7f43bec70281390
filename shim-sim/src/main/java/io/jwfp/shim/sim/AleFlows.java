package io.jwfp.shim.sim;

import io.jwfp.engine.layer.Layer;
import io.jwfp.packet.IpProtocol;
import io.jwfp.shim.sim.trace.Direction;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A host's ALE flow table: the authorized flows by 5-tuple (wfp-semantics §4.1). A flow is created when
 * ALE_AUTH_CONNECT or ALE_AUTH_RECV_ACCEPT permits; later packets of it skip the ALE auth layers. UDP and ICMP flows
 * end after 60 s without traffic on the simulated clock, TCP flows when the connection closes; then the flow
 * contexts callouts attached are released through their flowDeleteFn. A policy change at the layer that authorized a
 * flow marks it for reauthorization on its next packet.
 */
final class AleFlows {
    /** The idle lifetime of connectionless flows. */
    static final Duration IDLE_LIFETIME = Duration.ofSeconds(60);

    record Key(int protocol, InetAddress local, int localPort, InetAddress remote, int remotePort) {}

    static final class Flow {
        final long handle;
        final Key key;
        final Layer authLayer;
        final Direction direction;
        Endpoint endpoint;
        long lastActivity;
        boolean reauthPending;
        int reauthReason;
        boolean ended;
        boolean expiryScheduled;

        Flow(long handle, Key key, Layer authLayer, Direction direction) {
            this.handle = handle;
            this.key = key;
            this.authLayer = authLayer;
            this.direction = direction;
        }
    }

    private final SimHost host;
    private final Map<Key, Flow> byKey = new LinkedHashMap<>();
    private final Map<Long, Flow> byHandle = new HashMap<>();
    /** 5-tuples whose next classification at their auth layer is the reauthorization after FwpsCompleteOperation0. */
    final Map<Key, Layer> completionReauth = new HashMap<>();
    private long nextHandle = 1;

    AleFlows(SimHost host) {
        this.host = host;
    }

    long newHandle() {
        return ((long) host.index() << 32) | nextHandle++;
    }

    Flow create(long handle, Key key, Layer authLayer, Direction direction, Endpoint ep) {
        Flow f = new Flow(handle, key, authLayer, direction);
        f.endpoint = ep;
        f.lastActivity = host.network().clock().nanos();
        byKey.put(key, f);
        byHandle.put(handle, f);
        if (key.protocol() != IpProtocol.TCP) scheduleExpiry(f);
        return f;
    }

    Flow find(Key key) {
        return byKey.get(key);
    }

    Flow byHandle(long handle) {
        return byHandle.get(handle);
    }

    List<Flow> all() {
        return new ArrayList<>(byKey.values());
    }

    /** Records traffic on a connectionless flow (restarts its idle time). */
    void touch(Flow f) {
        f.lastActivity = host.network().clock().nanos();
    }

    private void scheduleExpiry(Flow f) {
        long due = f.lastActivity + IDLE_LIFETIME.toNanos() - host.network().clock().nanos();
        host.network().clock().scheduleBackground(due, () -> {
            if (f.ended) return;
            long idle = host.network().clock().nanos() - f.lastActivity;
            if (idle >= IDLE_LIFETIME.toNanos()) end(f);
            else scheduleExpiry(f);
        });
    }

    /** Ends a flow: it leaves the table and every flow context on it goes to its callout's flowDeleteFn. */
    void end(Flow f) {
        if (f.ended) return;
        f.ended = true;
        byKey.remove(f.key, f);
        byHandle.remove(f.handle);
        host.engine().flowDeleted(f.handle);
    }

    /** Policy changed at these layers: flows authorized at one of them are reauthorized on their next packet. */
    void policyChanged(Set<Layer> layers) {
        for (Flow f : byKey.values()) {
            if (layers.contains(f.authLayer)) {
                f.reauthPending = true;
                f.reauthReason |= io.jwfp.engine.value.ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_POLICY_CHANGE;
            }
        }
    }
}

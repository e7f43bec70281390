package io.jwfp.shim.sim;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.callout.ClassifyFn;
import io.jwfp.engine.callout.FlowDeleteFn;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.shim.sim.trace.Classification;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.UUID;

/** A client and a server on one link, and helpers to put callouts and filters on a host. */
final class TestNet {
    final SimNetwork net;
    final SimHost client;
    final SimHost server;
    final InetAddress clientAddr;
    final InetAddress serverAddr;
    final SimProcess clientProc;
    final SimProcess serverProc;
    final IpVersion v;

    TestNet(IpVersion v) {
        this(v, LinkOptions.DEFAULT, 7);
    }

    TestNet(IpVersion v, LinkOptions link, long seed) {
        this.v = v;
        net = new SimNetwork(seed);
        server = net.addHost("server");
        client = net.addHost("client");
        boolean v4 = v == IpVersion.V4;
        net.link(client.addInterface("eth0", v4 ? "10.200.0.1/24" : "fd00:200::1/64"),
                server.addInterface("eth0", v4 ? "10.200.0.2/24" : "fd00:200::2/64"), link);
        clientAddr = addr(v4 ? "10.200.0.1" : "fd00:200::1");
        serverAddr = addr(v4 ? "10.200.0.2" : "fd00:200::2");
        clientProc = client.process(100, "/usr/bin/client", 1000);
        serverProc = server.process(200, "/usr/sbin/server", 1000);
    }

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    InetSocketAddress server(int port) {
        return new InetSocketAddress(serverAddr, port);
    }

    Layer layer(Layer v4) {
        return v == IpVersion.V4 ? v4 : v4.otherIpVersion();
    }

    /** A listening TCP socket on the server. */
    TcpSocket listen(int port) {
        TcpSocket s = serverProc.tcpSocket(v);
        s.bind(server(port));
        s.listen();
        return s;
    }

    /** Connects a client socket to the server and runs until the handshake is done. */
    TcpSocket[] connect(TcpSocket listener, int port) {
        TcpSocket c = clientProc.tcpSocket(v);
        c.connect(server(port));
        net.runUntilIdle();
        return new TcpSocket[] {c, listener.accept()};
    }

    /** A callout: registered on the host, a management object, a sublayer of {@code weight}, one filter. */
    static final class Callout {
        final UUID key = UUID.randomUUID();
        int calloutId;
        long filterId;
    }

    static Callout callout(SimHost h, Layer layer, int sublayerWeight, int flags, ClassifyFn fn, FlowDeleteFn del,
                           FwpmFilterCondition... conditions) {
        Callout c = new Callout();
        h.engine().calloutRegister(new FwpsCallout(c.key, flags, fn, null, del));
        try (FwpmEngine e = h.bfe().openSession(FwpmSession.named("test"))) {
            c.calloutId = e.calloutAdd(new FwpmCallout(c.key, "callout at " + layer.shortName(), layer));
            c.filterId = e.filterAdd(FwpmFilter.builder().name("callout filter").layer(layer)
                    .subLayer(sublayer(e, sublayerWeight)).conditions(List.of(conditions))
                    .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, c.key).build());
        }
        return c;
    }

    static Callout callout(SimHost h, Layer layer, ClassifyFn fn, FwpmFilterCondition... conditions) {
        return callout(h, layer, 0x4000, 0, fn, null, conditions);
    }

    /** A static BLOCK filter. */
    static long block(SimHost h, Layer layer, String name, FwpmFilterCondition... conditions) {
        try (FwpmEngine e = h.bfe().openSession(FwpmSession.named("test"))) {
            return e.filterAdd(FwpmFilter.builder().name(name).layer(layer).conditions(List.of(conditions))
                    .action(ActionType.FWP_ACTION_BLOCK).build());
        }
    }

    static void deleteFilter(SimHost h, long filterId) {
        try (FwpmEngine e = h.bfe().openSession(FwpmSession.named("test"))) {
            e.filterDeleteById(filterId);
        }
    }

    private static UUID sublayer(FwpmEngine e, int weight) {
        UUID key = UUID.nameUUIDFromBytes(("test sublayer " + weight).getBytes());
        try {
            e.subLayerAdd(new FwpmSubLayer(key, "test " + weight, weight));
        } catch (RuntimeException alreadyThere) {
            // Added by an earlier callout of this test.
        }
        return key;
    }

    static long value(FwpsIncomingValues in, ConditionKey c) {
        int i = in.layer().fieldIndex(c);
        return i < 0 || in.isEmpty(i) ? -1 : in.keyLo(i);
    }

    static long flags(FwpsIncomingValues in) {
        return value(in, Conditions.FWPM_CONDITION_FLAGS);
    }

    List<Classification> at(SimHost h, Layer layer) {
        return net.trace().classifications(h.name()).stream().filter(c -> c.layer() == layer).toList();
    }
}

package io.jwfp.scenarios.stmedit;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.callouts.samples.stmedit.StmeditPolicy;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.sim.LinkOptions;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.SimProcess;
import io.jwfp.shim.sim.TcpSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The SE harness on the simulated network (seed-samples §12.0, T2): host A runs the engine with the stmedit policy
 * (applied through a dynamic session, as the sample's driver does) and the recorder server; host B is the client.
 */
final class StmeditSim {
    final SimNetwork net;
    final SimHost a;
    final SimHost b;
    final IpVersion v;
    final InetAddress addrA;
    final SimProcess server;
    final SimProcess client;
    final FwpmEngine session;
    final PolicyApplier.Result applied;

    StmeditSim(IpVersion v, Map<String, ?> registryValues) {
        this(v, registryValues, LinkOptions.DEFAULT, 7);
    }

    StmeditSim(IpVersion v, Map<String, ?> registryValues, LinkOptions link, long seed) {
        this.v = v;
        net = new SimNetwork(seed);
        a = net.addHost("A");
        b = net.addHost("B");
        boolean v4 = v == IpVersion.V4;
        net.link(a.addInterface("a0", v4 ? "10.200.0.1/24" : "fd00:200::1/64"),
                b.addInterface("b0", v4 ? "10.200.0.2/24" : "fd00:200::2/64"), link);
        addrA = addr(v4 ? "10.200.0.1" : "fd00:200::1");
        server = a.process(200, "/usr/bin/recorder", 1000);
        client = b.process(100, "/usr/bin/client", 1000);
        session = a.bfe().openSession(FwpmSession.dynamic("stmedit"));
        applied = PolicyApplier.apply(PolicyParser.parse("stmedit.yaml", StmeditPolicy.yaml(registryValues)), session,
                PolicyApplier.Mode.ADD);
    }

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    TcpSocket listen(int port) {
        TcpSocket s = server.tcpSocket(v);
        s.bind(new InetSocketAddress(addrA, port));
        s.listen();
        return s;
    }

    /** B connects to A:port; returns {client socket, accepted server socket}. */
    TcpSocket[] connect(TcpSocket listener, int port) {
        TcpSocket c = client.tcpSocket(v);
        c.connect(new InetSocketAddress(addrA, port));
        net.runUntilIdle();
        TcpSocket accepted = listener.accept();
        if (accepted == null) throw new AssertionError("no connection accepted on port " + port + ": " + c.state());
        return new TcpSocket[] {c, accepted};
    }

    /** A listener on A:port and a connection to it from B: {client socket, accepted server socket}. */
    TcpSocket[] pair(int port) {
        return connect(listen(port), port);
    }

    /** B sends {@code data} in 1 MiB writes, then shuts down its send side. */
    static void sendAll(TcpSocket s, byte[] data) {
        for (int off = 0; off < data.length; off += 1 << 20) {
            s.send(java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + (1 << 20))));
        }
        s.shutdownOutput();
    }

    /** The run-time callout of a policy callout, by name (e.g. {@code stmedit-oob-stream-V4}). */
    FwpsCallout callout(String name) {
        return a.engine().callouts().byKey(PolicyParser.derivedKey("callout", name));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> stats(String name) {
        return (Map<String, Object>) callout(name).control().control("stats", Map.of());
    }

    long stat(String name, String key) {
        return ((Number) stats(name).get(key)).longValue();
    }

    String suffix() {
        return v == IpVersion.V4 ? "V4" : "V6";
    }
}

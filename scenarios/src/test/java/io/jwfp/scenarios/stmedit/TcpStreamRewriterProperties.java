package io.jwfp.scenarios.stmedit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.callouts.samples.stmedit.StmeditPolicy;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.sim.LinkOptions;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.trace.Transmission;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The live half's core, offline: two real TCP stacks (the simulator's, on hosts A and B) talk through a lossy,
 * reordering link, and host A edits the connection at the IP packet layers with the {@code stmedit-packet} callout
 * — OUTBOUND_IPPACKET and INBOUND_IPPACKET, exactly where the NFQUEUE shim hands packets to callouts. Both
 * directions are edited with length-changing replacements over a small alphabet (so patterns occur often and
 * straddle segments); each receiver must get exactly the edited stream, and both sides must close cleanly.
 */
class TcpStreamRewriterProperties {
    /** One run's parameters. */
    record Case(String find, String x, String replace, boolean multiple, boolean aIsClient, IpVersion v, double loss,
                double reorder, int mtu, long seed, int bytesAtoB, int bytesBtoA) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> word = Arbitraries.strings().withChars("abc").ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> replacement = Arbitraries.strings().withChars("abcxyz").ofMinLength(0).ofMaxLength(9);
        return Combinators.combine(word, word, replacement, Arbitraries.of(true, false), Arbitraries.of(true, false),
                        Arbitraries.of(IpVersion.V4, IpVersion.V6), Arbitraries.doubles().between(0.005, 0.06).ofScale(3),
                        Arbitraries.doubles().between(0, 0.3))
                .flatAs((f, x, r, m, c, v, loss, reorder) -> Combinators.combine(
                                Arbitraries.integers().between(1280, 1500), Arbitraries.longs(),
                                Arbitraries.integers().between(2_000, 120_000), Arbitraries.integers().between(0, 60_000))
                        .as((mtu, seed, ab, ba) -> new Case(f, x.isEmpty() ? "z" : x, r, m, c, v, loss, reorder, mtu,
                                seed, ab, ba)));
    }

    /** A naive whole-stream replace: leftmost, non-overlapping occurrences (independent of the code under test). */
    static byte[] replaceAll(byte[] d, byte[] p, byte[] r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < d.length) {
            if (i + p.length <= d.length && Arrays.equals(d, i, i + p.length, p, 0, p.length)) {
                out.writeBytes(r);
                i += p.length;
            } else {
                out.write(d[i++]);
            }
        }
        return out.toByteArray();
    }

    static byte[] text(Random r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) "abcabcabd\n".charAt(r.nextInt(10));
        return b;
    }

    @Property(tries = 150)
    void bothReceiversGetExactlyTheEditedStreamsAndCloseCleanly(@ForAll("cases") Case c) {
        check(c, false);
    }

    static void check(Case c, boolean debug) {
        byte[] find = c.find.getBytes(StandardCharsets.US_ASCII);
        byte[] x = c.x.getBytes(StandardCharsets.US_ASCII);
        byte[] rep = c.replace.getBytes(StandardCharsets.US_ASCII);
        if (c.multiple && rep.length == 0) rep = "q".getBytes(StandardCharsets.US_ASCII);
        byte[] finalRep = rep;
        java.util.function.UnaryOperator<byte[]> edit = d -> {
            byte[] once = replaceAll(d, find, x);
            return c.multiple ? replaceAll(once, x, finalRep) : once;
        };

        SimNetwork net = new SimNetwork(c.seed);
        SimHost a = net.addHost("A");
        SimHost b = net.addHost("B");
        boolean v4 = c.v == IpVersion.V4;
        LinkOptions link = LinkOptions.DEFAULT.withMtu(c.mtu).withLoss(c.loss).withReorder(c.reorder, Duration.ofMillis(4));
        net.link(a.addInterface("a0", v4 ? "10.200.0.1/24" : "fd00:200::1/64"),
                b.addInterface("b0", v4 ? "10.200.0.2/24" : "fd00:200::2/64"), link);
        InetAddress addrA = StmeditSim.addr(v4 ? "10.200.0.1" : "fd00:200::1");
        InetAddress addrB = StmeditSim.addr(v4 ? "10.200.0.2" : "fd00:200::2");
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("StringToFind", c.find);
        values.put("StringX", c.x.isEmpty() ? "z" : c.x);
        if (c.multiple) values.put("StringToReplace", new String(rep, StandardCharsets.US_ASCII));
        values.put("MultipleCallouts", c.multiple ? 1 : 0);
        values.put("InspectionLocalPort", c.aIsClient ? 0 : 8888);
        values.put("InspectionRemotePort", c.aIsClient ? 8888 : 0);
        FwpmEngine session = a.bfe().openSession(FwpmSession.dynamic("stmedit-packet"));
        PolicyApplier.apply(PolicyParser.parse("stmedit-packet.yaml", StmeditPolicy.packetYaml(values)), session,
                PolicyApplier.Mode.ADD);
        net.trace().setRecording(debug);
        AtomicLong resets = new AtomicLong();
        net.trace().addListener(e -> {
            // A live connection aborting sends RST+ACK ("[R.]"); a stack answering a stray segment for a connection
            // that has already closed (a duplicate ACK after LAST-ACK, under loss) sends a bare "[R]": only the
            // first would mean the edit broke the connection.
            if (e instanceof Transmission t && t.summary() != null && t.summary().contains("[R.]")) {
                resets.incrementAndGet();
            }
        });

        SimHost serverHost = c.aIsClient ? b : a, clientHost = c.aIsClient ? a : b;
        InetAddress serverAddr = c.aIsClient ? addrB : addrA;
        TcpSocket l = serverHost.process(200, "/usr/bin/server", 1000).tcpSocket(c.v);
        l.bind(new InetSocketAddress(serverAddr, 8888));
        l.listen();
        TcpSocket cl = clientHost.process(100, "/usr/bin/client", 1000).tcpSocket(c.v);
        cl.connect(new InetSocketAddress(serverAddr, 8888));
        net.runUntilIdle();
        TcpSocket sv = l.accept();
        assertThat(sv).as("accepted").isNotNull();
        TcpSocket sockA = c.aIsClient ? cl : sv, sockB = c.aIsClient ? sv : cl;

        Random r = new Random(c.seed);
        byte[] fromA = text(r, c.bytesAtoB), fromB = text(r, c.bytesBtoA);
        ByteArrayOutputStream gotA = new ByteArrayOutputStream(), gotB = new ByteArrayOutputStream();
        int offA = 0, offB = 0;
        boolean shutA = false, shutB = false;
        // Both write in random pieces while the network runs, then shut down their send side.
        while (!(sockA.isEof() && sockB.isEof())) {
            if (offA < fromA.length) {
                int n = Math.min(fromA.length - offA, 1 + r.nextInt(9000));
                sockA.send(Arrays.copyOfRange(fromA, offA, offA + n));
                offA += n;
            } else if (!shutA) {
                sockA.shutdownOutput();
                shutA = true;
            }
            if (offB < fromB.length) {
                int n = Math.min(fromB.length - offB, 1 + r.nextInt(9000));
                sockB.send(Arrays.copyOfRange(fromB, offB, offB + n));
                offB += n;
            } else if (!shutB) {
                sockB.shutdownOutput();
                shutB = true;
            }
            net.runFor(Duration.ofMillis(1 + r.nextInt(20)));
            gotA.writeBytes(sockA.recvAll());
            gotB.writeBytes(sockB.recvAll());
            assertThat(net.clock().now()).as("stalled: A %s B %s", sockA.state(), sockB.state())
                    .isLessThan(Duration.ofMinutes(10));
            if (sockA.error() != null || sockB.error() != null) break;
        }
        if (debug && (sockA.error() != null || sockB.error() != null)) {
            var es = net.trace().entries();
            for (int i = Math.max(0, es.size() - 60); i < es.size(); i++) System.out.println(es.get(i));
        }
        assertThat(sockA.error()).isNull();
        assertThat(sockB.error()).isNull();
        assertThat(gotB.toByteArray()).as("B receives A's stream, edited").isEqualTo(edit.apply(fromA));
        assertThat(gotA.toByteArray()).as("A receives B's stream, edited").isEqualTo(edit.apply(fromB));
        sockA.close();
        sockB.close();
        net.runUntilIdle();
        assertThat(sockA.state()).isEqualTo("CLOSED");
        assertThat(sockB.state()).isEqualTo("CLOSED");
        assertThat(sockA.error()).isNull();
        assertThat(sockB.error()).isNull();
        assertThat(resets.get()).as("aborts (RST+ACK)").isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) a.engine().callouts()
                .byKey(PolicyParser.derivedKey("callout", "stmedit-packet-out-" + (v4 ? "V4" : "V6"))).control()
                .control("stats", Map.of());
        assertThat(stats.get("injectFailures")).isEqualTo(0L);
        if (!Arrays.equals(edit.apply(fromA), fromA) || !Arrays.equals(edit.apply(fromB), fromB)) {
            assertThat((Long) stats.get("packetsRewritten")).isPositive();
        }
        Statistics.label("retransmissions answered from kept bytes").collect((Long) stats.get("replayed") > 0);
        Statistics.label("segments held ahead of a gap").collect((Long) stats.get("heldAhead") > 0);
        Statistics.label("old-byte probes").collect((Long) stats.get("probes") > 0);
        Statistics.label("streams changed by the edit").collect(!Arrays.equals(edit.apply(fromA), fromA));
        assertThat(stats.get("closed")).isEqualTo(1L);
    }

    @org.junit.jupiter.api.Test
    void stopMidTransferStopsEditingButKeepsRenumberingUntilTheConnectionEnds() {
        SimNetwork net = new SimNetwork(3);
        SimHost a = net.addHost("A");
        SimHost b = net.addHost("B");
        net.link(a.addInterface("a0", "10.200.0.1/24"), b.addInterface("b0", "10.200.0.2/24"),
                LinkOptions.DEFAULT.withLoss(0.01));
        FwpmEngine session = a.bfe().openSession(FwpmSession.dynamic("stmedit-packet"));
        PolicyApplier.apply(PolicyParser.parse("p.yaml", StmeditPolicy.packetYaml(Map.of("MultipleCallouts", 0))),
                session, PolicyApplier.Mode.ADD);
        net.trace().setRecording(false);
        TcpSocket l = a.process(200, "/usr/bin/recorder", 1000).tcpSocket(IpVersion.V4);
        l.bind(new InetSocketAddress(StmeditSim.addr("10.200.0.1"), 8888));
        l.listen();
        TcpSocket c = b.process(100, "/usr/bin/client", 1000).tcpSocket(IpVersion.V4);
        c.connect(new InetSocketAddress(StmeditSim.addr("10.200.0.1"), 8888));
        net.runUntilIdle();
        TcpSocket sv = l.accept();
        String line = "it is rainy today\n";
        byte[] all = line.repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        StmeditSim.sendAll(c, all);
        var control = a.engine().callouts().byKey(PolicyParser.derivedKey("callout", "stmedit-packet-in-V4")).control();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        net.runFor(Duration.ofMillis(30));
        got.writeBytes(sv.recvAll());
        control.control("stop", Map.of());
        while (!sv.isEof()) {
            net.runFor(Duration.ofMillis(20));
            got.writeBytes(sv.recvAll());
            assertThat(net.clock().now()).isLessThan(Duration.ofMinutes(5));
        }
        String text = got.toString(StandardCharsets.US_ASCII);
        int lastCloudy = text.lastIndexOf("cloudy"), firstRainy = text.indexOf("rainy");
        assertThat(lastCloudy).as("edited before the stop").isPositive();
        assertThat(firstRainy).as("unedited after it").isGreaterThan(lastCloudy);
        assertThat(text.replace("cloudy", "rainy")).isEqualTo(new String(all, StandardCharsets.US_ASCII));
        sv.close();
        c.close();
        net.runUntilIdle();
        assertThat(c.error()).isNull();
        assertThat(sv.error()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) control.control("stats", Map.of());
        assertThat(stats.get("stopping")).isEqualTo(true);
        assertThat(stats.get("closed")).isEqualTo(stats.get("connections"));
        session.close();
    }
}

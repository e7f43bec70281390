package io.jwfp.scenarios.redirect.live;

import static io.jwfp.shim.nfqueue.ThreeNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.B_V6;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.C_V4;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.scenarios.live.Background;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveApps;
import io.jwfp.daemon.live.JwfpdProcess;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.scenarios.nat.Wire;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.nfqueue.ThreeNamespaces;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import io.jwfp.shim.sim.CapturedFrame;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BOT-Man-JL's traffic redirection driver used at one end (seed-samples §12 BMR-1, BMR-4) on live traffic, T3: jwfpd
 * in A with the shipped {@code examples/policies/samples/traffic-redirection.yaml} (RemoteReal 10.200.0.2:80 →
 * RemoteFake 10.200.0.3:8080). B serves "B" on 80, C serves "C" on 8080; {@code tcpdump -i br0} in the switch namespace
 * sees every frame. B and C compute their own checksums ({@code tx off}), so every frame on br0 can be checked; A's
 * offload is switched per run. BMR-2 and BMR-3 are simulator-only (docs/samples/traffic-redirection.md).
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TrafficRedirectionLiveTest {
    static final String OUTBOUND = "traffic-redirection-outbound-ip";
    static final String ANOTHER_HOST = "10.200.0.4";

    private static ThreeNamespaces net;
    private static LiveJwfpd jwfpd;
    private static final List<AutoCloseable> servers = new ArrayList<>();
    private static Background bWeb;
    private static Background cWeb;
    private static Background cUdp;
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        LiveApps.assumeTools("curl", "python3", "tcpdump", "ethtool", "ss");
        net = ThreeNamespaces.create("bmr-live");
        for (String ns : List.of(net.b, net.c)) net.exec(ns, "ethtool", "-K", "eth0", "tx", "off");
        net.exec(net.b, "ip", "addr", "add", ANOTHER_HOST + "/24", "dev", "eth0"); // a host the driver must leave alone
        bWeb = serve(LiveApps.http(net.b, shared, B_V4, 80, "B"));
        serve(LiveApps.http(net.b, shared, B_V6, 80, "B6"));
        serve(LiveApps.http(net.b, shared, ANOTHER_HOST, 80, "B4"));
        serve(LiveApps.udpEcho(net.b, shared, B_V4, 80, "B:"));
        cWeb = serve(LiveApps.http(net.c, shared, C_V4, 8080, "C"));
        cUdp = serve(LiveApps.udpEcho(net.c, shared, C_V4, 8080, "C:"));
        jwfpd = LiveJwfpd.start(net.a, shared.resolve("jwfpd"), SamplePolicies.file("traffic-redirection"));
    }

    private static Background serve(Background b) {
        servers.add(b);
        return b;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (jwfpd != null) jwfpd.close();
        for (AutoCloseable s : servers) s.close();
        if (net != null) net.close();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static JsonNode stats() {
        return jwfpd.control(OUTBOUND, "stats");
    }

    @ParameterizedTest(name = "tx offload {0}")
    @ValueSource(strings = {"on", "off"})
    @DisplayName("BMR-1 live: curl to 10.200.0.2 returns C, the socket's peer is 10.200.0.2:80, B receives nothing, 1 MiB arrives intact at C, UDP to 10.200.0.2:80 reaches C:8080; checksums valid")
    void bmr1(String offload) throws Exception {
        net.exec(net.a, "ethtool", "-K", "eth0", "tx", offload);
        int bRequests = LiveApps.requests(bWeb).size();
        int cRequests = LiveApps.requests(cWeb).size();
        byte[] upload = new byte[1 << 20];
        new Random(7).nextBytes(upload);
        Path up = Files.write(dir.resolve("upload.bin"), upload);
        Capture br0 = Capture.start(net.sw, "br0", dir);

        TwoNamespaces.Result get = LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V4, 80, "/"), "-w", " %{remote_ip}:%{remote_port}");
        assertThat(get.output()).isEqualTo("C " + B_V4 + ":80");
        assertThat(LiveApps.udpClient(net::run, net.a, B_V4, 80, 100)).isEqualTo("reply " + B_V4 + " 80 C:");
        // With tx offload on, the stack hands TCP bulk data to jwfp as GSO super-packets, whose checksums the kernel
        // prepares for offload again after the verdict: on a veth wire they stay partial. So the megabyte is sent
        // inside the capture only when A computes checksums itself.
        if (offload.equals("off")) assertThat(post(up)).isEqualTo(upload.length + " " + sha256(upload));
        List<CapturedFrame> frames = br0.stop();
        if (offload.equals("on")) assertThat(post(up)).isEqualTo(upload.length + " " + sha256(upload));

        // The application's socket shows RemoteReal: ss in A while a client holds its connection open.
        try (Background client = Background.start(net.a, dir, "holder", "python3", "-c",
                "import socket, time; s = socket.create_connection(('" + B_V4 + "', 80)); "
                        + "print('connected', *s.getpeername(), flush=True); time.sleep(10)")) {
            client.await("connected " + B_V4 + " 80");
            assertThat(net.exec(net.a, "ss", "-tnH", "state", "established")).contains(B_V4 + ":80").doesNotContain(C_V4);
        }

        assertThat(LiveApps.requests(bWeb)).as("B receives nothing").hasSize(bRequests);
        List<String[]> atC = LiveApps.requests(cWeb).subList(cRequests, LiveApps.requests(cWeb).size());
        assertThat(atC).hasSize(2).allSatisfy(r -> assertThat(r[1]).as("C sees A").isEqualTo(A_V4));
        assertThat(atC.get(1)[7] + " " + atC.get(1)[8]).as("the upload arrived intact").isEqualTo(upload.length + " " + sha256(upload));
        assertThat(cUdp.lines("udp ")).last().satisfies(l -> assertThat(l.split(" ")[1]).isEqualTo(A_V4));

        assertThat(Wire.assertChecksumsValid(frames)).isGreaterThan(offload.equals("off") ? 100 : 10);
        InetAddress b = Capture.address(B_V4);
        for (CapturedFrame f : frames) {
            if (f.etherType() != CapturedFrame.IPV4) continue;
            ParsedPacket p = Wire.parse(f);
            assertThat(List.of(Capture.source(p), Capture.destination(p))).as("nothing on the wire names B: %s", p)
                    .doesNotContain(b);
        }
    }

    private String post(Path file) throws Exception {
        return LiveApps.curl(net::run, net.a, 20, LiveApps.url(B_V4, 80, "/upload"), "--data-binary", "@" + file).output();
    }

    @Test
    @DisplayName("BMR-4 live: IPv6, ARP and other hosts untouched; a 4000-byte datagram fragmented at MTU 1500 arrives whole both ways; jwfp sees whole datagrams")
    void bmr4Scope() throws Exception {
        net.exec(net.a, "ethtool", "-K", "eth0", "tx", "on");
        net.exec(net.a, "ip", "neigh", "flush", "dev", "eth0");
        long fragmentsPassed = stats().path("fragmentsPassed").asLong();
        long inbound = stats().path("inboundRewritten").asLong();
        Capture br0 = Capture.start(net.sw, "br0", dir);

        assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(B_V6, 80, "/")).output()).as("IPv6").isEqualTo("B6");
        assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(ANOTHER_HOST, 80, "/")).output()).as("another host")
                .isEqualTo("B4");
        assertThat(LiveApps.udpClient(net::run, net.a, B_V4, 80, 4000)).as("4000 bytes echoed intact")
                .isEqualTo("reply " + B_V4 + " 80 C:");
        List<CapturedFrame> frames = br0.stop();

        assertThat(cUdp.lines("udp ")).last().satisfies(l -> assertThat(l.split(" ")[3]).isEqualTo("4000"));
        List<ParsedPacket> fragments = frames.stream().filter(f -> f.etherType() == CapturedFrame.IPV4).map(Wire::parse)
                .filter(p -> p.has(ParsedPacket.FRAGMENT)).toList();
        assertThat(fragments).as("the datagram and its echo crossed the wire in fragments")
                .anyMatch(p -> Capture.destination(p).equals(Capture.address(C_V4)) && p.fragmentOffset() > 0)
                .anyMatch(p -> Capture.source(p).equals(Capture.address(C_V4)) && p.fragmentOffset() > 0);
        // Checksums of what jwfp rewrote (to C) and of C's answers (C computes its own): A's untouched IPv4/IPv6
        // packets carry offloaded (partial) checksums on this veth wire.
        InetAddress c = Capture.address(C_V4);
        assertThat(Wire.assertChecksumsValid(frames.stream().filter(f -> f.etherType() == CapturedFrame.IPV4)
                .filter(f -> Capture.source(Wire.parse(f)).equals(c) || Capture.destination(Wire.parse(f)).equals(c))
                .toList())).as("datagrams to and from C").isGreaterThanOrEqualTo(2);
        // Linux: OUTPUT sees the datagram before fragmentation and conntrack reassembles before INPUT, so jwfp never
        // sees a fragment: the reply was rewritten whole (IS_FRAGMENT / IS_REASSEMBLED are never set live).
        assertThat(stats().path("fragmentsPassed").asLong()).isEqualTo(fragmentsPassed);
        assertThat(stats().path("inboundRewritten").asLong()).isGreaterThan(inbound);

        // ARP is untouched and tells the truth: A asks for RemoteFake (Linux resolves after OUTPUT, where the
        // destination was already rewritten), never for RemoteReal, with its real address.
        List<CapturedFrame> arp = frames.stream().filter(f -> f.etherType() == CapturedFrame.ARP).toList();
        assertThat(arp).anyMatch(f -> Capture.address(C_V4).equals(Capture.arpTarget(f))
                && Capture.address(A_V4).equals(Capture.arpSender(f)));
        assertThat(arp).noneMatch(f -> Capture.address(B_V4).equals(Capture.arpTarget(f))
                && Capture.address(A_V4).equals(Capture.arpSender(f)));
        assertThat(frames.stream().filter(f -> f.etherType() == CapturedFrame.IPV6).map(Wire::parse)
                .filter(p -> p.protocol() == 6)).as("IPv6 went to B unchanged")
                .anyMatch(p -> Capture.destination(p).equals(Capture.address(B_V6)) && p.dstPort() == 80);
    }

    @Test
    @DisplayName("BMR-4 live: RemoteFake reached directly — replies are rewritten, but TCP early demux still hands them to the socket (Linux); without early demux it fails as on the simulator")
    void remoteFakeDirectly() throws Exception {
        String direct = LiveApps.url(C_V4, 8080, "/");
        try {
            assertThat(LiveApps.curl(net::run, net.a, 3, direct).output()).isEqualTo("C");
            earlyDemux(false);
            assertThat(LiveApps.curl(net::run, net.a, 3, direct).exitCode()).isNotZero();
        } finally {
            earlyDemux(true);
        }
    }

    /** net.ipv4.tcp_early_demux in A (per namespace; written through /proc, no sysctl program needed). */
    private static void earlyDemux(boolean on) throws Exception {
        net.exec(net.a, "sh", "-c", "echo " + (on ? 1 : 0) + " > /proc/sys/net/ipv4/tcp_early_demux");
    }

    @Test
    @DisplayName("BMR-4 live: a missing registry value (LocalEthernetAddress) makes jwfpd refuse to start, naming it")
    void missingValueRefusesToStart() throws Exception {
        String text = Files.readString(SamplePolicies.file("traffic-redirection"));
        String without = text.replace("      LocalEthernetAddress: 00-00-00-00-00-00\n", "");
        assertThat(without).isNotEqualTo(text);
        Path policy = Files.writeString(dir.resolve("traffic-redirection-incomplete.yaml"), without);
        JwfpdProcess.Exit exit = LiveJwfpd.startRefused(net.c, dir.resolve("refused"), policy);
        assertThat(exit.code()).as(exit.log()).isEqualTo(2);
        assertThat(exit.log()).contains("LocalEthernetAddress").contains("missing");
        assertThat(net.exec(net.c, "iptables", "-w", "-t", "security", "-S")).doesNotContain("JWFP");
    }
}

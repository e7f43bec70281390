package io.jwfp.scenarios.portforward.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import io.jwfp.scenarios.live.Background;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveApps;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.scenarios.nat.Wire;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import io.jwfp.shim.sim.CapturedFrame;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Port forwarding by IP header rewrite (the seed's second application) on live traffic, T2. The forwarding host is
 * namespace {@code b} with the shipped policies' addresses: 10.200.0.2 / fd00:200::2 (A1, port 80, what clients
 * use) and 10.200.0.12 / fd00:200::12 (B1, port 8080, where the server listens); jwfpd runs there with
 * {@code port-forward.yaml} and {@code jwfp apply port-forward-v6.yaml}. The client is namespace {@code a}
 * (10.200.0.1 / fd00:200::1): real curl, socat and a python UDP client against python servers.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PortForwardLiveTest {
    private static TwoNamespaces net;
    private static LiveJwfpd jwfpd;
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        LiveApps.assumeTools("curl", "python3", "socat", "tcpdump", "conntrack", "ethtool");
        net = TwoNamespaces.create("pf-live");
        net.exec(net.b, "ip", "addr", "add", "10.200.0.12/24", "dev", "vb");
        net.exec(net.b, "ip", "-6", "addr", "add", "fd00:200::12/64", "dev", "vb", "nodad");
        // The client computes its own checksums, so every frame on its wire can be checked (the forwarder's are
        // rewritten, and jwfp computes theirs whatever the offload).
        net.exec(net.a, "ethtool", "-K", "va", "tx", "off");
        jwfpd = LiveJwfpd.start(net.b, shared.resolve("jwfpd"), SamplePolicies.file("port-forward"));
        jwfpd.ok("apply", SamplePolicies.file("port-forward-v6").toAbsolutePath().toString());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (jwfpd != null) jwfpd.close();
        if (net != null) net.close();
    }

    @AfterEach
    void noFirewallLeft() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            for (String table : new String[] {"filter", "mangle"}) net.iptables(net.b, v6, "-t", table, "-F");
        }
    }

    record Family(String client, String listen, String target, String suffix) {
        static Family of(int version) {
            return version == 4 ? new Family("10.200.0.1", "10.200.0.2", "10.200.0.12", "v4")
                    : new Family("fd00:200::1", "fd00:200::2", "fd00:200::12", "v6");
        }

        boolean v6() {
            return suffix.equals("v6");
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    long forwarded(Family f) {
        return jwfpd.control("port-forward-inbound-" + f.suffix(), "stats").path("forwarded").asLong();
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    @DisplayName("PF live, TCP: curl to A1:80 is served by the server on B1:8080, 1 MiB each way; the client sees A1, the server the client; valid checksums, no RST; conntrack holds two unreplied half-flows")
    void tcp(int version) throws Exception {
        Family f = Family.of(version);
        byte[] download = new byte[1 << 20];
        new Random(version).nextBytes(download);
        Path file = Files.write(dir.resolve("download.bin"), download);
        byte[] upload = new byte[1 << 20];
        new Random(version + 10).nextBytes(upload);
        Path up = Files.write(dir.resolve("upload.bin"), upload);
        String ip6 = f.v6() ? "ip6tables" : "iptables";
        // Counts the client's packets conntrack calls INVALID (matched on their original header, before jwfp).
        net.exec(net.b, ip6, "-w", "-t", "mangle", "-A", "INPUT", "-p", "tcp", "--dport", "80", "-m", "conntrack",
                "--ctstate", "INVALID");
        try (Background server = LiveApps.http(net.b, dir, f.target(), 8080, "B1", file)) {
            // On the client's wire: only the client and A1:80, valid checksums although the forwarder's interface
            // offloads them (jwfp computes every checksum of a packet it rewrites), and no RST.
            Capture wire = Capture.start(net.a, "va", dir, "tcp");
            assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(f.listen(), 80, "/")).output()).isEqualTo("B1");
            assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(f.listen(), 80, "/small"), "--data-binary", "ping")
                    .output()).startsWith("4 ");
            List<CapturedFrame> frames = wire.stop();
            assertThat(Wire.assertChecksumsValid(frames)).as("checked datagrams").isGreaterThanOrEqualTo(14);
            InetAddress client = Capture.address(f.client()), listen = Capture.address(f.listen());
            for (CapturedFrame c : frames) {
                if (!c.isIp()) continue;
                ParsedPacket p = Wire.parse(c);
                assertThat(List.of(Capture.source(p), Capture.destination(p))).as("%s", p)
                        .containsExactlyInAnyOrder(client, listen);
                assertThat(Capture.source(p).equals(listen) ? p.srcPort() : p.dstPort()).isEqualTo(80);
                assertThat(p.tcpFlags() & TcpView.FLAG_RST).as("no reset: %s", p).isZero();
            }

            // 1 MiB each way. TCP hands jwfp GSO super-packets (classified and rewritten whole); after the verdict
            // the kernel prepares their checksum for segmentation again, so those are not checked on the veth wire.
            long gso = jwfpd.status().path("live").path("queues").path("2100").path("gsoPackets").asLong();
            TwoNamespaces.Result get = LiveApps.curl(net::run, net.a, 20, LiveApps.url(f.listen(), 80, "/file"),
                    "-o", dir.resolve("got.bin").toString(), "-w", "%{remote_ip} %{remote_port}");
            assertThat(get.output()).as("the client's peer").isEqualTo(f.listen() + " 80");
            assertThat(sha256(Files.readAllBytes(dir.resolve("got.bin")))).isEqualTo(sha256(download));
            TwoNamespaces.Result post = LiveApps.curl(net::run, net.a, 20, LiveApps.url(f.listen(), 80, "/upload"),
                    "--data-binary", "@" + up);
            assertThat(post.output()).isEqualTo(upload.length + " " + sha256(upload));
            assertThat(jwfpd.status().path("live").path("queues").path("2100").path("gsoPackets").asLong()).isGreaterThan(gso);
            List<String[]> requests = LiveApps.requests(server);
            assertThat(requests).hasSize(4).allSatisfy(r -> {
                assertThat(r[1]).as("the server sees the real client").isEqualTo(f.client());
                assertThat(r[3] + " " + r[4]).as("served on B1").isEqualTo(f.target() + " 8080");
            });
        }
        // Linux-specific (docs/samples/port-forward.md): conntrack saw the client's SYN to A1 before the rewrite at
        // INPUT and the server's SYN-ACK from B1 before the un-rewrite at OUTPUT: two half-flows, both unreplied,
        // and the client's later packets are INVALID (they match a flow stuck in SYN_SENT).
        String table = net.exec(net.b, "conntrack", "-L", "-f", f.v6() ? "ipv6" : "ipv4", "-p", "tcp");
        assertThat(table.lines().filter(l -> l.contains("dst=" + f.listen()) && l.contains("dport=80 ")
                && l.contains("[UNREPLIED]"))).isNotEmpty();
        assertThat(table.lines().filter(l -> l.startsWith("tcp") && l.contains("src=" + f.target() + " ")
                && l.contains("sport=8080") && l.contains("[UNREPLIED]"))).isNotEmpty();
        assertThat(net.exec(net.b, ip6, "-w", "-t", "mangle", "-L", "INPUT", "-v", "-x", "-n").lines()
                .filter(l -> l.contains("INVALID")).map(l -> Long.parseLong(l.trim().split("\\s+")[0])).findFirst().orElseThrow())
                .as("client packets conntrack calls INVALID").isGreaterThan(10);
    }

    @Test
    @DisplayName("PF live: a host firewall that drops conntrack INVALID packets breaks the forwarding (documented exception)")
    void aFirewallDroppingInvalidBreaksIt() throws Exception {
        try (Background server = LiveApps.http(net.b, dir, "10.200.0.12", 8080, "B1")) {
            assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url("10.200.0.2", 80, "/")).output()).isEqualTo("B1");
            net.iptables(net.b, false, "-A", "INPUT", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
            TwoNamespaces.Result r = LiveApps.curl(net::run, net.a, 3, LiveApps.url("10.200.0.2", 80, "/"));
            assertThat(r.exitCode()).as("the handshake's final ACK is INVALID and dropped before jwfp sees it").isNotZero();
            assertThat(LiveApps.requests(server)).hasSize(1);
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    @DisplayName("PF live, UDP: unconnected and connected clients to A1:80 are answered by B1:8080 as A1")
    void udp(int version) throws Exception {
        Family f = Family.of(version);
        try (Background echo = LiveApps.udpEcho(net.b, dir, f.target(), 8080, "B1:");
             Capture wire = Capture.start(net.a, "va", dir, "udp")) {
            assertThat(LiveApps.udpClient(net::run, net.a, f.listen(), 80, 1200)).isEqualTo("reply " + f.listen() + " 80 B1:");
            // socat connects its UDP socket: the kernel hands it only datagrams from A1:80.
            String target = f.v6() ? "UDP6:[" + f.listen() + "]:80" : "UDP4:" + f.listen() + ":80";
            TwoNamespaces.Result connected = net.run(net.a, 10, "sh", "-c", "echo hello | socat -t 2 -T 3 - " + target);
            assertThat(connected.output()).isEqualTo("B1:hello\n");
            assertThat(echo.lines("udp ")).hasSize(2).allSatisfy(l -> assertThat(l.split(" ")[1]).isEqualTo(f.client()));
            assertThat(Wire.assertChecksumsValid(wire.stop())).isEqualTo(4);
        }
    }

    @Test
    @DisplayName("PF live: traffic that does not match is untouched: another port on A1, B1 directly, ICMP echo")
    void nonMatchingTrafficIsUntouched() throws Exception {
        Family f = Family.of(4);
        try (Background other = LiveApps.http(net.b, dir, f.listen(), 8081, "A1:8081");
             Background b1 = LiveApps.http(net.b, dir, f.target(), 8080, "B1")) {
            long before = forwarded(f);
            assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(f.listen(), 8081, "/"), "-w", " %{remote_port}").output())
                    .isEqualTo("A1:8081 8081");
            // Straight to B1: its replies keep B1 as their source (only forwarded peers are rewritten back).
            assertThat(LiveApps.curl(net::run, net.a, 5, LiveApps.url(f.target(), 8080, "/"), "-w", " %{remote_ip}").output())
                    .isEqualTo("B1 " + f.target());
            assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", f.listen()).exitCode()).isZero();
            assertThat(forwarded(f)).isEqualTo(before);
            assertThat(LiveApps.requests(other)).hasSize(1);
            assertThat(LiveApps.requests(b1)).hasSize(1);
        }
    }
}

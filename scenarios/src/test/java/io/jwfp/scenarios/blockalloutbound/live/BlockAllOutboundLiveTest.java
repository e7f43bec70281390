package io.jwfp.scenarios.blockalloutbound.live;

import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V6;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V6;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.scenarios.live.Background;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveApps;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.scenarios.nat.Wire;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import io.jwfp.shim.sim.CapturedFrame;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's first application on live traffic (T2): jwfpd in A with the shipped
 * {@code examples/policies/samples/block-all-outbound.yaml}, real programs in A and B.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockAllOutboundLiveTest {
    private static TwoNamespaces net;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        LiveApps.assumeTools("curl", "python3", "ping", "tcpdump");
        net = TwoNamespaces.create("bao-live");
    }

    @AfterAll
    static void tearDown() {
        if (net != null) net.close();
    }

    private static Predicate<JsonNode> drop(String layer, int protocol) {
        return e -> e.path("type").asText().endsWith("CLASSIFY_DROP") && e.path("layer").asText().equals(layer)
                && e.path("ipProtocol").asInt() == protocol;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    @DisplayName("block all outbound live: A's connections, datagrams and pings fail; inbound arrives but A's answers are dropped; events name the filter and OUTBOUND_IPPACKET; deleting the filter restores traffic")
    void blockAllOutbound(int version) throws Exception {
        boolean v6 = version == 6;
        String a = v6 ? A_V6 : A_V4;
        String b = v6 ? B_V6 : B_V4;
        String layer = "FWPM_LAYER_OUTBOUND_IPPACKET_V" + version;
        int icmp = v6 ? 58 : 1;
        try (Background bWeb = LiveApps.http(net.b, dir, b, 80, "B");
             Background bEcho = LiveApps.udpEcho(net.b, dir, b, 7, "B:");
             Background aWeb = LiveApps.http(net.a, dir, a, 8080, "A");
             Background aEcho = LiveApps.udpEcho(net.a, dir, a, 9, "A:");
             Background aLoop = LiveApps.http(net.a, dir, v6 ? "::1" : "127.0.0.1", 8081, "A-loopback");
             LiveJwfpd j = LiveJwfpd.start(net.a, dir.resolve("jwfpd"), SamplePolicies.file("block-all-outbound"))) {
            long filter = j.filterId("block-all-outbound-v" + version);
            net.exec(net.b, "ip", "neigh", "flush", "dev", "vb");
            Capture atB = Capture.start(net.b, "vb", dir);

            // A's own traffic: TCP, UDP and ICMP never leave.
            TwoNamespaces.Result curl = LiveApps.curl(net::run, net.a, 2, LiveApps.url(b, 80, "/"));
            assertThat(curl.exitCode()).as(curl.output()).isNotZero();
            assertThat(LiveApps.udpClient(net::run, net.a, b, 7, 10)).isEqualTo("no reply");
            assertThat(net.run(net.a, 10, "ping", "-c1", "-W1", b).exitCode()).isNotZero();
            assertThat(LiveApps.requests(bWeb)).isEmpty();
            assertThat(bEcho.lines("udp ")).as("the datagram never reached B").isEmpty();
            JsonNode tcp = j.events(drop(layer, 6).and(e -> e.path("remotePort").asInt() == 80), 1).getFirst();
            assertThat(tcp.path("filterId").asLong()).isEqualTo(filter);
            assertThat(tcp.path("filterName").asText()).isEqualTo("block-all-outbound-v" + version);
            assertThat(tcp.path("direction").asText()).isEqualTo("FWP_DIRECTION_OUTBOUND");
            assertThat(tcp.path("remoteAddr").asText()).isEqualTo(b);
            assertThat(j.events(drop(layer, 17).and(e -> e.path("remotePort").asInt() == 7), 1)).isNotEmpty();
            assertThat(j.events(drop(layer, icmp).and(e -> e.path("remoteAddr").asText().equals(b)), 1)).isNotEmpty();

            // Loopback inside A takes the send path too.
            assertThat(LiveApps.curl(net::run, net.a, 2, LiveApps.url(v6 ? "::1" : "127.0.0.1", 8081, "/")).exitCode()).isNotZero();
            assertThat(LiveApps.requests(aLoop)).isEmpty();
            assertThat(j.events(drop(layer, 6).and(e -> e.path("remotePort").asInt() == 8081), 1)).isNotEmpty();

            if (v6) {
                // Linux: neighbour discovery is ICMPv6 through OUTPUT, so A's neighbour advertisements are dropped
                // too (Windows-like ARP-below-IP holds for IPv4 only). B is told A's MAC so its packets can still
                // arrive.
                assertThat(net.run(net.b, 10, "ping", "-c1", "-W1", a).exitCode()).isNotZero();
                assertThat(j.events(drop(layer, 58).and(e -> e.path("localPort").asInt() == 136), 1))
                        .as("a neighbour advertisement (ICMPv6 type 136) dropped").isNotEmpty();
                String mac = net.exec(net.a, "cat", "/sys/class/net/va/address").trim();
                net.exec(net.b, "ip", "-6", "neigh", "replace", a, "lladdr", mac, "dev", "vb", "nud", "permanent");
            }
            // Inbound still arrives; A's answers are dropped.
            TwoNamespaces.Result in = LiveApps.curl(net::run, net.b, 2, LiveApps.url(a, 8080, "/"));
            assertThat(in.exitCode()).as(in.output()).isNotZero();
            assertThat(LiveApps.requests(aWeb)).as("the SYN-ACK never left: no connection, no request").isEmpty();
            assertThat(j.events(drop(layer, 6).and(e -> e.path("localPort").asInt() == 8080), 1))
                    .as("A's stack answered the SYN; the SYN-ACK was dropped").isNotEmpty();
            assertThat(LiveApps.udpClient(net::run, net.b, a, 9, 10)).isEqualTo("no reply");
            assertThat(aEcho.lines("udp ")).as("the datagram arrived at A's server").hasSize(1);
            assertThat(j.events(drop(layer, 17).and(e -> e.path("localPort").asInt() == 9), 1)).isNotEmpty();
            assertThat(net.run(net.b, 10, "ping", "-c1", "-W1", a).exitCode()).isNotZero();
            int echoReply = v6 ? 129 : 0;
            assertThat(j.events(drop(layer, icmp).and(e -> e.path("localPort").asInt() == echoReply), 1))
                    .as("the echo reply dropped").isNotEmpty();

            List<CapturedFrame> seenAtB = atB.stop();
            int family = v6 ? CapturedFrame.IPV6 : CapturedFrame.IPV4;
            List<CapturedFrame> fromA = seenAtB.stream().filter(f -> f.etherType() == family)
                    .filter(f -> Wire.parse(f).ipVersion() == version && Capture.source(Wire.parse(f)).equals(Capture.address(a))).toList();
            assertThat(fromA).as("no IPv%d packet of A reached B's wire", version).isEmpty();
            if (!v6) {
                assertThat(seenAtB).as("ARP is below IP: A still answers B's ARP requests")
                        .anyMatch(f -> f.etherType() == CapturedFrame.ARP && Capture.address(A_V4).equals(Capture.arpSender(f)));
                // Linux classifies before neighbour resolution: a packet to an address nobody has is dropped (and
                // logged) at OUTBOUND_IPPACKET, and no ARP request for it ever goes out (Windows resolves first).
                Capture nobody = Capture.start(net.b, "vb", dir, "arp");
                assertThat(LiveApps.curl(net::run, net.a, 2, LiveApps.url("10.200.0.99", 80, "/")).exitCode()).isNotZero();
                assertThat(j.events(drop(layer, 6).and(e -> e.path("remoteAddr").asText().equals("10.200.0.99")), 1)).isNotEmpty();
                assertThat(nobody.stop()).as("no ARP request for 10.200.0.99").noneMatch(f -> Capture.address("10.200.0.99").equals(Capture.arpTarget(f)));
            }

            // Deleting the filter (jwfp filter delete) restores traffic.
            j.ok("filter", "delete", String.valueOf(filter));
            TwoNamespaces.Result after = LiveApps.curl(net::run, net.a, 5, LiveApps.url(b, 80, "/"));
            assertThat(after.output()).isEqualTo("B");
            assertThat(LiveApps.udpClient(net::run, net.a, b, 7, 10)).startsWith("reply " + b + " 7 B:");
            assertThat(net.run(net.a, 10, "ping", "-c1", "-W2", b).exitCode()).isZero();
            assertThat(LiveApps.curl(net::run, net.b, 5, LiveApps.url(a, 8080, "/")).output()).isEqualTo("A");
        } finally {
            net.exec(net.b, "ip", "neigh", "flush", "dev", "vb");
        }
    }
}

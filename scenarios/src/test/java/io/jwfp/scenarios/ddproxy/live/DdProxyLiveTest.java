package io.jwfp.scenarios.ddproxy.live;

import static io.jwfp.shim.nfqueue.ThreeNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.A_V6;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.B_V4;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.B_V6;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.C_V4;
import static io.jwfp.shim.nfqueue.ThreeNamespaces.C_V6;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.daemon.live.JwfpdProcess;
import io.jwfp.scenarios.live.Capture;
import io.jwfp.scenarios.live.LiveApps;
import io.jwfp.scenarios.live.LiveBed;
import io.jwfp.scenarios.live.LiveJwfpd;
import io.jwfp.scenarios.support.JwfpCli;
import io.jwfp.scenarios.support.SamplePolicies;
import io.jwfp.shim.nfqueue.ThreeNamespaces;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ddproxy on live traffic (seed-samples §3, §12 DDP-1…4): jwfpd with {@code examples/policies/samples/ddproxy.yaml}
 * (ddproxy-icmp.yaml, ddproxy-v6.yaml) in namespace A of the T3 testbed; datagrams for 10.200.0.2:5001 go to
 * 10.200.0.3:5002 and the replies come back from 10.200.0.2:5001. B and C run UDP echo servers prefixing "B:" / "C:".
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DdProxyLiveTest {
    private static ThreeNamespaces t;

    @TempDir
    Path dir;
    private LiveBed bed;
    private LiveJwfpd jwfpd;

    @BeforeAll
    static void createTestbed() throws Exception {
        LiveApps.assumeTools("python3", "ping", "tcpdump", "ethtool");
        t = ThreeNamespaces.create("ddp");
    }

    @AfterAll
    static void removeTestbed() {
        if (t != null) t.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        bed = new LiveBed(t, dir.resolve("bed"));
    }

    @AfterEach
    void tearDown() throws Exception {
        bed.stopAll();
        if (jwfpd != null) jwfpd.close();
        t.exec(t.a, "ethtool", "-K", "eth0", "tx", "on");
    }

    private void start(String policy) throws Exception {
        jwfpd = LiveJwfpd.start(t.a, dir.resolve("jwfpd"), SamplePolicies.file(policy));
    }

    private void echoServers(String b, String c) throws Exception {
        bed.tool(t.b, "listening", "udp-echo", b, "5001", "B:", dir.resolve("b.log").toString());
        bed.tool(t.c, "listening", "udp-echo", c, "5002", "C:", dir.resolve("c.log").toString());
    }

    private long logged(String name) throws Exception {
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readAllLines(p).size() : 0;
    }

    private JsonNode stats() throws Exception {
        JwfpCli.Run r = jwfpd.jwfp("callout", "control", "ddproxy-datagram-data-v4", "stats");
        assertThat(r.rc()).as(r.err()).isZero();
        return io.jwfp.daemon.mgmt.Protocol.JSON.readTree(r.out());
    }

    /** DDP-1 for one family: the reply un-NATed, nothing for B, C sees A's request with a valid checksum. */
    private void transparentRedirect(String intercept, String target) throws Exception {
        Path inB = dir.resolve("in-b.pcap"), inC = dir.resolve("in-c.pcap");
        Capture capB = bed.capture(t.b, "eth0", inB, "udp");
        String a = intercept.contains(":") ? A_V6 : A_V4;
        Capture capC = bed.capture(t.c, "eth0", inC, "udp and src host " + a); // C's own replies: tx offload
        TwoNamespaces.Result r = bed.runTool(t.a, 20, "udp-once", intercept, "5001", "hello");
        assertThat(r.output().trim()).isEqualTo("reply C:hello from " + intercept + ":5001");
        capB.close();
        capC.close();
        assertThat(bed.read(inB)).as("nothing reaches B").isEmpty();
        String c = bed.read(inC);
        assertThat(c).containsPattern(java.util.regex.Pattern.quote(a) + "\\.\\d+ > " + java.util.regex.Pattern.quote(target) + "\\.5002");
        assertThat(c).contains("udp sum ok").doesNotContain("bad udp cksum");
    }

    @Test
    @DisplayName("DDP-1 live: transparent UDP redirect with reply un-NAT")
    void ddp1TransparentRedirect() throws Exception {
        start("ddproxy");
        echoServers(B_V4, C_V4);
        transparentRedirect(B_V4, C_V4);
        assertThat(jwfpd.events()).as("no drops").isEmpty();
        JsonNode p = jwfpd.pipeline();
        assertThat(p.path("heldReleased").asLong()).as(p.toString()).isEqualTo(2); // the request and the reply
        assertThat(p.path("heldDropped").asLong() + p.path("heldExpired").asLong()).isZero();
    }

    @Test
    @DisplayName("DDP-2 live: a connect()ed socket, 1000 pairs of 1-1400 bytes, with tx checksum offload on and off")
    void ddp2ConnectedSocketVolumeOffload() throws Exception {
        start("ddproxy");
        echoServers(B_V4, C_V4);
        long expected = 0;
        for (String tx : List.of("on", "off")) {
            t.exec(t.a, "ethtool", "-K", "eth0", "tx", tx);
            TwoNamespaces.Result r = bed.runTool(t.a, 300, "udp-pairs", B_V4, "5001", "1000", "connected", "seed-" + tx);
            assertThat(r.output()).as("tx " + tx + ": " + r.output())
                    .contains("replies 1000 intact 1000 sources " + B_V4 + ":5001");
            expected += 1000;
            assertThat(logged("c.log")).as("C got each exactly once").isEqualTo(expected);
        }
        assertThat(logged("b.log")).isZero();
    }

    @Test
    @DisplayName("DDP-3 live: scope (other port, TCP, and datagrams nobody asked for are left alone)")
    void ddp3Scope() throws Exception {
        start("ddproxy");
        bed.tool(t.b, "listening", "udp-echo", B_V4, "5003", "B:", dir.resolve("b5003.log").toString());
        assertThat(bed.runTool(t.a, 20, "udp-once", B_V4, "5003", "other").output().trim())
                .isEqualTo("reply B:other from " + B_V4 + ":5003");
        bed.tool(t.b, "listening", "sink", B_V4, "5001");
        Path f = Files.write(dir.resolve("f"), new byte[] {1, 2, 3});
        TwoNamespaces.Result tcp = bed.runTool(t.a, 20, "send", B_V4, "5001", f.toString(), "5");
        assertThat(tcp.output().trim()).as("TCP to B:5001 reaches B").isEqualTo(
                "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
        Path unsolicited = dir.resolve("a.log");
        bed.tool(t.a, "listening", "udp-count", A_V4, "7031", unsolicited.toString());
        bed.runTool(t.c, 20, "udp-once", A_V4, "7031", "unasked", "5002");
        Thread.sleep(300);
        assertThat(Files.readString(unsolicited).trim()).isEqualTo(
                java.util.HexFormat.of().formatHex("unasked".getBytes()) + " " + C_V4);
    }

    @Test
    @DisplayName("DDP-4a live: ICMP mode, ping answered by C shown as B")
    void ddp4aIcmpMode() throws Exception {
        start("ddproxy-icmp");
        Path inB = dir.resolve("icmp-b.pcap"), inC = dir.resolve("icmp-c.pcap");
        Capture capB = bed.capture(t.b, "eth0", inB, "icmp[icmptype] == icmp-echo");
        Capture capC = bed.capture(t.c, "eth0", inC, "icmp[icmptype] == icmp-echo");
        TwoNamespaces.Result ping = t.run(t.a, 20, "ping", "-c", "3", "-W", "2", B_V4);
        capB.close();
        capC.close();
        assertThat(ping.exitCode()).as(ping.output()).isZero();
        assertThat(ping.output()).contains("3 received").contains("from " + B_V4).doesNotContain("from " + C_V4);
        assertThat(bed.read(inB)).as("B sees no echo request").isEmpty();
        assertThat(bed.read(inC).lines().filter(l -> l.contains("ICMP echo request")).count()).isEqualTo(3);
    }

    @Test
    @DisplayName("DDP-4b live: IPv6, valid non-zero UDP checksums, no extension header")
    void ddp4bIpv6() throws Exception {
        start("ddproxy-v6");
        echoServers(B_V6, C_V6);
        transparentRedirect(B_V6, C_V6);
        Path inC = dir.resolve("v6-c.pcap");
        Capture capC = bed.capture(t.c, "eth0", inC, "ip6 and src host " + A_V6);
        TwoNamespaces.Result r = bed.runTool(t.a, 60, "udp-pairs", B_V6, "5001", "50", "connected", "v6");
        capC.close();
        assertThat(r.output()).contains("replies 50 intact 50 sources " + B_V6 + ":5001");
        List<String> headers = bed.read(inC).lines().filter(l -> l.contains("next-header")).toList();
        assertThat(headers).hasSize(50).allMatch(l -> l.contains("next-header UDP (17)"));
        assertThat(bed.read(inC)).doesNotContain("bad udp cksum").doesNotContain("[udp sum 0]");
        assertThat(bed.read(inC).lines().filter(l -> l.contains("udp sum ok")).count()).isEqualTo(50);
    }

    @Test
    @DisplayName("DDP-4c live: a configuration that redirects nowhere stops jwfpd at start")
    void ddp4cConfigValidation() throws Exception {
        Path bad = SamplePolicies.edited("ddproxy", dir, "NewDestinationPort: 5002", "NewDestinationPort: 5001",
                "      NewDestinationAddress: \"10.200.0.3\"\n", "");
        JwfpdProcess.Exit r = LiveJwfpd.startRefused(t.a, dir.resolve("bad"), bad);
        assertThat(r.code()).as(r.log()).isNotZero();
        assertThat(r.log()).contains("NewDestination");
    }
}

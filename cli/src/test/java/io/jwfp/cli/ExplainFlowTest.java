package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jwfp explain --flow} against a policy file shaped like a Windows host's (examples/policies/windows-like.yaml:
 * a Windows Firewall sublayer with a block rule, an app permit and a default inbound block; a third-party sublayer
 * above it that blocks softly).
 */
class ExplainFlowTest {
    static final Path POLICY = Path.of("..", "examples", "policies", "windows-like.yaml");
    static final String FIREFOX = "\\Device\\HarddiskVolume3\\Program Files\\Mozilla Firefox\\firefox.exe";

    @TempDir
    Path dir;

    record Run(int rc, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Jwfp.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    static Run explain(String... extra) {
        List<String> a = new ArrayList<>(List.of("explain", "--policy", POLICY.toString()));
        a.addAll(List.of(extra));
        return run(a.toArray(String[]::new));
    }

    static List<String> column(JsonNode layers, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : layers) out.add(l.path(field).asText());
        return out;
    }

    @Test
    void anInboundConnectionToABlockedPortIsBlockedByTheFirewallRuleAtRecvAccept() throws Exception {
        assertThat(POLICY).exists();
        Run r = explain("--flow", "tcp 192.168.1.20:51000 -> 192.168.1.10:3389", "--direction", "in");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("flow tcp 192.168.1.20:51000 -> 192.168.1.10:3389, inbound")
                .contains("FWP_ACTION_BLOCK at layer 6 FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 (SYN)")
                .contains("by filter 1 'Block Remote Desktop (TCP-In)'").contains("hard: yes   veto: no")
                .containsPattern("7 +SYN-ACK +FWPM_LAYER_OUTBOUND_TRANSPORT_V4 +outbound +not reached")
                .containsPattern("11 +established +FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4 +inbound +not reached")
                .contains("'Block Remote Desktop (TCP-In)'  weight 0xd007000000000000  BLOCK -> BLOCK  (static block (hard))  <- decides");
        // The default block matched too but the higher-weight rule decided first: it is never reached.
        assertThat(r.out()).doesNotContain("'Default inbound (block)'");

        JsonNode j = explain("--flow", "tcp 192.168.1.20:51000 -> 192.168.1.10:3389", "--local", "192.168.1.0/24,fd00::/64",
                "--json").json();
        // --local 192.168.1.0/24 holds both ends: the host opens the flow; give the one local address instead.
        assertThat(j.path("direction").asText()).isEqualTo("outbound");
        j = explain("--flow", "tcp 192.168.1.20:51000 -> 192.168.1.10:3389", "--local", "192.168.1.10", "--json").json();
        assertThat(j.path("direction").asText()).isEqualTo("inbound");
        assertThat(j.path("action").asText()).isEqualTo("FWP_ACTION_BLOCK");
        assertThat(j.path("blockingLayer").asInt()).isEqualTo(5);
        JsonNode layers = j.path("layers");
        assertThat(column(layers, "layer")).containsExactly("FWPM_LAYER_ALE_BIND_REDIRECT_V4",
                "FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4", "FWPM_LAYER_ALE_AUTH_LISTEN_V4", "FWPM_LAYER_INBOUND_IPPACKET_V4",
                "FWPM_LAYER_INBOUND_TRANSPORT_V4", "FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4",
                "FWPM_LAYER_OUTBOUND_TRANSPORT_V4", "FWPM_LAYER_OUTBOUND_IPPACKET_V4", "FWPM_LAYER_INBOUND_IPPACKET_V4",
                "FWPM_LAYER_INBOUND_TRANSPORT_V4", "FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4");
        assertThat(column(layers, "reached")).containsExactly("true", "true", "true", "true", "true", "true",
                "false", "false", "false", "false", "false");
        JsonNode blocked = layers.get(5);
        assertThat(blocked.path("filterName").asText()).isEqualTo("Block Remote Desktop (TCP-In)");
        assertThat(blocked.path("hard").asBoolean()).isTrue();
        JsonNode f = blocked.path("sublayers").get(0).path("filters").get(0);
        assertThat(f.path("decides").asBoolean()).isTrue();
        assertThat(f.path("action").asText()).isEqualTo("FWP_ACTION_BLOCK");
        assertThat(f.path("weight").asText()).isEqualTo(Long.toUnsignedString(0xd007000000000000L));

        // An allowed port: the web rule permits, the flow gets through every layer.
        Run web = explain("--flow", "tcp 192.168.1.20:51000 -> 192.168.1.10:443", "--direction", "in");
        assertThat(web.out()).contains("FWP_ACTION_PERMIT: every layer permits the flow")
                .contains("PERMIT  2 'World Wide Web Services (HTTPS Traffic-In)' (soft)").doesNotContain("not reached");
        // Any other port: the default inbound block.
        assertThat(explain("--flow", "tcp 192.168.1.20:51000 -> 192.168.1.10:8080", "--direction", "in").out())
                .contains("by filter 3 'Default inbound (block)'");
    }

    @Test
    void anOutboundConnectionByAnAllowedAppIsPermittedOverASoftBlock() throws Exception {
        Run r = explain("--flow", "tcp 192.168.1.10:51000 -> 93.184.216.34:443", "--app", FIREFOX);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("FWP_ACTION_PERMIT: every layer permits the flow")
                .containsPattern("4 +connect +FWPM_LAYER_ALE_AUTH_CONNECT_V4 +outbound +PERMIT +5 'Firefox \\(TCP-Out\\)' \\(soft\\)")
                .contains("sublayer 'acme-av' (weight 0xc000): FWP_ACTION_BLOCK, decides (soft)")
                .contains("CALLOUT_TERMINATING -> BLOCK  (callout returned BLOCK, write right kept (soft))")
                .contains("sublayer 'windows-firewall' (weight 0x8000): FWP_ACTION_PERMIT, overrides (soft)")
                .contains("'Firefox (TCP-Out)'  weight 0x8003802000000000  PERMIT -> PERMIT  (soft permit)  <- decides");
        // Another app: no Windows Firewall permit, so the soft block stands at ALE_AUTH_CONNECT.
        JsonNode curl = explain("--flow", "tcp 192.168.1.10:51000 -> 93.184.216.34:443", "--app", "/usr/bin/curl", "--json").json();
        assertThat(curl.path("action").asText()).isEqualTo("FWP_ACTION_BLOCK");
        assertThat(curl.path("blockingLayer").asInt()).isEqualTo(3);
        assertThat(curl.path("layers").get(3).path("filterName").asText()).isEqualTo("acme-av web scan (soft block)");
        assertThat(curl.path("layers").get(3).path("hard").asBoolean()).isFalse();
        assertThat(curl.path("app").asText()).isEqualTo("/usr/bin/curl");
        // Telnet is blocked for every app, hard, before the soft-blocking sublayer matters.
        assertThat(explain("--flow", "tcp 192.168.1.10:51000 -> 10.1.1.1:23", "--app", FIREFOX).out())
                .contains("by filter 6 'Block Telnet (TCP-Out)'").contains("hard: yes");
    }

    @Test
    void jsonHasAStableShape() throws Exception {
        JsonNode j = explain("--flow", "udp 10.0.0.1:5353 -> 10.0.0.2:53", "--json").json();
        assertThat(j.fieldNames()).toIterable().containsExactly("flow", "direction", "app", "action", "blockingLayer",
                "layers", "against");
        assertThat(j.path("layers").get(0).fieldNames()).toIterable().containsExactly("event", "layer",
                "packetDirection", "reached", "action", "filterId", "filterName", "filterKey", "hard", "veto", "absorbed",
                "sublayers");
        JsonNode tcp = explain("--flow", "tcp 192.168.1.10:51000 -> 93.184.216.34:443", "--json").json();
        JsonNode sub = tcp.path("layers").get(3).path("sublayers").get(0);
        assertThat(sub.fieldNames()).toIterable().containsExactly("name", "key", "weight", "writeRight", "result",
                "effect", "filters");
        assertThat(sub.path("filters").get(0).fieldNames()).toIterable().containsExactly("id", "name", "key", "weight",
                "action", "result", "calloutInvoked", "calloutReturned", "note", "decides");
        assertThat(j.path("against").asText()).contains("windows-like.yaml");
    }

    @Test
    void aCapturedPacketIsExplainedAsItsFlow() throws Exception {
        // packet 1: a SYN 192.168.1.20 -> .10:3389; packet 2: the SYN-ACK answering it (same flow).
        Path cap = Files.writeString(dir.resolve("cap.hex"),
                HexFormat.of().formatHex(ipv4Tcp("192.168.1.20", "192.168.1.10", 51000, 3389, 0x02)) + "\n"
                        + HexFormat.of().formatHex(ipv4Tcp("192.168.1.10", "192.168.1.20", 3389, 51000, 0x12)) + "\n");
        for (String n : new String[] {"1", "2"}) {
            Run r = explain("--packet", cap + "#" + n, "--local", "192.168.1.10/32");
            assertThat(r.rc()).as(r.err()).isZero();
            assertThat(r.out()).contains("flow tcp 192.168.1.20:51000 -> 192.168.1.10:3389, inbound")
                    .contains("by filter 1 'Block Remote Desktop (TCP-In)'");
        }
        Run past = explain("--packet", cap + "#3");
        assertThat(past.rc()).isEqualTo(2);
        assertThat(past.err()).isEqualTo("jwfp: --packet " + cap + "#3: packet 3: the capture has 2 packets\n");
        assertThat(explain("--packet", cap.toString()).err()).contains("expected CAPTURE#N");
    }

    static byte[] ipv4Tcp(String src, String dst, int sp, int dp, int flags) {
        return io.jwfp.packet.repr.Packets.tcp(java.net.InetAddress.ofLiteral(src), java.net.InetAddress.ofLiteral(dst),
                sp, dp, 1, 0, flags, 65535, List.of(), new byte[0]);
    }

    @Test
    void mistakesAreOneLineWithExitCode2() {
        for (String[] args : new String[][] {
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:51000 10.0.0.2:443"},
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1 -> 10.0.0.2:443"},
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2", "--direction", "up"},
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2", "--local", "10.9.0.0/16"},
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2", "--local", "10.0.0.0/99"},
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2", "--local", "10.0.0.2",
                        "--direction", "in"},
                {"explain", "--policy", POLICY.toString(), "--flow", "icmp 10.0.0.1 -> 10.0.0.2 type 3 code 3"},
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2", "--layer", "ALE_AUTH_CONNECT_V4"},
                {"explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2", "--field", "IP_REMOTE_PORT=2"},
                {"explain", "--flow", "tcp 10.0.0.1:1 -> 10.0.0.2:2", "--socket", "/nonexistent/jwfpd.sock"},
        }) {
            Run r = run(args);
            assertThat(r.rc()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("jwfp: ").doesNotContain("Exception").doesNotContain("\tat ");
        }
        Run bad = run("explain", "--policy", POLICY.toString(), "--flow", "tcp 10.0.0.1:51000 10.0.0.2:443");
        assertThat(bad.err()).contains("expected PROTOCOL SOURCE -> DESTINATION, e.g. \"tcp 10.0.0.1:51000 -> 10.0.0.2:443\"");
    }

    @Test
    void helpHasAnExample() {
        Run r = run("explain", "--help");
        assertThat(r.rc()).isZero();
        assertThat(r.out()).contains("jwfp explain --flow \"tcp").contains("--packet").contains("--direction")
                .contains("--local").contains("--app");
    }

    /** An ICMP message other than an echo crosses the request's layers once, named after its type (no reply). */
    @Test
    void anIcmpMessageOtherThanAnEchoIsNamedByItsType() {
        Run r = run("explain", "--policy", POLICY.toString(), "--flow", "icmpv6 fd00::1 -> ff02::16 type 143");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("icmp-type-143").doesNotContain("echo-request").doesNotContain("echo-reply");
    }
}

package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The questions a Windows user asks, answered by {@code jwfp explain --flow --policy DUMP.xml} against the two real
 * {@code netsh wfp} dumps: the deciding Windows Firewall filter of an inbound connection to a blocked port and of an
 * outbound connection by an allowed app, with what could not be evaluated listed.
 */
class ExplainWindowsDumpTest {
    static final Path STATE = NetshCliTest.STATE;
    static final Path ZH = NetshCliTest.ZH;
    static final String OMADM = "\\device\\harddiskvolume3\\windows\\system32\\omadmclient.exe";
    static final String JAVAW = "\\device\\harddiskvolume3\\users\\baika\\appdata\\roaming\\.minecraft\\runtime\\java-runtime-delta\\bin\\javaw.exe";

    record Run(int rc, String out, String err) {}

    static Run explain(Path dump, String flow, String direction, String app, String... more) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] base = {"explain", "--policy", dump.toString(), "--flow", flow, "--direction", direction, "--app", app};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more)).toArray(String[]::new);
        int rc = Jwfp.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void inboundConnectionToAPortWithoutARuleIsBlockedByQueryUser() {
        Run r = explain(STATE, "tcp 192.168.1.50:51000 -> 192.168.1.10:8080", "in", "\\device\\harddiskvolume3\\users\\me\\devserver\\node.exe");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).contains("imported 1,234 of 1,254 filters (68 never match, 20 skipped");
        assertThat(r.out()).contains("FWP_ACTION_BLOCK at layer 6 FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 (SYN)")
                .contains("by filter 481 'Query User #116021' {31f7ea74-3b39-46ce-9074-c36ac33d18d9}")
                .containsPattern("7  SYN-ACK +FWPM_LAYER_OUTBOUND_TRANSPORT_V4 +outbound +not reached")
                // the listen is not blocked by Windows Firewall's notification callout, which jwfp cannot run: listed
                .containsPattern("3  listen +FWPM_LAYER_ALE_AUTH_LISTEN_V4 +- +PERMIT")
                .contains("not evaluated: 26 imported filter(s)")
                .contains("'Query User #116010' {3b55375c-3eed-40cd-acbc-0344942a6fcd}: callout Windows Firewall: callout");
    }

    @Test
    void inboundConnectionToAnAppWindowsServiceHardeningBlocks() {
        Run r = explain(STATE, "tcp 192.168.1.50:51000 -> 192.168.1.10:5000", "in", OMADM);
        assertThat(r.out()).contains("FWP_ACTION_BLOCK at layer 6 FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4")
                .contains("'Block inbound traffic to omadmclient.exe'")
                .containsPattern("sublayer 'FWPM_SUBLAYER_MPSSVC_WF' \\(weight 0x0002\\) \\[no write right\\]: FWP_ACTION_BLOCK, ignored");
    }

    @Test
    void outboundConnectionByAnAllowedAppIsPermittedByItsRuleAndDefaultOutbound() throws Exception {
        Run r = explain(STATE, "tcp 192.168.1.10:50123 -> 20.50.1.2:443", "out", OMADM, "--json");
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("action").asText()).isEqualTo("FWP_ACTION_PERMIT");
        JsonNode connect = null;
        for (JsonNode l : j.path("layers")) if (l.path("layer").asText().equals("FWPM_LAYER_ALE_AUTH_CONNECT_V4")) connect = l;
        assertThat(connect).isNotNull();
        assertThat(connect.path("filterName").asText()).isEqualTo("Default Outbound #116031");
        assertThat(connect.toString()).contains("Allow outbound TCP traffic from omadmclient.exe");
        assertThat(j.path("notEvaluated")).isNotEmpty();
        assertThat(j.path("against").asText()).contains("windows-wfpstate.xml");
    }

    @Test
    void windows11DumpBlocksMinecraftInboundAndLetsItOut() {
        Run in = explain(ZH, "tcp 192.168.1.50:51000 -> 192.168.1.10:25565", "in", JAVAW);
        assertThat(in.out()).contains("FWP_ACTION_BLOCK at layer 6 FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4")
                .contains("by filter 549 'javaw.exe #85081' {81033246-fc8e-4be9-b88d-056d48bcf31f}");
        Run out = explain(ZH, "tcp 192.168.1.10:50000 -> 52.1.2.3:443", "out", JAVAW);
        assertThat(out.out()).contains("FWP_ACTION_PERMIT: every layer permits the flow")
                .contains("FWPM_LAYER_ALE_AUTH_CONNECT_V4 (connect, outbound): FWP_ACTION_PERMIT by 1139 'Default Outbound #84726'");
    }
}

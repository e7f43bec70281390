package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives exit code 2 and one line naming the problem; the text output reads like the JSON. */
class ExplainCliTest {
    @TempDir
    Path dir;

    record Run(int rc, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Jwfp.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    Path policy(String text) throws Exception {
        return Files.writeString(dir.resolve("p.yaml"), text);
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Path ok = policy("filters:\n  - {name: b, layer: ALE_AUTH_CONNECT_V4, action: BLOCK}\n");
        for (String[] args : new String[][] {
                {"explain", "--policy", dir.resolve("missing.yaml").toString(), "--layer", "ALE_AUTH_CONNECT_V4"},
                {"explain", "--policy", ok.toString(), "--layer", "NO_SUCH_LAYER"},
                {"explain", "--policy", ok.toString(), "--layer", "ALE_AUTH_CONNECT_V4", "--field", "IP_REMOTE_PORT"},
                {"explain", "--policy", ok.toString(), "--layer", "ALE_AUTH_CONNECT_V4", "--field", "NOPE=1"},
                {"explain", "--policy", ok.toString(), "--layer", "ALE_AUTH_CONNECT_V4", "--field", "IP_REMOTE_PORT=70000"},
                {"explain", "--policy", ok.toString(), "--layer", "OUTBOUND_IPPACKET_V4", "--field", "IP_REMOTE_PORT=80"},
                {"explain", "--policy", ok.toString()},
        }) {
            Run r = run(args);
            assertThat(r.rc()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("jwfp: ").doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void policyErrorsNameFileLineAndKey() throws Exception {
        Path p = policy("""
                sublayers:
                  - {name: s, weight: 0x8000}
                filters:
                  - name: b
                    layer: ALE_AUTH_CONNECT_V4
                    weight: 5
                    action: BLOCK
                """);
        Run r = run("explain", "--policy", p.toString(), "--layer", "ALE_AUTH_CONNECT_V4");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains(p + ":6: filters[0].weight:").contains("auto").contains("{uint8: 0..15}").contains("{uint64: N}");
    }

    @Test
    void textOutputNamesDecisionFilterAndSublayers() throws Exception {
        Path p = policy("""
                sublayers:
                  - {name: acme, weight: 0x9000}
                filters:
                  - {name: no-telnet, layer: ALE_AUTH_CONNECT_V4, sublayer: acme, action: BLOCK,
                     conditions: [{field: FWPM_CONDITION_IP_REMOTE_PORT, value: 23}]}
                """);
        Run r = run("explain", "--policy", p.toString(), "--layer", "FWPM_LAYER_ALE_AUTH_CONNECT_V4", "--field",
                "FWPM_CONDITION_IP_REMOTE_PORT=23");
        assertThat(r.rc()).isZero();
        assertThat(r.out()).startsWith("FWP_ACTION_BLOCK").contains("deciding filter: 1 'no-telnet'").contains("hard: yes")
                .contains("'acme' (weight 0x9000)").contains("IP_REMOTE_PORT=23");
        Run allow = run("explain", "--policy", p.toString(), "--layer", "ALE_AUTH_CONNECT_V4", "--field", "IP_REMOTE_PORT=22");
        assertThat(allow.out()).startsWith("FWP_ACTION_PERMIT").contains("none (layer default: permit)");
    }
}

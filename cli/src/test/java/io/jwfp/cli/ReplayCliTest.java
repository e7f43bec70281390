package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.shim.pcap.CaptureReader;
import io.jwfp.shim.pcap.CaptureRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jwfp replay}: the summary, the JSON, the output capture, a truncated capture, bad input. */
class ReplayCliTest {
    /** The tcpdump capture of shim-pcap's tests: 10.99.0.1 / fd99::1 talks to 10.99.0.2 / fd99::2. */
    static final Path CAPTURE = Path.of("../shim-pcap/src/test/resources/captures/eth-usec.pcap");

    @TempDir
    Path dir;

    private Path policy() throws Exception {
        Path p = dir.resolve("policy.yaml");
        Files.writeString(p, """
                filters:
                  - name: no-8080
                    layer: FWPM_LAYER_ALE_AUTH_CONNECT_V4
                    conditions: [{field: FWPM_CONDITION_IP_REMOTE_PORT, value: 8080}]
                    action: FWP_ACTION_BLOCK
                """);
        return p;
    }

    private static long packets(Path f) throws Exception {
        long n = 0;
        try (CaptureReader r = CaptureReader.open(f)) {
            CaptureRecord rec = new CaptureRecord();
            while (r.next(rec)) n++;
        }
        return n;
    }

    @Test
    void summaryNamesTheDecidingFilterPerLayer() throws Exception {
        Path out = dir.resolve("out.pcapng");
        TraceCliTest.Run r = TraceCliTest.run("replay", CAPTURE.toString(), "--policy", policy().toString(), "--local",
                "10.99.0.1,fd99::1", "--out", out.toString());
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty(); // no progress bar: not a terminal
        assertThat(r.out()).contains("packets: 37 read").contains("ALE_AUTH_CONNECT_V4").containsPattern(
                "#\\d+ no-8080 +BLOCK +8 +1\\n");
        assertThat(packets(out)).isEqualTo(29);
    }

    @Test
    void json() throws Exception {
        TraceCliTest.Run r = TraceCliTest.run("replay", CAPTURE.toString(), "--policy", policy().toString(), "--local",
                "10.99.0.1,fd99::1", "--json");
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode j = ObjectJson.MAPPER.readTree(r.out());
        assertThat(j.path("packets").path("read").asLong()).isEqualTo(37);
        assertThat(j.path("flows").path("blocked").asLong()).isEqualTo(1);
        assertThat(j.path("out").isNull()).isTrue();
        JsonNode connect = null;
        for (JsonNode l : j.path("layers")) if (l.path("layer").asText().equals("FWPM_LAYER_ALE_AUTH_CONNECT_V4")) connect = l;
        assertThat(connect).isNotNull();
        assertThat(connect.path("decisions")).anySatisfy(d -> {
            assertThat(d.path("action").asText()).isEqualTo("BLOCK");
            assertThat(d.path("filterName").asText()).isEqualTo("no-8080");
            assertThat(d.path("flows").asLong()).isEqualTo(1);
        });
    }

    @Test
    void aTruncatedCaptureIsOneLineWithTheRecordAfterWritingWhatCameBefore() throws Exception {
        byte[] all = Files.readAllBytes(CAPTURE);
        Path cut = dir.resolve("cut.pcap");
        long at;
        try (CaptureReader r = CaptureReader.open(CAPTURE)) {
            CaptureRecord rec = new CaptureRecord();
            for (int i = 0; i < 12; i++) r.next(rec);
            at = rec.byteOffset();
        }
        Files.write(cut, Arrays.copyOf(all, (int) at + 20));
        Path out = dir.resolve("out.pcapng");
        TraceCliTest.Run r = TraceCliTest.run("replay", cut.toString(), "--policy", policy().toString(), "--local",
                "10.99.0.1", "--out", out.toString());
        assertThat(r.rc()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("jwfp: " + cut + ": record 12 at byte offset " + at)
                .contains("truncated").endsWith("(the 7 permitted packets before it are in " + out + ")");
        assertThat(r.out()).contains("packets: 11 read").contains("written: 7");
        assertThat(packets(out)).isEqualTo(7); // 4 of the 11 belong to the blocked connection to port 8080
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        String pol = policy().toString();
        for (String[] args : new String[][] {
                {"replay", CAPTURE.toString(), "--policy", pol, "--local", "10.0.0.0/33"},
                {"replay", CAPTURE.toString(), "--policy", pol, "--local", "example.com"},
                {"replay", CAPTURE.toString(), "--policy", pol},
                {"replay", dir.resolve("missing.pcap").toString(), "--policy", pol, "--local", "10.0.0.1"},
                {"replay", pol, "--policy", pol, "--local", "10.0.0.1"},
                {"replay", CAPTURE.toString(), "--policy", dir.resolve("none.yaml").toString(), "--local", "10.0.0.1"}}) {
            TraceCliTest.Run r = TraceCliTest.run(args);
            assertThat(r.rc()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("jwfp: ").doesNotContain("\n")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void helpHasAnExample() {
        TraceCliTest.Run r = TraceCliTest.run("replay", "--help");
        assertThat(r.rc()).isZero();
        assertThat(r.out()).contains("Example:").contains("  jwfp replay ").contains("--local").contains("--out").contains("--json");
    }
}

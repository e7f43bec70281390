package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.bfe.persist.ObjectJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code jwfp trace}: what a newcomer holds against the seed, the JSON a script reads, the SVG, bad input. */
class TraceCliTest {
    @TempDir
    Path dir;

    record Run(int rc, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Jwfp.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    /** The "event layer" pairs of one host's section of the text output. */
    static List<String> section(String text, String host) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : text.split("\n")) {
            if (l.startsWith(host + " ")) {
                in = true;
                continue;
            }
            if (in && (l.isBlank() || !l.startsWith(" "))) break;
            String[] w = l.trim().split("\\s+");
            if (in && w.length > 3 && !w[0].equals("#")) out.add(w[1] + " " + w[2]);
        }
        return out;
    }

    @Test
    void tcpPrintsTheSeedsListsPerHost() {
        Run r = run("trace", "tcp");
        assertThat(r.rc()).isZero();
        assertThat(section(r.out(), "server")).containsExactly(
                "bind FWPM_LAYER_ALE_BIND_REDIRECT_V4", "bind FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4",
                "listen FWPM_LAYER_ALE_AUTH_LISTEN_V4", "SYN FWPM_LAYER_INBOUND_IPPACKET_V4",
                "SYN FWPM_LAYER_INBOUND_TRANSPORT_V4", "SYN FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4",
                "SYN-ACK FWPM_LAYER_OUTBOUND_TRANSPORT_V4", "SYN-ACK FWPM_LAYER_OUTBOUND_IPPACKET_V4",
                "ACK FWPM_LAYER_INBOUND_IPPACKET_V4", "ACK FWPM_LAYER_INBOUND_TRANSPORT_V4",
                "established FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4");
        assertThat(section(r.out(), "client")).containsExactly(
                "bind FWPM_LAYER_ALE_BIND_REDIRECT_V4", "bind FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4",
                "connect FWPM_LAYER_ALE_CONNECT_REDIRECT_V4", "connect FWPM_LAYER_ALE_AUTH_CONNECT_V4",
                "SYN FWPM_LAYER_OUTBOUND_TRANSPORT_V4", "SYN FWPM_LAYER_OUTBOUND_IPPACKET_V4",
                "SYN-ACK FWPM_LAYER_INBOUND_IPPACKET_V4", "SYN-ACK FWPM_LAYER_INBOUND_TRANSPORT_V4",
                "established FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4",
                "ACK FWPM_LAYER_OUTBOUND_TRANSPORT_V4", "ACK FWPM_LAYER_OUTBOUND_IPPACKET_V4");
        assertThat(r.out()).contains("connected 10.200.0.1:49152 -> 10.200.0.2:80").contains("net events: none");
    }

    @Test
    void ipv6UsesTheV6Layers() {
        Run r = run("trace", "tcp", "--ipv6");
        assertThat(r.rc()).isZero();
        assertThat(section(r.out(), "server")).hasSize(11).allMatch(l -> l.endsWith("_V6"));
    }

    @Test
    void jsonHasOneObjectPerClassification() throws Exception {
        Run r = run("trace", "udp", "--json");
        assertThat(r.rc()).isZero();
        JsonNode a = ObjectJson.MAPPER.readTree(r.out());
        assertThat(a.isArray()).isTrue();
        assertThat(a.size()).isEqualTo(33);
        for (JsonNode o : a) {
            for (String k : List.of("host", "event", "layer", "direction", "action", "filterId")) assertThat(o.has(k)).as(k).isTrue();
        }
        assertThat(a.get(0).get("layer").asText()).isEqualTo("FWPM_LAYER_ALE_BIND_REDIRECT_V4");
        assertThat(a.get(0).get("host").asText()).isEqualTo("server");
    }

    @Test
    void aPolicyBlockShowsTheDecidingFilterAndANetEvent() throws Exception {
        Path p = Files.writeString(dir.resolve("block.yaml"), """
                filters:
                  - {name: no-syn-ack, layer: ALE_AUTH_RECV_ACCEPT_V4, action: BLOCK}
                """);
        Run r = run("trace", "tcp", "--policy", "server=" + p);
        assertThat(r.rc()).isZero();
        assertThat(r.out()).containsPattern("SYN +FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 +inbound +BLOCK +\\d+ 'no-syn-ack'");
        assertThat(r.out()).contains("FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4_DISCARD");
        assertThat(r.out()).contains("connect failed: WSAETIMEDOUT");
        assertThat(r.out()).containsPattern("server: DROP +FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 filter \\d+ \\(no-syn-ack\\)");
    }

    @Test
    void svgIsWellFormedWithOneArrowPerPacket() throws Exception {
        Path svg = dir.resolve("tcp.svg");
        Run r = run("trace", "tcp", "--svg", svg.toString());
        assertThat(r.rc()).isZero();
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
        NodeList groups = d.getElementsByTagName("g");
        int arrows = 0, boxes = 0;
        for (int i = 0; i < groups.getLength(); i++) {
            String cls = ((Element) groups.item(i)).getAttribute("class");
            if (cls.startsWith("packet")) arrows++;
            if (cls.startsWith("layer")) boxes++;
        }
        assertThat(arrows).isEqualTo(3); // SYN, SYN-ACK, ACK (ARP frames are not drawn)
        assertThat(boxes).isEqualTo(22);
        assertThat(r.err()).contains("3 packets");
    }

    @Test
    void blockedPacketsAreRedInTheSvg() throws Exception {
        Path p = Files.writeString(dir.resolve("stealth.yaml"), """
                filters:
                  - {name: stealth, layer: INBOUND_TRANSPORT_V4_DISCARD, action: BLOCK}
                """);
        Path svg = dir.resolve("closed.svg");
        Run r = run("trace", "tcp-closed-port", "--policy", "server=" + p, "--svg", svg.toString());
        assertThat(r.rc()).isZero();
        String s = Files.readString(svg);
        assertThat(s).contains("class=\"layer blocked\"").contains("INBOUND_TRANSPORT_V4_DISCARD  SYN  BLOCK");
        assertThat(r.out()).doesNotContain("RST");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "tcp --policy /no/such/file.yaml", "tcp --policy nobody=/no/such.yaml",
            "tcp --bogus"})
    void badInputIsOneLineAndExitCode2(String line) throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), "filters:\n  - {name: b, layer: ALE_AUTH_CONNECT_V4, action: BLOCK}\n");
        List<String> args = new ArrayList<>(List.of("trace"));
        args.addAll(List.of(line.replace("/no/such.yaml", ok.toString()).split(" ")));
        Run r = run(args.toArray(String[]::new));
        assertThat(r.rc()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("jwfp: ");
    }
}

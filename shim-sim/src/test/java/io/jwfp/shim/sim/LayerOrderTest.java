package io.jwfp.shim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.shim.sim.scenario.LayerOrder;
import io.jwfp.shim.sim.scenario.Scenarios;
import io.jwfp.shim.sim.trace.Classification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario's classifications, in order, V4 and V6: Windows' layer order (wfp-semantics §4). */
class LayerOrderTest {
    static String line(Classification c) {
        return LayerOrder.line(c);
    }

    static List<String> ipLines(Scenarios.Run run, String host) {
        return LayerOrder.ipLines(run.network(), host);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void tcpIsTheSeedsPicture(IpVersion v) {
        Scenarios.Run run = Scenarios.run("tcp", v, (n, h) -> { });
        assertThat(ipLines(run, "server")).containsExactlyElementsOf(LayerOrder.SEED_SERVER);
        assertThat(ipLines(run, "client")).containsExactlyElementsOf(LayerOrder.SEED_CLIENT);
        assertThat(run.outcome()).startsWith("connected");
    }

    static Stream<Arguments> scenarios() {
        return Scenarios.names().stream().flatMap(n -> Stream.of(Arguments.of(n, IpVersion.V4), Arguments.of(n, IpVersion.V6)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scenarios")
    void orderIsExactly(String name, IpVersion v) throws IOException {
        Scenarios.Run run = Scenarios.run(name, v, (n, h) -> { });
        List<String> actual = new ArrayList<>();
        for (Classification c : run.network().trace().classifications()) {
            if (c.isMacLayer()) continue;
            assertThat(c.layer().ipVersion()).as(c.layer().name()).isEqualTo(v);
            actual.add(c.host() + " " + line(c));
        }
        assertThat(actual).containsExactlyElementsOf(golden(name));
    }

    static List<String> golden(String name) throws IOException {
        try (InputStream in = LayerOrderTest.class.getResourceAsStream("/layer-order/" + name + ".txt")) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) out.add(l.strip());
            }
            return out;
        }
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void macLayersSitBelowIpBothWays(IpVersion v) {
        Scenarios.Run run = Scenarios.run("tcp", v, (n, h) -> { });
        List<Classification> all = run.network().trace().classifications();
        int checked = 0;
        for (Classification c : all) {
            if (c.layer() == Layer.FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET) {
                // The frame's packet was classified at OUTBOUND_IPPACKET on the same host just before.
                assertThat(all.stream().filter(x -> x.packetId() == c.packetId() && x.host().equals(c.host())
                        && x.layer().name().contains("OUTBOUND_IPPACKET") && x.seq() < c.seq())).hasSize(1);
                checked++;
            }
            if (c.layer() == Layer.FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET) {
                assertThat(all.stream().filter(x -> x.packetId() == c.packetId() && x.host().equals(c.host())
                        && x.layer().name().contains("INBOUND_IPPACKET") && x.seq() > c.seq())).hasSize(1);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(2 * 3); // SYN, SYN-ACK, ACK: out at the sender, in at the receiver
    }

    @Test
    void loopbackNeverReachesTheMacLayersAndIsFlaggedEverywhere() {
        Scenarios.Run run = Scenarios.run("loopback-tcp", IpVersion.V4, (n, h) -> { });
        List<Classification> all = run.network().trace().classifications();
        assertThat(all).noneMatch(Classification::isMacLayer);
        assertThat(all).filteredOn(c -> !c.layer().name().contains("BIND_REDIRECT")
                        && !c.layer().name().contains("RESOURCE_ASSIGNMENT") && !c.layer().name().contains("LISTEN"))
                .allMatch(Classification::loopback);
    }
}

package io.jwfp.scenarios.layerorder;

import static io.jwfp.engine.layer.Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4;
import static io.jwfp.engine.layer.Layer.FWPM_LAYER_OUTBOUND_TRANSPORT_V4;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.policy.PolicyParser;
import io.jwfp.scenarios.support.Programs;
import io.jwfp.shim.sim.FrameCapture;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.scenario.LayerOrder;
import io.jwfp.shim.sim.scenario.Testbed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Layer-order conformance (seed-samples §12, LO-1..LO-3) on the simulated network, T2 with A and B. The expected
 * orders are Microsoft's "TCP Packet Flows" page (§10) as {@link LayerOrder} holds them — the same lists the
 * simulator's own tests pin.
 */
class LayerOrderScenariosTest {
    @ParameterizedTest
    @EnumSource(IpVersion.class)
    @DisplayName("LO-1 TCP handshake A->B: both traces match §10 exactly, FLOW_ESTABLISHED between SYN-ACK and ACK on the client, after the ACK on the server")
    void lo1TcpHandshake(IpVersion v) {
        Testbed t = Testbed.t2();
        TcpSocket listener = Testbed.server(t.b()).tcpSocket(v);
        listener.bind(Testbed.at(t.b(), v, 80));
        listener.listen();
        TcpSocket client = Testbed.client(t.a()).tcpSocket(v);
        client.connect(Testbed.at(t.b(), v, 80));
        t.network().runUntilIdle();
        assertThat(client.isConnected()).isTrue();
        assertThat(listener.accept()).isNotNull();
        assertThat(LayerOrder.ipLines(t.network(), "A")).containsExactlyElementsOf(LayerOrder.SEED_CLIENT);
        assertThat(LayerOrder.ipLines(t.network(), "B")).containsExactlyElementsOf(LayerOrder.SEED_SERVER);
        assertThat(t.network().trace().classifications()).allMatch(c -> c.isMacLayer() || c.layer().ipVersion() == v);
    }

    @Test
    @DisplayName("LO-2 SYN to a closed port on A: INBOUND_IPPACKET, INBOUND_TRANSPORT_DISCARD, then the RST out; a block at the discard layer is stealth")
    void lo2ClosedPortAndStealth() {
        Testbed t = Testbed.t2();
        Programs apps = new Programs(t.network());
        Programs.CurlResult refused = apps.curl(t.b(), Testbed.at(t.a(), IpVersion.V4, 81), Duration.ofSeconds(5));
        assertThat(refused.error()).isEqualTo("WSAECONNREFUSED");
        assertThat(LayerOrder.ipLines(t.network(), "A")).containsExactlyElementsOf(LayerOrder.CLOSED_PORT_SERVER);

        Testbed s = Testbed.t2();
        s.a().applyPolicy(PolicyParser.parse("stealth.yaml", """
                filters:
                  - name: stealth
                    layer: FWPM_LAYER_INBOUND_TRANSPORT_V4_DISCARD
                    action: FWP_ACTION_BLOCK
                """));
        FrameCapture atA = Testbed.nic(s.a()).capture();
        Programs stealthy = new Programs(s.network());
        Programs.CurlResult timedOut = stealthy.curl(s.b(), Testbed.at(s.a(), IpVersion.V4, 81), Duration.ofMinutes(2));
        assertThat(timedOut.error()).isEqualTo("WSAETIMEDOUT");
        assertThat(atA.ipFrames()).as("no RST leaves A").allMatch(f -> !f.sent());
        assertThat(LayerOrder.ipLines(s.network(), "A")).doesNotContain("RST OUTBOUND_TRANSPORT")
                .contains("SYN INBOUND_TRANSPORT_DISCARD");
    }

    @Test
    @DisplayName("LO-3 deferred send injection: at OUTBOUND_TRANSPORT the final ACK of an active close is lost (the socket is gone); at OUTBOUND_IPPACKET it is delivered")
    void lo3DeferredInjectionAndTheLastAck() {
        for (Layer layer : new Layer[] {FWPM_LAYER_OUTBOUND_TRANSPORT_V4, FWPM_LAYER_OUTBOUND_IPPACKET_V4}) {
            Testbed t = Testbed.t2();
            Deferrer d = new Deferrer(t.a().kernel());
            install(d, t.a(), layer);
            Programs apps = new Programs(t.network());
            Programs.TcpServer server = apps.sink(t.b(), IpVersion.V4, 80);
            Programs.Connection c = apps.upload(t.a(), Testbed.at(t.b(), IpVersion.V4, 80),
                    "bye".getBytes(StandardCharsets.US_ASCII), server, Duration.ofSeconds(5));
            assertThat(c).isNotNull();
            assertThat(c.text()).isEqualTo("bye");
            apps.run(Duration.ofMinutes(3));
            assertThat(c.socket.state()).isEqualTo("CLOSED");
            if (layer == FWPM_LAYER_OUTBOUND_TRANSPORT_V4) {
                assertThat(d.results).as("the last injection found no endpoint").last()
                        .isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
                assertThat(c.socket.error()).as("B never got the last ACK").isEqualTo("WSAETIMEDOUT");
            } else {
                assertThat(d.results).isNotEmpty().containsOnly(NtStatus.STATUS_SUCCESS);
                assertThat(c.socket.error()).isNull();
            }
        }
    }

    /** Installs the deferrer on a simulated host, in a sublayer of its own, for every packet at {@code layer}. */
    static void install(Deferrer d, io.jwfp.shim.sim.SimHost host, Layer layer) {
        UUID key = UUID.randomUUID();
        UUID sublayer = UUID.randomUUID();
        host.engine().calloutRegister(d.callout(key, layer));
        try (FwpmEngine e = host.bfe().openSession(FwpmSession.named("LO-3"))) {
            e.subLayerAdd(new FwpmSubLayer(sublayer, "deferrer", 0x4000));
            e.calloutAdd(new FwpmCallout(key, "deferrer", layer));
            e.filterAdd(FwpmFilter.builder().name("defer everything").layer(layer).subLayer(sublayer)
                    .calloutAction(ActionType.FWP_ACTION_CALLOUT_TERMINATING, key).build());
        }
    }
}

package io.jwfp.shim.sim.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.Layer;
import io.jwfp.packet.IpProtocol;
import io.jwfp.shim.sim.scenario.LayerOrder;
import io.jwfp.shim.sim.trace.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The path explain walks is the simulator's, and so Windows' documented TCP order. */
class FlowPathTest {
    static List<String> lines(List<FlowPath.Step> path) {
        return path.stream().map(s -> s.event() + " " + s.layer().shortName().replace("_V4", "").replace("_V6", "")).toList();
    }

    @Test
    void tcpPathsAreWindowsHandshakeOrder() {
        assertThat(lines(FlowPath.of(IpProtocol.TCP, false, true))).isEqualTo(LayerOrder.SEED_CLIENT);
        assertThat(lines(FlowPath.of(IpProtocol.TCP, false, false))).isEqualTo(LayerOrder.SEED_SERVER);
        assertThat(lines(FlowPath.of(IpProtocol.TCP, true, true))).isEqualTo(LayerOrder.SEED_CLIENT);
        assertThat(FlowPath.of(IpProtocol.TCP, true, false)).allMatch(s -> s.layer().ipVersion() == io.jwfp.engine.layer.IpVersion.V6);
    }

    @Test
    void udpPathIsTheFirstDatagramAndItsAnswerEachLayerOnce() {
        List<FlowPath.Step> out = FlowPath.of(IpProtocol.UDP, false, true);
        assertThat(lines(out)).containsExactly("bind ALE_BIND_REDIRECT", "bind ALE_RESOURCE_ASSIGNMENT",
                "datagram ALE_CONNECT_REDIRECT", "datagram ALE_AUTH_CONNECT", "established ALE_FLOW_ESTABLISHED",
                "datagram DATAGRAM_DATA", "datagram OUTBOUND_TRANSPORT", "datagram OUTBOUND_IPPACKET",
                "datagram INBOUND_IPPACKET", "datagram INBOUND_TRANSPORT", "datagram DATAGRAM_DATA");
        assertThat(out.stream().filter(FlowPath.Step::answer).map(s -> s.layer()))
                .containsExactly(Layer.FWPM_LAYER_INBOUND_IPPACKET_V4, Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4,
                        Layer.FWPM_LAYER_DATAGRAM_DATA_V4);
        List<FlowPath.Step> in = FlowPath.of(IpProtocol.UDP, false, false);
        assertThat(lines(in).subList(0, 7)).containsExactly("bind ALE_BIND_REDIRECT", "bind ALE_RESOURCE_ASSIGNMENT",
                "datagram INBOUND_IPPACKET", "datagram INBOUND_TRANSPORT", "datagram ALE_AUTH_RECV_ACCEPT",
                "established ALE_FLOW_ESTABLISHED", "datagram DATAGRAM_DATA");
        assertThat(in.getLast().direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(in.getLast().answer()).isTrue();
    }

    @Test
    void icmpPathIsTheEchoAndItsReply() {
        assertThat(lines(FlowPath.of(IpProtocol.ICMP, false, true))).containsExactly("bind ALE_RESOURCE_ASSIGNMENT",
                "echo-request ALE_AUTH_CONNECT", "established ALE_FLOW_ESTABLISHED", "echo-request DATAGRAM_DATA",
                "echo-request OUTBOUND_TRANSPORT", "echo-request OUTBOUND_IPPACKET", "echo-reply INBOUND_IPPACKET",
                "echo-reply INBOUND_TRANSPORT", "echo-reply DATAGRAM_DATA");
    }
}

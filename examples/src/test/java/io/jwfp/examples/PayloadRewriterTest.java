package io.jwfp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimNetwork;
import io.jwfp.shim.sim.TcpSocket;
import io.jwfp.shim.sim.trace.Classification;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The example: a callout modifies a TCP payload at INBOUND_TRANSPORT; later layers and the app see it. */
class PayloadRewriterTest {
    static String s(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void laterLayersAndTheApplicationSeeTheModifiedBytes() throws Exception {
        SimNetwork net = new SimNetwork(3);
        SimHost server = net.addHost("server");
        SimHost client = net.addHost("client");
        net.link(client.addInterface("eth0", "10.200.0.1/24"), server.addInterface("eth0", "10.200.0.2/24"));
        PayloadRewriter rewriter = PayloadRewriter.install(server.bfe(), "hello", "HELLO");

        // An inspection callout at the stream layer, above the transport layer, records what it is shown.
        List<String> streamSaw = new ArrayList<>();
        UUID key = UUID.randomUUID();
        server.engine().calloutRegister(new FwpsCallout(key, (in, meta, data, ctx, f, flow, out) -> {
            FwpsStreamCalloutIoPacket io = (FwpsStreamCalloutIoPacket) data;
            if (io.streamData.dataLength > 0) streamSaw.add(s(io.streamData.toByteArray()));
            out.actionType = ActionType.FWP_ACTION_CONTINUE;
        }));
        try (FwpmEngine e = server.bfe().openSession(FwpmSession.named("inspector"))) {
            e.calloutAdd(new FwpmCallout(key, "stream inspector", Layer.FWPM_LAYER_STREAM_V4));
            e.filterAdd(FwpmFilter.builder().name("inspect").layer(Layer.FWPM_LAYER_STREAM_V4)
                    .calloutAction(ActionType.FWP_ACTION_CALLOUT_INSPECTION, key).build());
        }

        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("10.200.0.2"), 80);
        TcpSocket listener = server.process(200, "/usr/sbin/server", 1000).tcpSocket(IpVersion.V4);
        listener.bind(to);
        listener.listen();
        TcpSocket c = client.process(100, "/usr/bin/client", 1000).tcpSocket(IpVersion.V4);
        c.connect(to);
        net.runUntilIdle();
        TcpSocket accepted = listener.accept();
        c.send("say hello, hello world".getBytes(StandardCharsets.US_ASCII));
        net.runUntilIdle();

        assertThat(s(accepted.recvAll())).isEqualTo("say HELLO, HELLO world");
        assertThat(streamSaw).containsExactly("say HELLO, HELLO world");
        assertThat(rewriter.rewritten.get()).isEqualTo(1);
        assertThat(rewriter.ownInjectionsSeen.get()).as("its injection came back once and was recognised").isEqualTo(1);
        // The trace: the original data segment absorbed, the injected one permitted, then the stream layer.
        List<Classification> data = net.trace().classifications("server").stream()
                .filter(x -> x.event().equals("data") && !x.isMacLayer()).toList();
        assertThat(data).extracting(x -> x.layer().shortName() + (x.absorbed() ? " absorbed" : "")
                        + (x.injected() ? " injected" : ""))
                .containsExactly("INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4 absorbed",
                        "INBOUND_TRANSPORT_V4 injected", "STREAM_V4");
        // The client's data was acknowledged: nothing was retransmitted.
        assertThat(net.trace().transmissions()).filteredOn(t -> t.event().equals("data")).hasSize(1);
    }
}

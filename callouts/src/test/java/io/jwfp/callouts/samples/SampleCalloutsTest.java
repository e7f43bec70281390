package io.jwfp.callouts.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.callouts.samples.inspect.InspectProvider;
import io.jwfp.callouts.samples.portblocker.PortBlocker;
import io.jwfp.callouts.samples.portblocker.PortBlockerProvider;
import io.jwfp.engine.callout.CalloutProvider;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The sample callouts' configuration and control checks (their traffic behaviour is in the scenarios module). */
class SampleCalloutsTest {
    @Test
    void theSamplesAreFoundByTheirIds() {
        List<String> ids = ServiceLoader.load(CalloutProvider.class).stream().map(p -> p.get().id()).toList();
        assertThat(ids).contains("port-blocker", "inspect");
    }

    @Test
    void badConfigNamesTheKey() {
        UUID k = UUID.randomUUID();
        assertThatThrownBy(() -> new PortBlockerProvider().create(k, Map.of("rules", List.of(80))))
                .hasMessageContaining("unknown key 'rules'").hasMessageContaining("add-rule port=N");
        InspectProvider inspect = new InspectProvider();
        assertThatThrownBy(() -> inspect.create(k, Map.of()))
                .hasMessage("inspect config: RemoteAddressToInspect: missing");
        assertThatThrownBy(() -> inspect.create(k, Map.of("RemoteAddressToInspect", "host.example")))
                .hasMessageContaining("RemoteAddressToInspect: 'host.example' is not an IPv4 or IPv6 address literal");
        assertThatThrownBy(() -> inspect.create(k, Map.of("RemoteAddressToInspect", "10.0.0.1", "BlockTraffic", 2)))
                .hasMessageContaining("BlockTraffic: 2 is out of range (expected 0-1)");
        assertThatThrownBy(() -> inspect.create(k, Map.of("RemoteAddressToInspect", "10.0.0.1", "InspectUdp", 1)))
                .hasMessageContaining("unknown key 'InspectUdp' (expected: BlockTraffic, RemoteAddressToInspect)");
    }

    @Test
    void portBlockerControlAndClassify() {
        FwpsCallout c = new PortBlockerProvider().create(UUID.randomUUID(), Map.of());
        assertThat(c.control().control("add-rule", Map.of("port", "0x50"))).asString().contains("remotePort=80");
        byte[] record = PortBlocker.Rule.record(53);
        assertThat(record).hasSize(PortBlocker.RULE_RECORD_SIZE);
        assertThat(record[2]).as("remote port, little-endian").isEqualTo((byte) 53);
        c.control().control("ioctl", Map.of("code", PortBlocker.IOCTL_WFP_SAMPLE_ADD_RULE,
                "input", HexFormat.of().formatHex(record) + "ffff"));
        assertThat(c.control().control("list-rules", Map.of())).asString().isEqualTo("[{remotePort=80}, {remotePort=53}]");
        assertThatThrownBy(() -> c.control().control("ioctl", Map.of("code", "0x0022E008", "input", "00")))
                .hasMessageContaining("STATUS_INVALID_DEVICE_REQUEST");
        assertThatThrownBy(() -> c.control().control("add-rule", Map.of("port", "http")))
                .hasMessageContaining("port: 'http' is not an integer");

        // A rule's port is blocked hard (the write right cleared, unlike upstream), others permitted.
        assertThat(classify(c, flowEstablished(53))).isEqualTo(ActionType.FWP_ACTION_BLOCK);
        assertThat(classify(c, flowEstablished(54))).isEqualTo(ActionType.FWP_ACTION_PERMIT);
    }

    @Test
    void inspectWithoutACalloutRuntimeDecidesAtOnce() {
        // jwfp explain classifies without a kernel: nothing can be pended or held, so the setting decides.
        Map<String, Object> cfg = Map.of("RemoteAddressToInspect", "10.200.0.2", "BlockTraffic", "1");
        FwpsCallout c = new InspectProvider().create(UUID.randomUUID(), cfg);
        Layer l = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
        FwpsIncomingValues in = new FwpsIncomingValues(l)
                .setUint32(l.fieldIndex(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS), 0x0AC80002);
        assertThat(classify(c, in)).isEqualTo(ActionType.FWP_ACTION_BLOCK);
        // Another peer (a filter broader than the sample's) is never the sample's business.
        FwpsIncomingValues other = new FwpsIncomingValues(l)
                .setUint32(l.fieldIndex(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS), 0x0AC80003);
        assertThat(classify(c, other)).isEqualTo(ActionType.FWP_ACTION_PERMIT);
        c.control().control("set", Map.of("BlockTraffic", "0"));
        assertThat(classify(c, in)).isEqualTo(ActionType.FWP_ACTION_PERMIT);
        assertThat(c.control().control("status", Map.of())).asString().contains("BlockTraffic=0");
        assertThatThrownBy(() -> c.control().control("set", Map.of())).hasMessageContaining("BlockTraffic=0|1");
    }

    private static FwpsIncomingValues flowEstablished(int remotePort) {
        Layer l = Layer.FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4;
        return new FwpsIncomingValues(l).setUint16(l.fieldIndex(Conditions.FWPM_CONDITION_IP_REMOTE_PORT), remotePort);
    }

    private static ActionType classify(FwpsCallout c, FwpsIncomingValues in) {
        var out = new io.jwfp.engine.callout.FwpsClassifyOut();
        out.reset(ActionType.FWP_ACTION_CONTINUE, true, 1);
        c.classifyFn().classify(in, new FwpsIncomingMetadataValues(), null, new io.jwfp.engine.callout.ClassifyContext(),
                new io.jwfp.engine.callout.FwpsFilter() {
                    public long filterId() { return 1; }
                    public long weight() { return 0; }
                    public int subLayerWeight() { return 0xFFFF; }
                    public int flags() { return 0; }
                    public ActionType actionType() { return ActionType.FWP_ACTION_CALLOUT_TERMINATING; }
                    public int calloutId() { return 1; }
                    public long context() { return 0; }
                    public FwpmFilter definition() { return null; }
                }, 0, out);
        if (out.actionType == ActionType.FWP_ACTION_BLOCK) assertThat(out.canWrite()).as("a hard block").isFalse();
        return out.actionType;
    }
}

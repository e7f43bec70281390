package io.jwfp.callouts.samples.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.engine.callout.ClassifyContext;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import java.lang.reflect.Proxy;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The driver's callout on its own, with a kernel that records injections: every list of a chain is rewritten (the
 * sample changes only the first net buffer), and the configuration is read as the sample's registry values.
 */
class ChainAndConfigTest {
    static Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("LocalRealAddress", "0.0.0.0");
        m.put("LocalFakeAddress", "0.0.0.0");
        m.put("RemoteRealAddress", "10.200.0.2");
        m.put("RemoteFakeAddress", "10.200.0.3");
        m.put("LocalRealPort", 0);
        m.put("LocalFakePort", 0);
        m.put("RemoteRealPort", 80);
        m.put("RemoteFakePort", 8080);
        m.put("LocalEthernetAddress", "00-00-00-00-00-00");
        m.put("RemoteEthernetAddress", "00-00-00-00-00-00");
        return m;
    }

    /** A kernel that hands out one handle, says nothing was injected, and records network send injections. */
    static FwpsKernel recordingKernel(List<NetBufferList> sent) {
        InjectionHandle h = new InjectionHandle(1, io.jwfp.engine.kernel.AddressFamily.AF_INET, 0);
        return (FwpsKernel) Proxy.newProxyInstance(FwpsKernel.class.getClassLoader(), new Class<?>[] {FwpsKernel.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "injectionHandleCreate" -> h;
                    case "queryPacketInjectionState" -> FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED;
                    case "allocateNetBufferListCopy" -> ((NetBufferList) args[0]).deepCopy();
                    case "injectNetworkSendAsync" -> {
                        sent.add((NetBufferList) args[4]);
                        yield NtStatus.STATUS_SUCCESS;
                    }
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static NetBufferList udp(String dst, int dport) {
        return NetBufferList.wrap(Packets.udpV4((Inet4Address) InetBits.toInet4(InetBits.v4("10.200.0.1")),
                (Inet4Address) InetBits.toInet4(InetBits.v4(dst)), 40000, dport, new byte[] {1, 2, 3}));
    }

    static ParsedPacket parse(NetBufferList n) {
        ParsedPacket p = new ParsedPacket();
        PacketParser.parseIp(n.segment(), n.dataOffset(), n.dataLength(), p, ChecksumPolicy.VERIFY);
        return p;
    }

    @Test
    void everyListOfAChainIsRewrittenAndInjected() {
        List<NetBufferList> sent = new ArrayList<>();
        FwpsKernel k = recordingKernel(sent);
        FwpsCallout c = new RedirectCallouts().create(UUID.randomUUID(), Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4, config(), k);
        NetBufferList first = udp("10.200.0.2", 80), second = udp("10.200.0.2", 80), other = udp("10.200.0.2", 53);
        first.setNext(second);
        second.setNext(other);
        ClassifyContext ctx = new ClassifyContext();
        ctx.bindKernel(k);
        FwpsClassifyOut out = new FwpsClassifyOut();
        c.classifyFn().classify(new FwpsIncomingValues(Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4),
                new FwpsIncomingMetadataValues(), first, ctx, null, 0, out);
        assertThat(out.actionType).isEqualTo(ActionType.FWP_ACTION_BLOCK);
        assertThat(out.flags & FwpsClassifyOut.FWPS_CLASSIFY_OUT_FLAG_ABSORB).isNotZero();
        assertThat(sent).hasSize(3);
        assertThat(sent).extracting(n -> InetBits.v4ToString(parse(n).dstV4())).containsOnly("10.200.0.3");
        assertThat(sent).extracting(n -> parse(n).dstPort()).containsExactly(8080, 8080, 53);
        assertThat(sent).allMatch(n -> !parse(n).has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)
                && !parse(n).has(ParsedPacket.BAD_IP_CHECKSUM));
        // The indicated lists themselves are never written to.
        assertThat(InetBits.v4ToString(parse(first).dstV4())).isEqualTo("10.200.0.2");
    }

    @Test
    void withoutAKernelTheCalloutLetsPacketsPass() {
        FwpsCallout c = new RedirectCallouts().create(UUID.randomUUID(), Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4, config(), null);
        FwpsClassifyOut out = new FwpsClassifyOut();
        c.classifyFn().classify(new FwpsIncomingValues(Layer.FWPM_LAYER_OUTBOUND_IPPACKET_V4),
                new FwpsIncomingMetadataValues(), udp("10.200.0.2", 80), new ClassifyContext(), null, 0, out);
        assertThat(out.actionType).isEqualTo(ActionType.FWP_ACTION_PERMIT);
    }

    @Test
    void everyKeyIsMandatoryAndTheLayerMustBeOneTheDriverUses() {
        for (String key : RedirectConfig.KEYS) {
            Map<String, Object> m = config();
            m.remove(key);
            assertThatThrownBy(() -> RedirectConfig.parse(m)).hasMessageStartingWith(key + ": missing");
        }
        assertThatThrownBy(() -> new RedirectCallouts().create(UUID.randomUUID(), Layer.FWPM_LAYER_INBOUND_TRANSPORT_V4,
                config(), null)).hasMessageContaining("not at FWPM_LAYER_INBOUND_TRANSPORT_V4");
        Map<String, Object> typo = config();
        typo.put("RemoteFakePrt", 1);
        assertThatThrownBy(() -> RedirectConfig.parse(typo)).hasMessageStartingWith("RemoteFakePrt: unknown key");
        RedirectConfig r = RedirectConfig.parse(config());
        assertThat(r.remoteRealPort()).isEqualTo(80);
        assertThat(r.rewritesLocalAddress()).isFalse();
    }
}

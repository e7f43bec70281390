package io.jwfp.shim.nfqueue.live;

import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.layer.Layer;
import io.jwfp.shim.nfqueue.live.QueueDemand.Hook;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules jwfp computes from the layers that hold filters, as text: no root needed. */
class RulePlanTest {
    static final RulePlan.Target OPEN = new RulePlan.Target(2100, 1, true);

    static Map<Hook, QueueDemand> demand(boolean v6, Layer... withFilters) {
        Set<Layer> s = Set.of(withFilters);
        return RulePlan.demand(v6, s::contains);
    }

    @Test
    void eachLayerQueuesOnlyWhatItNeedsAtItsHooks() {
        assertThat(QueueDemand.of(Hook.OUTPUT, false, l -> false).any()).isFalse();
        var onlyConnect = demand(false, FWPM_LAYER_ALE_AUTH_CONNECT_V4);
        assertThat(onlyConnect.get(Hook.OUTPUT)).isEqualTo(new QueueDemand(false, false, false, true, true, false, false));
        assertThat(onlyConnect.get(Hook.INPUT)).as("replies of outbound flows come back for reauthorization")
                .isEqualTo(new QueueDemand(false, false, false, false, false, true, false));
        assertThat(onlyConnect.get(Hook.FORWARD).any()).isFalse();
        assertThat(onlyConnect.get(Hook.OUTPUT).aleOnly()).isTrue();

        var established = demand(false, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4);
        assertThat(established.get(Hook.INPUT).tcpEstablishedOnce()).isTrue();
        assertThat(established.get(Hook.OUTPUT).newFlows()).isTrue();
        assertThat(established.get(Hook.OUTPUT).reauthOriginal()).isFalse();

        assertThat(demand(false, FWPM_LAYER_DATAGRAM_DATA_V4).get(Hook.INPUT).udp()).isTrue();
        assertThat(demand(false, FWPM_LAYER_INBOUND_ICMP_ERROR_V4).get(Hook.INPUT).icmp()).isTrue();
        assertThat(demand(false, FWPM_LAYER_INBOUND_ICMP_ERROR_V4).get(Hook.OUTPUT).any()).isFalse();
        assertThat(demand(false, FWPM_LAYER_OUTBOUND_TRANSPORT_V4).get(Hook.OUTPUT).all()).isTrue();
        assertThat(demand(false, FWPM_LAYER_IPFORWARD_V4).get(Hook.FORWARD).all()).isTrue();
        // The families are wired apart: a V6 layer costs the IPv4 hooks nothing.
        assertThat(demand(false, FWPM_LAYER_OUTBOUND_IPPACKET_V6).get(Hook.OUTPUT).any()).isFalse();
        assertThat(demand(true, FWPM_LAYER_OUTBOUND_IPPACKET_V6).get(Hook.OUTPUT).all()).isTrue();
        // Layers with no packet on Linux never cause a rule.
        assertThat(demand(false, FWPM_LAYER_ALE_AUTH_LISTEN_V4, FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4,
                FWPM_LAYER_STREAM_V4, FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET).values()).allMatch(d -> !d.any());
    }

    @Test
    void anAleOnlyPolicyQueuesNewFlowsAndStaleGenerationsOnly() {
        var s = RulePlan.script("security", false, demand(false, FWPM_LAYER_ALE_AUTH_CONNECT_V4), 9, OPEN,
                EnumSet.noneOf(Hook.class));
        assertThat(s.text()).startsWith("*security\n").endsWith("COMMIT\n")
                .contains("-A JWFP-OUTPUT -m mark --mark 0x80000000/0x80000000 -j RETURN")
                .contains("-A JWFP-OUTPUT -m mark --mark 0x40000000/0x40000000 -g JWFP-DECIDED")
                .contains("-A JWFP-OUTPUT -m conntrack --ctstate NEW,RELATED -j JWFP-QUEUE")
                .contains("-A JWFP-OUTPUT -m conntrack --ctstate ESTABLISHED --ctdir ORIGINAL -m connmark ! --mark "
                        + Marks.hex(Marks.gen(9)) + "/0x3f80000 -j JWFP-QUEUE")
                .contains("-A JWFP-INPUT -m conntrack --ctstate ESTABLISHED --ctdir REPLY -m connmark ! --mark ")
                .contains("-A JWFP-QUEUE -j NFQUEUE --queue-num 2100 --queue-bypass")
                .contains("-A JWFP-DECIDED -j CONNMARK --save-mark --nfmask 0x7f80000 --ctmask 0x7f80000")
                .contains("-I OUTPUT 1 -m comment --comment jwfp -j JWFP-OUTPUT")
                .contains("-I INPUT 1 -m comment --comment jwfp -j JWFP-INPUT")
                .doesNotContain("-I FORWARD")
                .doesNotContain("-A JWFP-OUTPUT -j JWFP-QUEUE");
        assertThat(s.jumps()).containsExactlyInAnyOrder(Hook.OUTPUT, Hook.INPUT);
    }

    @Test
    void aPacketLayerQueuesEveryPacketAndJumpsAreAddedAndRemovedAsDemandChanges() {
        var all = RulePlan.script("security", false, demand(false, FWPM_LAYER_OUTBOUND_IPPACKET_V4), 1,
                new RulePlan.Target(10, 4, false), EnumSet.of(Hook.OUTPUT, Hook.FORWARD));
        assertThat(all.text()).contains("-A JWFP-OUTPUT -j JWFP-QUEUE")
                .contains("-j NFQUEUE --queue-balance 10:13\n").doesNotContain("--queue-bypass")
                .doesNotContain("-I OUTPUT") // already installed: the chain is refilled, the jump stays
                .contains("-D FORWARD -m comment --comment jwfp -j JWFP-FORWARD");
        assertThat(all.jumps()).containsExactly(Hook.OUTPUT);

        var nothing = RulePlan.script("security", false, demand(false), 1, OPEN, EnumSet.of(Hook.OUTPUT));
        assertThat(nothing.text()).contains("-D OUTPUT -m comment --comment jwfp -j JWFP-OUTPUT")
                .doesNotContain("-A JWFP-OUTPUT").doesNotContain("-A JWFP-INPUT").doesNotContain("-A JWFP-FORWARD");
        assertThat(nothing.jumps()).isEmpty();
    }

    @Test
    void leftoversAreFoundByCommentAndChainName() {
        String listing = """
                -P INPUT ACCEPT
                -P OUTPUT ACCEPT
                -N JWFP-OUTPUT
                -N JWFP-QUEUE
                -N USER-CHAIN
                -A OUTPUT -m comment --comment jwfp -j JWFP-OUTPUT
                -A OUTPUT -m comment --comment "someone else" -j USER-CHAIN
                -A JWFP-OUTPUT -m conntrack --ctstate NEW,RELATED -j JWFP-QUEUE
                -A JWFP-QUEUE -j NFQUEUE --queue-num 2100 --queue-bypass
                """;
        String script = RulePlan.removal("security", listing);
        assertThat(script).isEqualTo("""
                *security
                -D OUTPUT -m comment --comment jwfp -j JWFP-OUTPUT
                -F JWFP-OUTPUT
                -F JWFP-QUEUE
                -X JWFP-OUTPUT
                -X JWFP-QUEUE
                COMMIT
                """);
        assertThat(RulePlan.removal("security", "-P INPUT ACCEPT\n-N USER-CHAIN\n")).isEmpty();
    }

    @Test
    void theMarkLayoutKeepsOtherUsersBits() {
        assertThat(Marks.MASK).isEqualTo(0xFFF8_0000);
        assertThat(Marks.PERSIST & ~Marks.MASK).isZero();
        assertThat(Marks.genOf(Marks.gen(127) | 0x1234)).isEqualTo(127);
        assertThat(Marks.nextGen(127)).isEqualTo(1);
        assertThat(Integer.bitCount(Marks.MASK)).isEqualTo(13);
    }

    @Test
    void conntrackAttributesMapOntoTheSameMarkBitsTheRulesSet() {
        assertThat(PacketPipeline.ctBits(io.jwfp.shim.nfqueue.NfPacket.CT_NEW)).isEqualTo(Marks.CT_NEW);
        assertThat(PacketPipeline.ctBits(io.jwfp.shim.nfqueue.NfPacket.CT_RELATED_REPLY)).isEqualTo(Marks.CT_NEW | Marks.CT_REPLY);
        assertThat(PacketPipeline.ctBits(io.jwfp.shim.nfqueue.NfPacket.CT_ESTABLISHED)).isEqualTo(Marks.CT_EST);
        assertThat(PacketPipeline.ctBits(io.jwfp.shim.nfqueue.NfPacket.CT_ESTABLISHED_REPLY)).isEqualTo(Marks.CT_EST | Marks.CT_REPLY);
        assertThat(PacketPipeline.ctBits(-1)).isZero();
    }
}

package io.jwfp.shim.nfqueue.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.model.ActionType;
import io.jwfp.shim.nfqueue.Conntrack;
import io.jwfp.shim.nfqueue.NfqMessages;
import io.jwfp.shim.nfqueue.TestMessages;
import io.jwfp.shim.nfqueue.natives.Constants;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FlowTableTest {
    @Test
    void flowsAreFoundByTupleAndSurviveTheRemovalOfTheirNeighbours() {
        FlowTable t = new FlowTable(new FilterEngine());
        List<Flow> made = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            made.add(t.create(t.newHandle(), false, 6, 0, 0x0AC80001L, 10000 + i, 0, 0x0AC80002L, 80, false));
        }
        for (int i = 0; i < 5000; i += 2) t.end(made.get(i));
        assertThat(t.size()).isEqualTo(2500);
        for (int i = 0; i < 5000; i++) {
            Flow f = t.find(false, 6, 0, 0x0AC80001L, 10000 + i, 0, 0x0AC80002L, 80);
            assertThat(f).isSameAs(i % 2 == 0 ? null : made.get(i));
        }
        assertThat(t.byHandle(made.get(1).handle())).isSameAs(made.get(1));
        assertThat(t.find(true, 6, 0, 0x0AC80001L, 10001, 0, 0x0AC80002L, 80)).as("the family is part of the key").isNull();
    }

    @Test
    void aConntrackDestroyEventEndsTheFlowAndReleasesItsContexts() {
        FilterEngine engine = new FilterEngine();
        List<Long> released = new ArrayList<>();
        int calloutId = engine.calloutRegister(new FwpsCallout(UUID.randomUUID(), 0,
                (in, meta, data, ctx, f, flow, out) -> out.actionType = ActionType.FWP_ACTION_PERMIT, null,
                (layer, callout, context) -> released.add(context)));
        FlowTable t = new FlowTable(engine);
        Flow out = t.create(t.newHandle(), false, 17, 0, 0x0AC80001L, 5000, 0, 0x0AC80002L, 53, false);
        Flow server = t.create(t.newHandle(), false, 17, 0, 0x0AC80001L, 7000, 0, 0x0AC80002L, 6000, true);
        engine.flowContexts().associate(out.handle(), 48, calloutId, 11);
        engine.flowContexts().associate(server.handle(), 44, calloutId, 22);

        // The DESTROY message ctnetlink sends for 10.200.0.1:5000 -> 10.200.0.2:53/udp (original direction).
        byte[] msg = new TestMessages().begin(Constants.CT_TYPE_DELETE, 2, 0)
                .nest(Constants.CTA_TUPLE_ORIG)
                    .nest(Constants.CTA_TUPLE_IP)
                        .be32(Constants.CTA_IP_V4_SRC, 0x0AC80001).be32(Constants.CTA_IP_V4_DST, 0x0AC80002).end()
                    .nest(Constants.CTA_TUPLE_PROTO)
                        .u8(Constants.CTA_PROTO_NUM, 17).be16(Constants.CTA_PROTO_SRC_PORT, 5000)
                        .be16(Constants.CTA_PROTO_DST_PORT, 53).end()
                .end().finish().bytes();
        Conntrack ct = new Conntrack();
        Arena arena = Arena.ofAuto();
        assertThat(NfqMessages.parseConntrackEvent(TestMessages.native_(arena, msg), 0, msg.length, ct)).isTrue();
        t.conntrackDestroyed(ct);
        assertThat(released).containsExactly(11L);
        assertThat(t.find(false, 17, 0, 0x0AC80001L, 5000, 0, 0x0AC80002L, 53)).isNull();
        assertThat(t.size()).isEqualTo(1);

        // An inbound flow is found from the other end of the tuple: 10.200.0.2:6000 -> 10.200.0.1:7000.
        byte[] in = new TestMessages().begin(Constants.CT_TYPE_DELETE, 2, 0)
                .nest(Constants.CTA_TUPLE_ORIG)
                    .nest(Constants.CTA_TUPLE_IP)
                        .be32(Constants.CTA_IP_V4_SRC, 0x0AC80002).be32(Constants.CTA_IP_V4_DST, 0x0AC80001).end()
                    .nest(Constants.CTA_TUPLE_PROTO)
                        .u8(Constants.CTA_PROTO_NUM, 17).be16(Constants.CTA_PROTO_SRC_PORT, 6000)
                        .be16(Constants.CTA_PROTO_DST_PORT, 7000).end()
                .end().finish().bytes();
        assertThat(NfqMessages.parseConntrackEvent(TestMessages.native_(arena, in), 0, in.length, ct)).isTrue();
        t.conntrackDestroyed(ct);
        assertThat(released).containsExactly(11L, 22L);
        assertThat(t.size()).isZero();
        assertThat(t.ended()).isEqualTo(2);
    }

    @Test
    void idleFlowsEndAfterTheirLifetime() {
        FlowTable t = new FlowTable(new FilterEngine());
        Flow udp = t.create(t.newHandle(), false, 17, 0, 1, 1, 0, 2, 2, false);
        Flow tcp = t.create(t.newHandle(), false, 6, 0, 1, 1, 0, 2, 2, false);
        long now = System.nanoTime();
        udp.lastSeenNanos = now - 2_000;
        tcp.lastSeenNanos = now - 2_000;
        assertThat(t.sweep(now, 1_000, 10_000)).isEqualTo(1);
        assertThat(t.byHandle(tcp.handle())).isSameAs(tcp);
        assertThat(t.byHandle(udp.handle())).isNull();
    }
}

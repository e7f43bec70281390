package io.jwfp.engine.arbitration;

import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_APP_ID;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_FLAGS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_LOCAL_PORT;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_PROTOCOL;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS;
import static io.jwfp.engine.layer.Conditions.FWPM_CONDITION_IP_REMOTE_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.testing.TestPolicy;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.MatchType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Classification allocates nothing: 10,000 classifications at a layer with about 1,000 filters (prefixes, port
 * ranges, protocols, app ids, flags, a user-id security descriptor, NOT_EQUAL; static and callout actions in three
 * sublayers, a reading callout, a flow-conditional callout with a flow context) leave the thread's allocated-bytes
 * counter where it was. Per-filter hit counting is part of every classification measured.
 */
class ZeroAllocationTest {
    static final Layer LAYER = Layer.FWPM_LAYER_ALE_AUTH_CONNECT_V4;
    static final String[] APPS = {"/usr/bin/curl", "/usr/bin/wget", "/opt/google/chrome/chrome", "/usr/sbin/sshd",
            "/usr/bin/ssh", "/usr/lib/firefox/firefox", "/usr/bin/git", "/usr/bin/apt"};

    /** What the reading callout saw, so the JIT cannot drop its work. */
    static long checksum;

    @Test
    void classify_allocates_nothing() {
        Random rnd = new Random(7);
        TestPolicy p = new TestPolicy(LAYER);
        UUID ids = p.sublayer("ids", 0xF000);
        UUID fw = p.sublayer("firewall", 0x8000);
        UUID low = p.sublayer("defaults", 0x0100);

        UUID reader = p.callout("reader", 0, (in, meta, data, ctx, filter, flowContext, out) -> {
            // Reads only: the remote port and the filter id; leaves the classify-out alone (CONTINUE).
            checksum += in.keyLo(LAYER.fieldIndex(FWPM_CONDITION_IP_REMOTE_PORT)) + filter.filterId() + flowContext;
            out.actionType = ActionType.FWP_ACTION_CONTINUE;
        });
        UUID perFlow = p.callout("per-flow", FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW,
                (in, meta, data, ctx, filter, flowContext, out) -> checksum += flowContext);
        p.filter("ids: look at everything").in(ids).callout(ActionType.FWP_ACTION_CALLOUT_INSPECTION, reader);
        p.filter("ids: per flow").in(ids).callout(ActionType.FWP_ACTION_CALLOUT_UNKNOWN, perFlow);

        for (int i = 0; i < 1000; i++) {
            TestPolicy.FilterSpec f = p.filter("rule " + i).in(fw).weight(rnd.nextLong());
            int shape = rnd.nextInt(10); // 0-6 address (+port), 7-8 port range, 9 app + port range
            if (shape < 7) {
                int len = 8 + rnd.nextInt(25);
                f.when(FWPM_CONDITION_IP_REMOTE_ADDRESS, MatchType.FWP_MATCH_EQUAL,
                        new FwpValue.V4AddrMask(rnd.nextInt(), FwpValue.V4AddrMask.maskOf(len)));
            }
            if (shape >= 5 || rnd.nextInt(3) == 0) {
                int lo = rnd.nextInt(65000);
                f.when(FWPM_CONDITION_IP_REMOTE_PORT, MatchType.FWP_MATCH_RANGE,
                        new FwpValue.Range(FwpValue.uint16(lo), FwpValue.uint16(lo + rnd.nextInt(20))));
            }
            if (rnd.nextBoolean()) f.when(FWPM_CONDITION_IP_PROTOCOL, rnd.nextBoolean() ? "tcp" : "udp");
            if (shape == 9) f.when(FWPM_CONDITION_ALE_APP_ID, APPS[rnd.nextInt(APPS.length)]);
            if (rnd.nextInt(20) == 0) f.when(FWPM_CONDITION_FLAGS, MatchType.FWP_MATCH_FLAGS_NONE_SET, "FWP_CONDITION_FLAG_IS_LOOPBACK");
            if (rnd.nextInt(20) == 0) f.when(FWPM_CONDITION_IP_LOCAL_PORT, MatchType.FWP_MATCH_NOT_EQUAL, "25");
            if (rnd.nextInt(30) == 0) f.when(io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_USER_ID, "O:LSD:(A;;CC;;;S-1-22-1-1000)");
            int action = rnd.nextInt(20);
            if (action == 0) f.callout(ActionType.FWP_ACTION_CALLOUT_INSPECTION, reader);
            else if (action == 1) f.flags(FilterFlags.FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT).permit();
            else if (action < 11) f.permit();
            else f.block();
        }
        p.filter("default block for udp").in(low).when(FWPM_CONDITION_IP_PROTOCOL, "udp").block();
        p.publish();
        FilterEngine engine = p.engine();
        assertThat(engine.state().filterCount()).isGreaterThan(1000);
        engine.flowContexts().associate(5, LAYER.layerId(), engine.callouts().calloutId(perFlow), 0xF10);

        // 64 packets: about half aimed at a filter's address (hits), the rest random (mostly misses).
        FwpToken user = new FwpToken(1000, new int[] {1000}, "alice");
        List<FwpsIncomingValues> packets = new ArrayList<>();
        List<FwpsIncomingMetadataValues> metas = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            FwpsIncomingValues in = new FwpsIncomingValues(LAYER);
            int addr = rnd.nextInt();
            if (i % 2 == 0) {
                var cond = p.filters().get(4 + rnd.nextInt(1000)).filterCondition();
                for (var c : cond) if (c.conditionValue() instanceof FwpValue.V4AddrMask m) addr = m.addr();
            }
            in.set(FWPM_CONDITION_IP_REMOTE_ADDRESS, FwpValue.uint32(addr & 0xFFFF_FFFFL));
            in.set(FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(rnd.nextInt(65536)));
            in.set(FWPM_CONDITION_IP_LOCAL_PORT, FwpValue.uint16(32768 + rnd.nextInt(28000)));
            in.set(FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(rnd.nextBoolean() ? 6 : 17));
            in.set(FWPM_CONDITION_ALE_APP_ID, AppIds.of(APPS[rnd.nextInt(APPS.length)]));
            in.set(FWPM_CONDITION_FLAGS, FwpValue.uint32(i % 5 == 0 ? ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK : 0));
            in.set(io.jwfp.engine.layer.Conditions.FWPM_CONDITION_ALE_USER_ID, new FwpValue.Token(user));
            packets.add(in);
            FwpsIncomingMetadataValues meta = new FwpsIncomingMetadataValues();
            if (i % 3 == 0) meta.setFlowHandle(5);
            else if (i % 3 == 1) meta.setFlowHandle(6);
            metas.add(meta);
        }
        ClassifyResult out = new ClassifyResult();
        int[] verdicts = new int[3];
        for (int i = 0; i < 30_000; i++) run(engine, packets, metas, out, i, verdicts); // warm-up (JIT)

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long empty0 = threads.getCurrentThreadAllocatedBytes();
        long empty1 = threads.getCurrentThreadAllocatedBytes();
        // Measure several windows of 10,000 classifications. In a JVM shared with other tests, a window now and then
        // shows a few dozen bytes from JIT compilation or deoptimization (they appear with -XX:-DoEscapeAnalysis too
        // and never recur). A real per-classification allocation costs at least 16 bytes x 10,000 = 160,000 bytes in
        // every window, so: some window must be exactly 0, and none may reach 0.1 byte per classification.
        long min = Long.MAX_VALUE, max = 0;
        for (int w = 0; w < 8; w++) {
            long b0 = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) run(engine, packets, metas, out, i, verdicts);
            long d = threads.getCurrentThreadAllocatedBytes() - b0;
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(empty1 - empty0).as("the counter itself allocates nothing").isZero();
        assertThat(min).as("bytes allocated by the cleanest window of 10,000 classifications").isZero();
        assertThat(max).as("bytes allocated by the worst window of 10,000 classifications").isLessThan(1_000);
        // The workload is real: hits and misses, callouts invoked.
        assertThat(verdicts[0]).as("blocked").isPositive();
        assertThat(verdicts[1]).as("permitted by a filter").isPositive();
        assertThat(verdicts[2]).as("layer default").isPositive();
        assertThat(checksum).isNotZero();
        // Hit counting is part of what was measured: every decided classification was counted.
        long decided = engine.hits().values().stream().mapToLong(io.jwfp.engine.state.FilterHits.Counts::decided).sum();
        assertThat(decided).isEqualTo(verdicts[0] + verdicts[1]);
    }

    private static void run(FilterEngine engine, List<FwpsIncomingValues> packets, List<FwpsIncomingMetadataValues> metas,
                            ClassifyResult out, int i, int[] verdicts) {
        int k = i & 63;
        engine.classify(packets.get(k), metas.get(k), null, out);
        verdicts[out.isBlock() ? 0 : out.filterId() != 0 ? 1 : 2]++;
    }
}

package io.jwfp.shim.sim;

import static io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket.*;
import static io.jwfp.engine.kernel.FwpsStreamData.*;
import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.shim.sim.trace.Classification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Flow control between the stream layer and TCP: data a callout defers stays in the receiver's stream layer and
 * closes the sender's window (zero-window probes keep the connection alive); FwpsStreamContinue0 opens it again.
 * Also the counters tests read like {@code ss -ti}, the work-item queue, and a trace that stops recording.
 */
class FlowControlTest {
    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void deferredStreamClosesTheWindowAndContinueOpensIt() {
        TestNet t = new TestNet(IpVersion.V4);
        long[] flow = {0};
        int[] callout = {0};
        boolean[] deferNext = {true};
        TestNet.callout(t.server, FWPM_LAYER_STREAM_V4, (in, meta, data, ctx, f, fc, out) -> {
            FwpsStreamCalloutIoPacket io = (FwpsStreamCalloutIoPacket) data;
            if (io.streamData.hasFlag(FWPS_STREAM_FLAG_RECEIVE) && deferNext[0] && io.streamData.dataLength > 0) {
                flow[0] = meta.flowHandle;
                callout[0] = ctx.calloutId();
                io.streamAction = FWPS_STREAM_ACTION_DEFER;
                return;
            }
            io.countBytesEnforced = io.streamData.dataLength;
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        byte[] data = random(300_000, 1);
        p[0].send(data);
        t.net.runFor(Duration.ofSeconds(20));
        // The receiver held one window's worth and advertised zero; the sender probes instead of sending more.
        assertThat(p[1].available()).isZero();
        assertThat(p[1].advertisedWindow()).isZero();
        assertThat(p[0].windowProbes()).isPositive();
        assertThat(t.server.tcpConnections.values().iterator().next().in.heldBytes())
                .isBetween((long) TcpConnection.WINDOW, (long) TcpConnection.WINDOW + 64);
        assertThat(p[0].segmentsRetransmitted()).isZero();
        deferNext[0] = false;
        assertThat(t.server.kernel().streamContinue(flow[0], callout[0], FWPM_LAYER_STREAM_V4.layerId(),
                FWPS_STREAM_FLAG_RECEIVE)).isEqualTo(NtStatus.STATUS_SUCCESS);
        t.net.runUntilIdle();
        assertThat(p[1].recvAll()).isEqualTo(data);
        assertThat(p[1].advertisedWindow()).isEqualTo(TcpConnection.WINDOW);
        List<Classification> stream = t.at(t.server, FWPM_LAYER_STREAM_V4);
        assertThat(stream).anyMatch(c -> c.summary().endsWith(" DEFER"));
        assertThat(stream).anyMatch(c -> c.summary().contains("(continued)"));
    }

    @Test
    void retransmissionsAreCountedAndLargeTransfersArriveWhole() {
        TestNet t = new TestNet(IpVersion.V6, LinkOptions.DEFAULT.withLoss(0.02), 3);
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        byte[] data = random(2_000_000, 2);
        t.net.trace().clear();
        t.net.trace().setRecording(false);
        p[0].send(data);
        p[0].shutdownOutput();
        t.net.runUntilIdle();
        assertThat(Arrays.equals(p[1].recvAll(), data)).isTrue();
        assertThat(p[1].isEof()).isTrue();
        assertThat(p[0].segmentsSent()).isGreaterThan(2_000_000 / 1500);
        assertThat(p[0].segmentsRetransmitted()).isPositive().isLessThan(p[0].segmentsSent());
        assertThat(t.net.trace().entries()).isEmpty();
    }

    @Test
    void workItemsRunAsEventsAfterTheConfiguredDelay() {
        TestNet t = new TestNet(IpVersion.V4);
        List<String> ran = new ArrayList<>();
        t.server.setWorkItemDelay(Duration.ofMillis(5));
        t.server.kernel().queueWorkItem(() -> ran.add("a@" + t.net.clock().now().toMillis()));
        t.server.kernel().queueWorkItem(() -> ran.add("b@" + t.net.clock().now().toMillis()));
        assertThat(ran).isEmpty();
        t.net.runUntilIdle();
        assertThat(ran).containsExactly("a@5", "b@5");
    }

    @Test
    void byteQueueAppendsDropsAndCopies() {
        TcpConnection.ByteQueue q = new TcpConnection.ByteQueue();
        byte[] all = random(50_000, 3);
        int in = 0, out = 0;
        Random r = new Random(4);
        while (out < all.length) {
            if (in < all.length && r.nextBoolean()) {
                int n = Math.min(all.length - in, r.nextInt(3000));
                q.append(Arrays.copyOfRange(all, in, in + n));
                in += n;
            } else if (q.length() > 0) {
                int n = r.nextInt(q.length()) + 1;
                assertThat(q.copy(0, n)).isEqualTo(Arrays.copyOfRange(all, out, out + n));
                q.drop(n);
                out += n;
            }
            assertThat(q.length()).isEqualTo(in - out);
        }
    }
}

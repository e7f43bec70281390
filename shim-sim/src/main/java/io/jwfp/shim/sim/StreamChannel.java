package io.jwfp.shim.sim;

import static io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket.*;
import static io.jwfp.engine.kernel.FwpsStreamData.*;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.kernel.FwpsStreamData;
import io.jwfp.engine.layer.Layer;
import io.jwfp.packet.NetBufferList;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One direction of a TCP connection's stream layer (wfp-semantics §5.11): data waits here until the classification
 * at FWPM_LAYER_STREAM_V4/V6 decides on it — permitted bytes go on (to the socket inbound, to TCP outbound), blocked
 * bytes are dropped, NEED_MORE_DATA holds them until enough arrived, DEFER (inbound) holds everything until
 * FwpsStreamContinue0, ALLOW_CONNECTION stops classifying. Data a callout injects travels in its own band, offered
 * only to sublayers of lower weight than the injector's.
 */
final class StreamChannel {
    private static final class Band {
        final int below;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean fin;
        long required;

        Band(int below) {
            this.below = below;
        }
    }

    private final TcpConnection conn;
    private final boolean inbound;
    private final Map<Integer, Band> bands = new TreeMap<>();
    boolean deferred;
    /** The next indication is the first after FwpsStreamContinue0 (the trace says so). */
    private boolean continued;
    private boolean allowAll;

    StreamChannel(TcpConnection conn, boolean inbound) {
        this.conn = conn;
        this.inbound = inbound;
    }

    /** Stream data from TCP (inbound) or the application (outbound); {@code fin} marks the end of the direction. */
    void offer(byte[] data, boolean fin) {
        offer(FilterEngine.ALL_SUBLAYERS, data, fin);
    }

    /** Data injected by a callout whose sublayer has weight {@code below}. */
    void offer(int below, byte[] data, boolean fin) {
        Band b = bands.computeIfAbsent(below, Band::new);
        b.buf.writeBytes(data);
        b.fin |= fin;
        process(b);
    }

    /** FwpsStreamContinue0: indicates what was held; inbound, the receive window opens again. */
    void resume() {
        if (!deferred) return;
        deferred = false;
        continued = true;
        for (Band b : bands.values().toArray(new Band[0])) process(b);
        if (inbound) conn.windowMaybeOpened();
    }

    /** Bytes waiting here for a decision (deferred, or held for NEED_MORE_DATA). */
    long heldBytes() {
        long n = 0;
        for (Band b : bands.values()) n += b.buf.size();
        return n;
    }

    /** True while the stream is deferred (FWPS_STREAM_ACTION_DEFER until FwpsStreamContinue0). */
    boolean isDeferred() {
        return deferred;
    }

    private void process(Band b) {
        while (true) {
            if (deferred || conn.isDead()) return;
            int len = b.buf.size();
            if (len == 0 && !b.fin) return;
            byte[] data = b.buf.toByteArray();
            if (allowAll) {
                b.buf.reset();
                if (len > 0) deliver(data);
                if (b.fin) {
                    b.fin = false;
                    deliverFin();
                }
                return;
            }
            if (b.required > 0 && len < b.required && !b.fin) return;
            b.required = 0;
            int flags = (inbound ? FWPS_STREAM_FLAG_RECEIVE : FWPS_STREAM_FLAG_SEND)
                    | (b.fin ? (inbound ? FWPS_STREAM_FLAG_RECEIVE_DISCONNECT : FWPS_STREAM_FLAG_SEND_DISCONNECT) : 0);
            FwpsStreamData sd = new FwpsStreamData(flags, len == 0 ? null : NetBufferList.wrap(data.clone()), len);
            FwpsStreamCalloutIoPacket io = new FwpsStreamCalloutIoPacket(sd);
            Layer layer = LayerPath.v(Layer.FWPM_LAYER_STREAM_V4, conn.version());
            Facts facts = conn.streamFacts(inbound, b.fin, len);
            if (continued) facts.summary += " (continued)";
            continued = false;
            Indication ind = conn.host.path().classify(layer, facts, null, io, b.below);
            long[] answer = answer(ind);
            int action = answer == null ? FWPS_STREAM_ACTION_NONE : (int) answer[0];
            if (action == FWPS_STREAM_ACTION_NEED_MORE_DATA && !b.fin) {
                b.required = len + Math.max(1, answer[2]);
                return;
            }
            if (action == FWPS_STREAM_ACTION_DEFER && inbound) {
                deferred = true;
                return;
            }
            if (action == FWPS_STREAM_ACTION_ALLOW_CONNECTION) {
                allowAll = true;
                continue;
            }
            if (action == FWPS_STREAM_ACTION_DROP_CONNECTION) {
                b.buf.reset();
                conn.abort("WSAECONNRESET", true);
                return;
            }
            boolean decidedByAnswer = action == FWPS_STREAM_ACTION_NONE && answer != null;
            long n = decidedByAnswer ? answer[1] : len;
            if (n <= 0 || n > len) n = len;
            boolean permit = ind.permitted() || action != FWPS_STREAM_ACTION_NONE;
            b.buf.reset();
            b.buf.write(data, (int) n, len - (int) n);
            if (permit && n > 0) deliver(Arrays.copyOf(data, (int) n));
            if (n == len && b.fin) {
                b.fin = false;
                if (permit) deliverFin();
            }
            if (b.buf.size() == 0 && !b.fin) return;
        }
    }

    /** The deciding callout's answer; else the first callout's that asked for a stream action. */
    static long[] answer(Indication ind) {
        long[] a = ind.streamAnswers.get(ind.result.filterId());
        if (a != null && ind.result.filterId() != 0) return a;
        for (long[] x : ind.streamAnswers.values()) if (x[0] != FWPS_STREAM_ACTION_NONE) return x;
        return null;
    }

    private void deliver(byte[] data) {
        if (inbound) conn.socket.received(data);
        else conn.appendSend(data);
    }

    private void deliverFin() {
        if (inbound) conn.socket.receivedFin();
        else conn.queueFin();
    }
}

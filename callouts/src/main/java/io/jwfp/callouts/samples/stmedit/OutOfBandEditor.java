package io.jwfp.callouts.samples.stmedit;

import static io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket.*;
import static io.jwfp.engine.kernel.FwpsStreamData.FWPS_STREAM_FLAG_RECEIVE;

import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.kernel.NtStatus;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Set 1 of stmedit: the out-of-band editor. classifyFn copies every indication, BLOCKs it and queues the copy to one
 * of two ordered workers (a flow always uses the same one). The worker joins the data to what it kept, replaces
 * every StringToFind with StringX, keeps a trailing partial match for the next data, and stream-injects the result;
 * on a disconnect it injects what it kept and then the disconnect, so the tail always precedes the FIN.
 *
 * <p>Back-pressure (inbound only: WFP cannot defer outbound data): an inbound direction whose unprocessed backlog
 * has reached BusyThreshold is DEFERred; the worker calls FwpsStreamContinue0 once the backlog is down to a quarter
 * of it. While deferred, the data waits in the stream layer and the TCP receive window closes. Unlike the sample,
 * which defers an indication whenever backlog plus indication would exceed the threshold, this editor takes the
 * part of an indication that fits and defers only at a full backlog: after a continue the stream layer offers all
 * it held at once, which may alone exceed the threshold, and deferring it whole would never make progress.
 *
 * <p>Thread safety: classify of one direction and the worker's completion of it synchronize on the direction;
 * the kept partial match is touched by the flow's worker only.
 */
final class OutOfBandEditor extends StreamEditor {
    /** Out-of-band state of one direction of a flow. */
    static final class OobDirection extends Direction {
        /** Bytes blocked and queued but not yet injected. */
        long backlog;
        /** Work items queued and not yet done. */
        int queued;
        boolean deferred;
        /** Stopping and drained: the data now passes untouched. */
        boolean passThrough;
        /** The trailing partial match the worker kept (worker-only). */
        volatile byte[] carry = new byte[0];
        /** The disconnect was queued: nothing follows. */
        boolean finQueued;

        OobDirection(boolean inbound) {
            super(inbound);
        }
    }

    private final byte[] pattern;
    private final byte[] replacement;
    private final long threshold;
    private volatile OrderedWorker[] workers;

    final AtomicLong defers = new AtomicLong();
    final AtomicLong continues = new AtomicLong();
    /** The largest backlog any direction reached, in bytes. */
    final AtomicLong maxBacklog = new AtomicLong();

    OutOfBandEditor(StmeditDriver driver, FwpsKernel kernel, StmeditConfig config) {
        super(driver, StmeditDriver.CalloutSet.OUT_OF_BAND, kernel);
        this.pattern = config.stringToFind();
        this.replacement = config.stringX();
        this.threshold = config.busyThresholdBytes();
    }

    @Override
    Direction newDirection(boolean inbound) {
        return new OobDirection(inbound);
    }

    private OrderedWorker worker(Flow flow) {
        OrderedWorker[] w = workers;
        if (w == null) {
            synchronized (this) {
                if (workers == null) workers = new OrderedWorker[] {new OrderedWorker(kernel), new OrderedWorker(kernel)};
                w = workers;
            }
        }
        return w[(int) (flow.context & 1)];
    }

    @Override
    void classify(Flow flow, FwpsStreamCalloutIoPacket io, FwpsClassifyOut out) {
        boolean inbound = io.streamData.hasFlag(FWPS_STREAM_FLAG_RECEIVE);
        OobDirection dir = (OobDirection) flow.direction(inbound);
        long len = io.streamData.dataLength;
        boolean disconnect = isDisconnect(io);
        byte[] chunk;
        boolean fin;
        synchronized (dir) {
            if (dir.passThrough || dir.finQueued) {
                permit(io, out, len);
                return;
            }
            long take = len;
            if (inbound && !stopping) {
                long room = threshold - dir.backlog;
                if (len > 0 && room <= 0) {
                    dir.deferred = true;
                    defers.incrementAndGet();
                    streamAction(io, out, FWPS_STREAM_ACTION_DEFER, 0);
                    return;
                }
                take = Math.min(len, room);
            }
            chunk = Arrays.copyOf(io.streamData.toByteArray(), (int) take);
            fin = disconnect && take == len;
            dir.backlog += take;
            dir.queued++;
            if (fin) dir.finQueued = true;
            maxBacklog.accumulateAndGet(dir.backlog, Math::max);
            block(io, out, take);
        }
        worker(flow).submit(() -> process(flow, dir, chunk, fin));
    }

    /** The worker: edit, keep a partial match, inject; then account and maybe resume a deferred stream. */
    private void process(Flow flow, OobDirection dir, byte[] chunk, boolean fin) {
        byte[] data = dir.carry.length == 0 ? chunk : concat(dir.carry, chunk);
        int keepFrom = data.length;
        ByteArrayOutputStream edited = new ByteArrayOutputStream(data.length + 16);
        if (stopping) {
            edited.writeBytes(data); // unload: the rest goes on untouched
        } else {
            int pos = 0;
            for (int m; (m = ByteMatcher.indexOf(data, pos, data.length, pattern)) >= 0; pos = m + pattern.length) {
                edited.write(data, pos, m - pos);
                edited.writeBytes(replacement);
                replacements.incrementAndGet();
            }
            keepFrom = fin ? data.length : ByteMatcher.partialStart(data, pos, data.length, pattern);
            edited.write(data, pos, keepFrom - pos);
        }
        dir.carry = Arrays.copyOfRange(data, keepFrom, data.length);
        boolean ok = true;
        if (edited.size() > 0) ok = inject(flow, dir.inbound, edited.toByteArray(), false).isSuccess();
        if (ok && fin) ok = inject(flow, dir.inbound, new byte[0], true).isSuccess();
        boolean resume = false;
        boolean release = false;
        synchronized (dir) {
            dir.backlog -= chunk.length;
            dir.queued--;
            if (dir.deferred && (dir.backlog <= threshold / 4 || stopping)) {
                dir.deferred = false;
                resume = true;
            }
            if (stopping && dir.queued == 0 && dir.carry.length == 0) {
                dir.passThrough = true;
                release = drained(flow);
            }
        }
        if (resume) resume(flow);
        if (!ok) {
            // The sample aborts the flow; without FwpsFlowAbort0 the context is dropped: the flow goes on unedited.
            release = true;
        }
        if (release) removeContext(flow);
    }

    private void resume(Flow flow) {
        continues.incrementAndGet();
        NtStatus s = kernel.streamContinue(flow.flowHandle, calloutId, layer.layerId(), FWPS_STREAM_FLAG_RECEIVE);
        if (!s.isSuccess()) errors.incrementAndGet();
    }

    private static boolean drained(Flow flow) {
        OobDirection a = (OobDirection) flow.send, b = (OobDirection) flow.receive;
        return (a.passThrough || a.finQueued && a.queued == 0) && (b.passThrough || b.finQueued && b.queued == 0);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override
    void stop() {
        stopping = true;
        for (Flow f : flows.values()) {
            boolean release = true;
            for (Direction d : new Direction[] {f.send, f.receive}) {
                OobDirection dir = (OobDirection) d;
                boolean resume = false;
                synchronized (dir) {
                    if (dir.queued == 0 && dir.carry.length == 0) {
                        dir.passThrough = true;
                    } else if (dir.queued == 0) {
                        // Only a kept partial match: a flush item hands it on in order.
                        dir.queued++;
                        worker(f).submit(() -> process(f, dir, new byte[0], false));
                    }
                    if (!dir.passThrough) release = false;
                    if (dir.deferred) {
                        dir.deferred = false;
                        resume = true;
                    }
                }
                if (resume) resume(f);
            }
            if (release) removeContext(f);
        }
    }

    @Override
    Map<String, Object> stats() {
        Map<String, Object> m = super.stats();
        m.put("busyThreshold", threshold);
        m.put("defers", defers.get());
        m.put("continues", continues.get());
        m.put("maxBacklog", maxBacklog.get());
        return m;
    }
}

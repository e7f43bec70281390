package io.jwfp.callouts.samples.stmedit;

import static io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket.*;
import static io.jwfp.engine.kernel.FwpsStreamData.FWPS_STREAM_FLAG_RECEIVE;

import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;

/**
 * Set 2 of stmedit: the inline editor. Everything happens in classifyFn, one decision per call, and the stream
 * layer offers the rest of the data again:
 * <ul>
 *   <li>bytes before a match: PERMIT with the exact count;</li>
 *   <li>a match at the start: the replacement is stream-injected, the pattern's bytes are BLOCKed (exact count);</li>
 *   <li>a partial match at the end (a proper prefix of the pattern, which the next bytes may complete): the bytes
 *   before it are permitted, then the partial match is held in the stream layer with NEED_MORE_DATA for the missing
 *   bytes; when they come it is offered again whole and either matches or is permitted;</li>
 *   <li>a disconnect indication (FIN or abort): nothing more can complete a match, so held bytes are permitted
 *   together with the FIN — the held tail always goes before the FIN;</li>
 *   <li>a failed injection: DROP_CONNECTION (the stream would be corrupt otherwise).</li>
 * </ul>
 * The sample holds a partial match by blocking it and later injecting it; NEED_MORE_DATA gives the same stream
 * without a copy, and the stream layer flushes it before the FIN by itself. Thread safety: see
 * {@link StreamEditor}; this editor keeps no per-flow bytes, so it needs no lock.
 */
final class InlineEditor extends StreamEditor {
    private final byte[] pattern;
    private final byte[] replacement;

    InlineEditor(StmeditDriver driver, FwpsKernel kernel, StmeditConfig config) {
        super(driver, StmeditDriver.CalloutSet.INLINE, kernel);
        this.pattern = config.stringX();
        this.replacement = config.stringToReplace();
    }

    @Override
    Direction newDirection(boolean inbound) {
        return new Direction(inbound);
    }

    @Override
    void classify(Flow flow, FwpsStreamCalloutIoPacket io, FwpsClassifyOut out) {
        long len = io.streamData.dataLength;
        if (stopping) {
            permit(io, out, len);
            return;
        }
        boolean inbound = io.streamData.hasFlag(FWPS_STREAM_FLAG_RECEIVE);
        boolean disconnect = isDisconnect(io);
        byte[] d = io.streamData.toByteArray();
        int m = ByteMatcher.indexOf(d, 0, d.length, pattern);
        if (m > 0) {
            permit(io, out, m);
            return;
        }
        if (m == 0) {
            if (!inject(flow, inbound, replacement, false).isSuccess()) {
                streamAction(io, out, FWPS_STREAM_ACTION_DROP_CONNECTION, 0);
                return;
            }
            replacements.incrementAndGet();
            block(io, out, pattern.length);
            return;
        }
        if (!disconnect) {
            int s = ByteMatcher.partialStart(d, 0, d.length, pattern);
            if (s > 0 && s < d.length) {
                permit(io, out, s);
                return;
            }
            if (s == 0 && d.length > 0) {
                streamAction(io, out, FWPS_STREAM_ACTION_NEED_MORE_DATA, pattern.length - d.length);
                return;
            }
        }
        permit(io, out, len);
    }

    @Override
    void stop() {
        stopping = true;
        for (Flow f : flows.values()) removeContext(f);
    }
}

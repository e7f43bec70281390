package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.shim.nfqueue.VerdictSink;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The packets a callout injected during one classifyFn after the first one: "clone, modify, inject several, absorb"
 * turns one queued packet into several (a TCP payload editor whose edits made the data longer than one segment can
 * carry, or that answers a retransmission with the segments it sent the first time). The first injected packet
 * replaces the queued one (its verdict); the followers must reach the stack right behind it, in injection order:
 * <ul>
 *   <li>They are sent only after the first packet's verdict has been flushed to the kernel. The kernel reinjects a
 *   packet while it handles the verdict message, so the first packet is through the rest of the hook before the
 *   first follower is sent.</li>
 *   <li>They leave through jwfp's raw socket ({@link LiveKernel#sendOwn}, INJECTED mark, so never queued again).
 *   Outbound, that is the ordinary IP output path. Inbound packets are addressed to a local address: the raw
 *   socket's route is the local one, so the stack loops them through {@code lo} and delivers them as received
 *   packets (no MTU applies there). They are not classified at the remaining layers (the loop guard skips them).</li>
 *   <li>If the first packet is dropped at a later layer, the followers are dropped too; if the original is not
 *   absorbed, they are additional packets like the first one.</li>
 * </ul>
 * Confined to its pipeline's queue thread. Allocates only when a callout injects more than one packet.
 */
final class InjectedTrain {
    private final LiveRuntime rt;
    private List<PacketPipeline.Replacement> followers;

    InjectedTrain(LiveRuntime rt) {
        this.rt = rt;
    }

    void clear() {
        if (followers != null) followers.clear();
    }

    boolean isEmpty() {
        return followers == null || followers.isEmpty();
    }

    void add(PacketPipeline.Replacement r) {
        if (followers == null) followers = new ArrayList<>(4);
        followers.add(r);
    }

    /** The first packet went out with its verdict: flush it, then send the followers in order. */
    void sendAfter(PacketPipeline p, VerdictSink verdicts) {
        if (isEmpty()) return;
        verdicts.flush();
        for (PacketPipeline.Replacement r : followers) {
            byte[] bytes = p.packetOf(r);
            NtStatus status = bytes == null ? NtStatus.STATUS_INVALID_PARAMETER
                    : rt.kernel().sendOwn(MemorySegment.ofArray(bytes), 0, bytes.length);
            if (!status.isSuccess()) rt.stats().increment(LiveStats.INJECTIONS_REFUSED);
            PacketPipeline.complete(r, status);
        }
        followers.clear();
    }

    /** The original went on: the followers are additional packets, as the first one was. */
    void sendAsAdditional(PacketPipeline p) {
        if (isEmpty()) return;
        for (PacketPipeline.Replacement r : followers) p.sendAdditional(r);
        followers.clear();
    }

    /** The first packet was dropped at a later layer: its followers are dropped with it (as sent, then lost). */
    void dropped() {
        finish(NtStatus.STATUS_SUCCESS);
    }

    /** The first packet could not replace the original: the followers are refused. */
    void refused() {
        if (isEmpty()) return;
        rt.stats().increment(LiveStats.INJECTIONS_REFUSED);
        finish(NtStatus.STATUS_INVALID_PARAMETER);
    }

    private void finish(NtStatus status) {
        if (isEmpty()) return;
        for (PacketPipeline.Replacement r : followers) PacketPipeline.complete(r, status);
        followers.clear();
    }
}

package io.jwfp.callouts.samples.nat;

import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.ParsedPacket;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clone-modify-inject step of the rewriting samples, for a whole indicated chain: copy every list, move each copy
 * back to where it is injected from, rewrite the copies that match, inject every copy, absorb the originals (BLOCK +
 * ABSORB). Nothing matches: permit, nothing copied. A single list whose injection fails is permitted unchanged
 * instead; in a longer chain a failed copy is lost (the others are already on their way). Stateless and thread-safe.
 */
public final class ChainRewrite {
    private ChainRewrite() {}

    /** Which packets to rewrite. */
    @FunctionalInterface
    public interface Match {
        boolean test(ParsedPacket p);
    }

    /** Rewrites {@code copy}, whose data starts where it is injected from; its IP header is at {@code ip}. */
    @FunctionalInterface
    public interface Edit {
        void apply(NetBufferList copy, long ip, ParsedPacket p);
    }

    /** Injects one copy. */
    @FunctionalInterface
    public interface Inject {
        NtStatus inject(NetBufferList copy);
    }

    /**
     * @param retreat  bytes from the indicated data offset back to where a copy is injected from
     * @param ipAt     where the IP header sits from there (0, or the Ethernet header's 14 bytes)
     * @param failures counts injections that failed
     * @return how many copies were rewritten
     */
    public static int apply(FwpsKernel k, NetBufferList first, int retreat, int ipAt, Match match, Edit edit,
                            Inject inject, AtomicLong failures, FwpsClassifyOut out) {
        ParsedPacket p = new ParsedPacket();
        boolean any = false;
        for (NetBufferList n = first; n != null; n = n.next()) {
            if (n.headroom() >= retreat && match.test(IpRewrite.parse(n, n.dataOffset() - retreat + ipAt, p))) any = true;
        }
        if (!any) {
            out.actionType = ActionType.FWP_ACTION_PERMIT;
            return 0;
        }
        List<NetBufferList> copies = Injector.copies(k, first);
        int rewritten = 0;
        for (NetBufferList copy : copies) {
            copy.retreat(retreat);
            long ip = copy.dataOffset() + ipAt;
            if (match.test(IpRewrite.parse(copy, ip, p))) {
                edit.apply(copy, ip, p);
                rewritten++;
            }
        }
        for (NetBufferList copy : copies) {
            if (!inject.inject(copy).isSuccess()) {
                failures.incrementAndGet();
                if (copies.size() == 1) {
                    out.actionType = ActionType.FWP_ACTION_PERMIT; // the original goes on unchanged
                    return 0;
                }
            }
        }
        out.absorb();
        return rewritten;
    }

    /** Rewrites one end of the copy's IP packet (see {@link IpRewrite#rewrite}). */
    public static void rewrite(NetBufferList copy, long ip, IpRewrite.Side side, NatAddress address, int port) {
        IpRewrite.rewrite(copy.segment(), ip, copy.dataOffset() + copy.dataLength() - ip, side, address, port);
    }

    /**
     * At FWPM_LAYER_INBOUND_IPPACKET: permits a fragment untouched (counted in {@code passed}) and returns true. A
     * later fragment has no ports to match and the first one not all of the datagram; WFP indicates the reassembled
     * datagram again (FWP_CONDITION_FLAG_IS_REASSEMBLED) and that one is rewritten whole. A packet without its IP
     * header size in the metadata is let through the same way.
     */
    public static boolean passesFragment(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, AtomicLong passed,
                                         FwpsClassifyOut out) {
        if ((Incoming.flags(in) & ConditionFlags.FWP_CONDITION_FLAG_IS_FRAGMENT) == 0
                && meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_IP_HEADER_SIZE)) return false;
        passed.incrementAndGet();
        out.actionType = ActionType.FWP_ACTION_PERMIT;
        return true;
    }
}

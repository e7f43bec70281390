package io.jwfp.callouts.samples.stmedit.tcp;

import io.jwfp.packet.Checksums;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.TcpView;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Edits the payload of one TCP connection at the packet level, as a packet shim must where there is no stream
 * layer (NFQUEUE on Linux): fed every IP packet of the connection in both directions, in the order the shim sees
 * them, it returns the packets to send instead — the payload edited by a {@link StreamTransform} per direction
 * (replacements may change the length), SEQ numbers moved into the edited stream's space, ACK numbers and SACK
 * blocks moved back into the sender's space, checksums recomputed. Timestamps, window and all other options are
 * left as they are.
 *
 * <h2>How</h2>
 * Per direction it keeps the original bytes' progress ({@code origNext}) and the edited stream's ({@code newNext}),
 * and a checkpoint (original offset, edited offset) after every piece of original data it has edited: the edited
 * bytes of the original range between two checkpoints are exactly the edited bytes between their edited offsets.
 * <ul>
 *   <li><b>New data in order</b> goes through the transform; its output (which may be empty while a partial match
 *   is held) is sent in segments no larger than the receiver's MSS (or the input, for GSO super-packets).</li>
 *   <li><b>Data ahead of a gap</b> is held (up to {@link #MAX_AHEAD_BYTES}) and edited once the gap is filled; the
 *   edit needs the bytes in order. Beyond the limit it is dropped and the sender sends it again.</li>
 *   <li><b>A retransmission</b> of data already edited is answered from the kept edited bytes: the edited range of
 *   the checkpoints around it, with the same sequence numbers as the first time — however the sender cut it this
 *   time. The edited bytes are kept until the receiver acknowledges them. Data the receiver already has (our
 *   translated ACK was lost) is answered with one old byte, which makes the receiver acknowledge again.</li>
 *   <li><b>ACK</b>: the receiver's acknowledgement of edited offset n becomes the original offset of the last
 *   checkpoint at or below n; a held partial match counts as acknowledged, since its edited bytes always travel
 *   with later data the sender has not yet seen acknowledged (or with the FIN). Duplicate ACKs stay duplicates.
 *   <b>SACK</b> blocks shrink to the whole checkpoint ranges they cover; a block that covers none is removed (its
 *   option bytes become NOPs).</li>
 *   <li><b>FIN</b>: the transform's held bytes are flushed into the segment that carries the FIN, before it;
 *   <b>RST</b> goes through with its numbers moved.</li>
 * </ul>
 * SYN payloads (TCP Fast Open) are not edited. A connection seen from the middle is taken up at the first packet,
 * with the bytes before it counted as unedited.
 *
 * <p>Thread safety: {@link #rewrite} is synchronized; a shim may call it from any thread, one packet at a time.
 */
public final class TcpStreamRewriter {
    /** Most bytes held per direction while waiting for a gap to fill. */
    public static final int MAX_AHEAD_BYTES = 1 << 20;
    private static final long MASK = 0xFFFF_FFFFL;

    private final Half outbound;
    private final Half inbound;
    private final ParsedPacket parsed = new ParsedPacket();

    /** Segments that carried new data for the transform. */
    private long dataSegments;
    /** Segments answered from the kept edited bytes (retransmissions). */
    private long replayed;
    /** Segments held because a gap came before them. */
    private long heldAhead;
    /** Segments dropped (ahead beyond the limit, data after FIN). */
    private long dropped;
    /** Old-byte probes sent for data the receiver already had. */
    private long probes;

    /**
     * @param outboundTransform the edit of the data the local host sends
     * @param inboundTransform  the edit of the data it receives
     */
    public TcpStreamRewriter(StreamTransform outboundTransform, StreamTransform inboundTransform) {
        this.outbound = new Half(outboundTransform);
        this.inbound = new Half(inboundTransform);
    }

    /**
     * The packets to send instead of {@code ipPacket} (an IPv4 or IPv6 packet of this connection, starting at the IP
     * header): none (held or dropped), one, or several, each a complete packet with valid checksums. Packets that are
     * not TCP, or are fragments, come back unchanged.
     *
     * @param outbound true if the local host sent it, false if it arrived
     */
    public synchronized List<byte[]> rewrite(byte[] ipPacket, boolean outbound) {
        MemorySegment seg = MemorySegment.ofArray(ipPacket);
        if (!PacketParser.parseIp(seg, 0, ipPacket.length, parsed) || parsed.protocol() != IpProtocol.TCP
                || parsed.fragmentOffset() != 0 || parsed.moreFragments() || parsed.transportHeaderSize() < 20) {
            return List.of(ipPacket);
        }
        Segment in = new Segment(ipPacket, parsed);
        Half me = outbound ? this.outbound : this.inbound;
        Half peer = outbound ? this.inbound : this.outbound;
        int flags = in.flags();
        long seq = in.seq();

        if ((flags & TcpView.FLAG_SYN) != 0) {
            me.startAtSyn(seq);
            int mss = in.mssOption();
            if (mss > 0) peer.mss = mss;
            return List.of(in.build(seq, peer.ackOut(in, flags), in.payloadFrom(0, in.payloadLength()), flags));
        }
        if (!me.started) me.startMidStream(seq);
        long ack = peer.ackOut(in, flags);
        if ((flags & TcpView.FLAG_RST) != 0) {
            return List.of(in.build(me.newSeq(me.mapSeq(me.unwrapOrig(seq))), ack, new byte[0], flags));
        }
        long s = me.unwrapOrig(seq);
        int len = in.payloadLength();
        boolean fin = (flags & TcpView.FLAG_FIN) != 0;
        long e = s + len;
        if (len == 0 && !fin) {
            return List.of(in.build(me.newSeq(me.mapSeq(s)), ack, new byte[0], flags));
        }
        if (me.finOrig >= 0 && e > me.finOrig) {
            dropped++; // data after the FIN
            return List.of();
        }
        if (s > me.origNext) {
            if (me.holdAhead(s, in.payloadFrom(0, len), fin)) heldAhead++;
            else dropped++;
            return List.of();
        }
        long seqEnd = e + (fin ? 1 : 0);
        boolean fresh = e > me.origNext || (fin && me.finOrig < 0);
        if (fresh) {
            dataSegments++;
            me.consume(s, in.payloadFrom(0, len), fin);
            long drained = me.drainAhead();
            if (drained > seqEnd) seqEnd = drained;
        } else {
            replayed++;
        }
        List<byte[]> out = me.replay(s, seqEnd, in, ack, flags);
        if (out == null) {
            probes++;
            return List.of(me.probe(in, ack, flags));
        }
        return out;
    }

    /**
     * Counters for tests and {@code stats}: data segments, replayed, held ahead, dropped, probes; and what the
     * rewriter holds in memory, both directions together: {@code keptBytes} (edited bytes the receiver has not
     * acknowledged yet, kept for retransmissions), {@code aheadBytes} (data held behind a gap), and their highest
     * values so far ({@code keptBytesMax}, {@code aheadBytesMax}, per direction).
     */
    public synchronized Map<String, Long> stats() {
        return Map.of("dataSegments", dataSegments, "replayed", replayed, "heldAhead", heldAhead, "dropped", dropped,
                "probes", probes, "keptBytes", outbound.keptBytes() + inbound.keptBytes(),
                "keptBytesMax", Math.max(outbound.keptMax, inbound.keptMax),
                "aheadBytes", outbound.aheadBytes + inbound.aheadBytes,
                "aheadBytesMax", Math.max(outbound.aheadMax, inbound.aheadMax));
    }

    /** True once both directions' FINs were edited and acknowledged (the rewriter may be dropped). */
    public synchronized boolean isClosed() {
        return outbound.finAcked && inbound.finAcked;
    }

    // ------------------------------------------------------------------------------------------ one direction

    /** The state of the data one side sends. Offsets are 64-bit positions from the ISN (the SYN is offset 0). */
    private static final class Half {
        final StreamTransform transform;
        boolean started;
        long isn;
        /** The next original offset to edit, and the end of the edited stream (data only). */
        long origNext;
        long newNext;
        /** The FIN's offset in each space once edited, else -1. */
        long finOrig = -1;
        long finNew = -1;
        boolean finAcked;
        /** The receiver's MSS (from its SYN), 0 if unknown. */
        int mss;
        /** Checkpoints [ckStart, ckEnd): original and edited offsets, both non-decreasing. */
        long[] ckO = new long[64];
        long[] ckN = new long[64];
        int ckStart;
        int ckEnd;
        /** Edited bytes kept for retransmission: edited offsets [keptFrom, newNext). */
        byte[] kept = new byte[4096];
        int keptStart;
        long keptFrom;
        /** Data ahead of a gap, by original offset. */
        final TreeMap<Long, Object[]> ahead = new TreeMap<>();
        long aheadBytes;
        /** The highest kept and ahead byte counts so far. */
        long keptMax;
        long aheadMax;

        Half(StreamTransform transform) {
            this.transform = transform;
        }

        void startAtSyn(long seq) {
            if (started && ((isn - seq) & MASK) == 0) return; // a retransmitted SYN
            started = true;
            isn = seq;
            origNext = newNext = keptFrom = 1;
            ckStart = ckEnd = 0;
            addCheckpoint(1, 1);
        }

        void startMidStream(long seq) {
            startAtSyn((seq - 1) & MASK);
        }

        long unwrapOrig(long seq32) {
            return origNext + (int) (seq32 - ((isn + origNext) & MASK));
        }

        long unwrapNew(long seq32) {
            return newNext + (int) (seq32 - ((isn + newNext) & MASK));
        }

        long newSeq(long offset) {
            return (isn + offset) & MASK;
        }

        /** The edited offset of original offset {@code o} (for SEQ of segments without data, RST). */
        long mapSeq(long o) {
            if (finOrig >= 0 && o > finOrig) return finNew + (o - finOrig);
            if (o >= origNext) return newNext + (o - origNext);
            int i = floor(ckO, o);
            if (i < 0) return ckN[ckStart] - (ckO[ckStart] - o);
            long n = ckN[i] + (o - ckO[i]);
            return i + 1 < ckEnd ? Math.min(n, ckN[i + 1]) : Math.min(n, newNext);
        }

        // ---------------------------------------------------------------- the receiver's side: ACK and SACK

        /** The ACK field for a packet the receiver of this half sends (unchanged when this half is unknown). */
        long ackOut(Segment in, int flags) {
            long ack = in.ack();
            if ((flags & TcpView.FLAG_ACK) == 0 || !started) return ack;
            long n = unwrapNew(ack);
            trim(n);
            in.translateSack(this);
            return newSeq(origForAck(n));
        }

        long origForAck(long n) {
            int i = floor(ckN, n);
            if (i < 0) return ckO[ckStart] - (ckN[ckStart] - n);
            return ckO[i];
        }

        /** The receiver has edited offsets below {@code n}: forget what it cannot ask for again. */
        void trim(long n) {
            int i = floor(ckN, n);
            if (i > ckStart) ckStart = i;
            long to = Math.min(ckN[ckStart], newNext);
            if (to > keptFrom) {
                keptStart += (int) (to - keptFrom);
                keptFrom = to;
            }
            if (finNew >= 0 && n > finNew) finAcked = true;
        }

        /** SACK block [l, r) in edited offsets to original offsets, or null when it covers no checkpoint range. */
        long[] sackBlock(long l, long r) {
            int j = floor(ckN, r);
            if (j < 0) return null;
            int i = ceil(ckN, l);
            if (i < 0 || i >= j || ckO[i] >= ckO[j]) return null;
            return new long[] {ckO[i], ckO[j]};
        }

        /** Index of the last checkpoint with {@code a[k] <= v} (the last of equal ones), or -1. */
        int floor(long[] a, long v) {
            int lo = ckStart, hi = ckEnd - 1, r = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] <= v) {
                    r = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return r;
        }

        /** Index of the first checkpoint with {@code a[k] >= v}, or -1. */
        int ceil(long[] a, long v) {
            int lo = ckStart, hi = ckEnd - 1, r = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] >= v) {
                    r = mid;
                    hi = mid - 1;
                } else {
                    lo = mid + 1;
                }
            }
            return r;
        }

        // ---------------------------------------------------------------- the sender's side: data

        void addCheckpoint(long o, long n) {
            if (ckEnd > ckStart && ckO[ckEnd - 1] == o && ckN[ckEnd - 1] == n) return;
            if (ckEnd == ckO.length) {
                int live = ckEnd - ckStart;
                if (live * 2 > ckO.length) {
                    ckO = Arrays.copyOf(ckO, ckO.length * 2);
                    ckN = Arrays.copyOf(ckN, ckN.length * 2);
                }
                System.arraycopy(ckO, ckStart, ckO, 0, live);
                System.arraycopy(ckN, ckStart, ckN, 0, live);
                ckStart = 0;
                ckEnd = live;
            }
            ckO[ckEnd] = o;
            ckN[ckEnd] = n;
            ckEnd++;
        }

        private void keep(byte[] b) {
            if (b.length == 0) return;
            int live = (int) (newNext - keptFrom);
            if (keptStart + live + b.length > kept.length) {
                byte[] k = live + b.length > kept.length / 2 ? new byte[Math.max(kept.length * 2, live + b.length)] : kept;
                System.arraycopy(kept, keptStart, k, 0, live);
                kept = k;
                keptStart = 0;
            }
            System.arraycopy(b, 0, kept, keptStart + live, b.length);
            newNext += b.length;
            keptMax = Math.max(keptMax, keptBytes());
        }

        long keptBytes() {
            return newNext - keptFrom;
        }

        /** Edits original bytes from offset {@code s} (the part from origNext on), then the FIN if {@code fin}. */
        void consume(long s, byte[] payload, boolean fin) {
            long e = s + payload.length;
            if (e > origNext) {
                int skip = (int) (origNext - s);
                keep(transform.push(payload, skip, payload.length - skip));
                origNext = e;
                addCheckpoint(origNext, newNext);
            }
            if (fin && e == origNext && finOrig < 0) {
                keep(transform.finish());
                addCheckpoint(origNext, newNext);
                finOrig = origNext;
                finNew = newNext;
                addCheckpoint(finOrig + 1, finNew + 1);
            }
        }

        boolean holdAhead(long s, byte[] payload, boolean fin) {
            if (aheadBytes + payload.length > MAX_AHEAD_BYTES || ahead.containsKey(s)) return false;
            ahead.put(s, new Object[] {payload, fin});
            aheadBytes += payload.length;
            aheadMax = Math.max(aheadMax, aheadBytes);
            return true;
        }

        /** Edits held segments the gap no longer separates; returns the original sequence end reached. */
        long drainAhead() {
            long end = -1;
            while (!ahead.isEmpty() && ahead.firstKey() <= origNext && finOrig < 0) {
                Map.Entry<Long, Object[]> en = ahead.pollFirstEntry();
                byte[] p = (byte[]) en.getValue()[0];
                aheadBytes -= p.length;
                boolean fin = (Boolean) en.getValue()[1];
                consume(en.getKey(), p, fin);
                end = Math.max(end, en.getKey() + p.length + (fin ? 1 : 0));
            }
            if (finOrig >= 0) {
                for (Object[] o : ahead.values()) aheadBytes -= ((byte[]) o[0]).length;
                ahead.clear();
            }
            return end;
        }

        /**
         * The edited segments for original sequence range [s, seqEnd): the edited bytes between the checkpoints
         * around it, from what is kept; null when nothing is kept for it (the receiver has it all).
         */
        List<byte[]> replay(long s, long seqEnd, Segment in, long ack, int flags) {
            // Of checkpoints with equal original offsets (the FIN's flush adds edited bytes without original
            // ones) the range starts at the first and ends at the last, so a flushed tail is never left out.
            int i = floor(ckO, s);
            while (i > ckStart && ckO[i - 1] == ckO[i]) i--;
            int j = ceil(ckO, seqEnd);
            if (j < 0) j = ckEnd - 1;
            while (j + 1 < ckEnd && ckO[j + 1] == ckO[j]) j++;
            long from = i < 0 ? keptFrom : Math.max(ckN[i], keptFrom);
            long to = ckN[j];
            boolean fin = finNew >= 0 && to > finNew;
            if (fin) to = finNew;
            if (from > to) from = to;
            if (from == to && !(fin && !finAcked)) return null;
            // The receiver's MSS less the options; unknown (no SYN seen): IPv4's and IPv6's safe minimum. The first
            // segment may be as large as the input (a GSO super-packet comes out as one, and a shim can put it in
            // the original's place); the ones after it are new packets and must fit the path, so: the MSS.
            int mssPayload = Math.max(1, mss > 0 ? mss - (in.tcpHeaderLength() - 20) : in.ipVersion() == 4 ? 536 : 1220);
            int limit = Math.max(mssPayload, in.payloadLength());
            List<byte[]> out = new ArrayList<>();
            int base = flags & ~(TcpView.FLAG_FIN | TcpView.FLAG_PSH);
            long pos = from;
            do {
                int n = (int) Math.min(limit, to - pos);
                boolean last = pos + n == to;
                int f = base | (last ? flags & TcpView.FLAG_PSH | (fin ? TcpView.FLAG_FIN : 0) : 0);
                byte[] payload = Arrays.copyOfRange(kept, keptStart + (int) (pos - keptFrom),
                        keptStart + (int) (pos - keptFrom) + n);
                out.add(in.build(newSeq(pos), ack, payload, f));
                pos += n;
                limit = mssPayload;
            } while (pos < to);
            return out;
        }

        /** One byte below what the receiver has: it answers with an ACK (as to a keepalive). */
        byte[] probe(Segment in, long ack, int flags) {
            int f = flags & ~(TcpView.FLAG_FIN | TcpView.FLAG_PSH | TcpView.FLAG_SYN);
            return in.build(newSeq(keptFrom - 1), ack, new byte[1], f);
        }
    }

    // ------------------------------------------------------------------------------------------ packet bytes

    /** An input packet: its headers are the template of the packets built for it. */
    private static final class Segment {
        final byte[] p;
        final int ipVersion;
        final int tcpOff;
        final int thl;
        final int end;
        /** The TCP options with SACK blocks translated (a copy), or null while untouched. */
        byte[] tcpHeader;

        Segment(byte[] p, ParsedPacket pp) {
            this.p = p;
            this.ipVersion = pp.ipVersion();
            this.tcpOff = (int) pp.transportOffset();
            this.thl = pp.transportHeaderSize();
            this.end = tcpOff + pp.transportLength();
        }

        int ipVersion() {
            return ipVersion;
        }

        int tcpHeaderLength() {
            return thl;
        }

        int flags() {
            return u16(p, tcpOff + 12) & TcpView.FLAGS_MASK;
        }

        long seq() {
            return u32(p, tcpOff + 4);
        }

        long ack() {
            return u32(p, tcpOff + 8);
        }

        int payloadLength() {
            return end - tcpOff - thl;
        }

        byte[] payloadFrom(int from, int len) {
            return Arrays.copyOfRange(p, tcpOff + thl + from, tcpOff + thl + from + len);
        }

        int mssOption() {
            for (int pos = tcpOff + 20; pos < tcpOff + thl; ) {
                int kind = p[pos] & 0xFF;
                if (kind == TcpView.OPT_END) break;
                if (kind == TcpView.OPT_NOP) {
                    pos++;
                    continue;
                }
                if (pos + 1 >= tcpOff + thl) break;
                int len = p[pos + 1] & 0xFF;
                if (len < 2) break;
                if (kind == TcpView.OPT_MSS && len == 4) return u16(p, pos + 2);
                pos += len;
            }
            return 0;
        }

        /** Moves SACK blocks into the sender's space; blocks that cover nothing become NOPs. */
        void translateSack(Half h) {
            byte[] t = Arrays.copyOfRange(p, tcpOff, tcpOff + thl);
            boolean changed = false;
            for (int pos = 20; pos < thl; ) {
                int kind = t[pos] & 0xFF;
                if (kind == TcpView.OPT_END) break;
                if (kind == TcpView.OPT_NOP) {
                    pos++;
                    continue;
                }
                if (pos + 1 >= thl) break;
                int len = t[pos + 1] & 0xFF;
                if (len < 2 || pos + len > thl) break;
                if (kind == TcpView.OPT_SACK && (len - 2) % 8 == 0) {
                    List<long[]> blocks = new ArrayList<>();
                    for (int b = pos + 2; b < pos + len; b += 8) {
                        long[] o = h.sackBlock(h.unwrapNew(u32(t, b)), h.unwrapNew(u32(t, b + 4)));
                        if (o != null) blocks.add(o);
                    }
                    Arrays.fill(t, pos, pos + len, (byte) TcpView.OPT_NOP);
                    if (!blocks.isEmpty()) {
                        t[pos] = (byte) TcpView.OPT_SACK;
                        t[pos + 1] = (byte) (2 + 8 * blocks.size());
                        for (int k = 0; k < blocks.size(); k++) {
                            put32(t, pos + 2 + 8 * k, h.newSeq(blocks.get(k)[0]) );
                            put32(t, pos + 6 + 8 * k, h.newSeq(blocks.get(k)[1]));
                        }
                    }
                    changed = true;
                }
                pos += len;
            }
            if (changed) tcpHeader = t;
        }

        /** A packet with this one's headers, the given numbers, payload and flags, and valid checksums. */
        byte[] build(long seq, long ack, byte[] payload, int flags) {
            byte[] b = new byte[tcpOff + thl + payload.length];
            System.arraycopy(p, 0, b, 0, tcpOff);
            if (tcpHeader != null) System.arraycopy(tcpHeader, 0, b, tcpOff, thl);
            else System.arraycopy(p, tcpOff, b, tcpOff, thl);
            System.arraycopy(payload, 0, b, tcpOff + thl, payload.length);
            put32(b, tcpOff + 4, seq);
            put32(b, tcpOff + 8, ack);
            int offFlags = u16(b, tcpOff + 12);
            put16(b, tcpOff + 12, (offFlags & ~TcpView.FLAGS_MASK) | (flags & TcpView.FLAGS_MASK));
            put16(b, tcpOff + 16, 0);
            int tcpLen = thl + payload.length;
            int sum;
            if (ipVersion == 4) {
                int ihl = (b[0] & 0x0F) * 4;
                put16(b, 2, b.length);
                put16(b, 10, 0);
                put16(b, 10, Checksums.finish(Checksums.partial(b, 0, ihl, 0)));
                sum = Checksums.pseudoHeaderV4((int) u32(b, 12), (int) u32(b, 16), IpProtocol.TCP, tcpLen);
            } else {
                put16(b, 4, b.length - 40);
                sum = Checksums.pseudoHeaderV6(u64(b, 8), u64(b, 16), u64(b, 24), u64(b, 32), IpProtocol.TCP, tcpLen);
            }
            put16(b, tcpOff + 16, Checksums.finish(Checksums.partial(b, tcpOff, tcpLen, sum)));
            return b;
        }
    }

    static int u16(byte[] b, int o) {
        return (b[o] & 0xFF) << 8 | b[o + 1] & 0xFF;
    }

    static long u32(byte[] b, int o) {
        return (long) u16(b, o) << 16 | u16(b, o + 2);
    }

    static long u64(byte[] b, int o) {
        return u32(b, o) << 32 | u32(b, o + 4);
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
    }

    static void put32(byte[] b, int o, long v) {
        put16(b, o, (int) (v >>> 16) & 0xFFFF);
        put16(b, o + 2, (int) v & 0xFFFF);
    }
}

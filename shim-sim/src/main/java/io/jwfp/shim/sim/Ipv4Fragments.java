package io.jwfp.shim.sim;

import io.jwfp.packet.Ipv4View;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * IPv4 fragmentation (RFC 791 §3.2, after FWPM_LAYER_OUTBOUND_IPPACKET and on the forwarding path) and reassembly
 * (after each fragment passed FWPM_LAYER_INBOUND_IPPACKET) for one host. IPv6 fragmentation is not modelled: an IPv6
 * packet larger than the link MTU is still dropped. Not thread-safe (the simulation is single-threaded).
 */
final class Ipv4Fragments {
    /** How long an incomplete datagram waits for its missing fragments (Windows' reassembly timeout). */
    static final long REASSEMBLY_TIMEOUT_NANOS = 60_000_000_000L;

    private record Key(InetAddress src, InetAddress dst, int protocol, int id) {}

    private static final class Pending {
        final TreeMap<Integer, byte[]> data = new TreeMap<>();
        byte[] firstHeader;
        Object firstTag;
        int total = -1;
    }

    private final SimHost host;
    private final Map<Key, Pending> pending = new HashMap<>();
    private int nextId = 1;

    Ipv4Fragments(SimHost host) {
        this.host = host;
    }

    /**
     * Splits an IPv4 datagram into fragments of at most {@code mtu} bytes, each with a complete header (options
     * copied), DF cleared, the datagram's identification (a fresh one when it had none) and a correct header
     * checksum. A fragment being fragmented again keeps its offset and MF flag.
     */
    List<byte[]> fragment(byte[] ip, int mtu) {
        MemorySegment seg = MemorySegment.ofArray(ip);
        Ipv4View v = new Ipv4View().wrap(seg);
        int hl = v.headerLength();
        int payload = v.totalLength() - hl;
        int chunk = (mtu - hl) / 8 * 8;
        int id = v.identification() != 0 ? v.identification() : nextIdentification();
        int baseOffset = v.fragmentOffset() * 8;
        boolean lastHadMore = v.moreFragments();
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < payload; off += chunk) {
            int len = Math.min(chunk, payload - off);
            byte[] f = new byte[hl + len];
            System.arraycopy(ip, 0, f, 0, hl);
            System.arraycopy(ip, hl + off, f, hl, len);
            Ipv4View fv = new Ipv4View().wrap(MemorySegment.ofArray(f));
            fv.setTotalLength(hl + len);
            fv.setIdentification(id);
            fv.setFragment(false, off + len < payload || lastHadMore, (baseOffset + off) / 8);
            fv.fillChecksum();
            out.add(f);
        }
        return out;
    }

    private int nextIdentification() {
        int id = nextId;
        nextId = nextId == 0xFFFF ? 1 : nextId + 1;
        return id;
    }

    /**
     * Adds a fragment that passed FWPM_LAYER_INBOUND_IPPACKET. Returns the reassembled datagram (its header is the
     * first fragment's, with the full length, no fragment flags and a new checksum) once every byte is there, else
     * null. {@code tag} is the fragment's injection tag; the datagram keeps the first fragment's.
     */
    Reassembled add(byte[] fragment, InetAddress src, InetAddress dst, Object tag) {
        Ipv4View v = new Ipv4View().wrap(MemorySegment.ofArray(fragment));
        Key key = new Key(src, dst, v.protocol(), v.identification());
        Pending p = pending.get(key);
        if (p == null) {
            p = new Pending();
            pending.put(key, p);
            Pending started = p;
            host.network().clock().scheduleBackground(REASSEMBLY_TIMEOUT_NANOS, () -> {
                if (pending.remove(key, started)) host.count("reassembly-timeout");
            });
        }
        int hl = v.headerLength();
        int off = v.fragmentOffset() * 8;
        int len = v.totalLength() - hl;
        byte[] data = new byte[len];
        System.arraycopy(fragment, hl, data, 0, len);
        p.data.putIfAbsent(off, data);
        if (off == 0) {
            p.firstHeader = java.util.Arrays.copyOf(fragment, hl);
            p.firstTag = tag;
        }
        if (!v.moreFragments()) p.total = off + len;
        if (p.firstHeader == null || p.total < 0) return null;
        int covered = 0;
        for (Map.Entry<Integer, byte[]> e : p.data.entrySet()) {
            if (e.getKey() > covered) return null; // a hole
            covered = Math.max(covered, e.getKey() + e.getValue().length);
        }
        if (covered < p.total) return null;
        pending.remove(key);
        int fhl = p.firstHeader.length;
        byte[] whole = new byte[fhl + p.total];
        System.arraycopy(p.firstHeader, 0, whole, 0, fhl);
        for (Map.Entry<Integer, byte[]> e : p.data.entrySet()) {
            int n = Math.min(e.getValue().length, p.total - e.getKey());
            System.arraycopy(e.getValue(), 0, whole, fhl + e.getKey(), n);
        }
        Ipv4View wv = new Ipv4View().wrap(MemorySegment.ofArray(whole));
        wv.setTotalLength(whole.length);
        wv.setFragment(false, false, 0);
        wv.fillChecksum();
        return new Reassembled(whole, p.firstTag);
    }

    /** A reassembled datagram and the injection tag of its first fragment. */
    record Reassembled(byte[] ip, Object tag) {}

    /** Datagrams waiting for fragments. */
    int pendingCount() {
        return pending.size();
    }
}

package io.jwfp.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of an Ethernet II frame header (IEEE 802.3 clause 3.2.6), with up to two IEEE 802.1Q / 802.1ad VLAN tags.
 *
 * <p>MAC addresses are the 48 bits in the low bits of a {@code long}. Getters never throw: truncated fields read
 * {@code -1} (and MACs {@code -1L}). See {@link HeaderView} for the reading, writing and lifetime contract.
 */
public final class EthernetView extends HeaderView {
    public static final int DST_MAC = 0;
    public static final int SRC_MAC = 6;
    public static final int ETHER_TYPE = 12;
    /** Length of an untagged header. */
    public static final int HEADER_LEN = ETHER_TYPE + 2;
    /** Length of one VLAN tag: TPID (which sits where the EtherType would) is counted in the 4 bytes. */
    public static final int VLAN_TAG_LEN = 4;
    /** Most VLAN tags this view steps over (802.1ad Q-in-Q). */
    public static final int MAX_VLAN_TAGS = 2;

    /** Re-points the view; see {@link HeaderView}. */
    public EthernetView wrap(MemorySegment seg, long offset, long length) {
        point(seg, offset, length);
        return this;
    }

    /** Re-points the view at the whole segment. */
    public EthernetView wrap(MemorySegment seg) {
        return wrap(seg, 0, seg.byteSize());
    }

    private long mac(int off) {
        if (!has(off, 6)) {
            return -1L;
        }
        return (long) u16(off) << 32 | u32(off + 2);
    }

    private void putMac(int off, long mac) {
        put16(off, (int) (mac >>> 32));
        put32(off + 2, (int) mac);
    }

    /** Destination MAC address, or -1 if truncated. */
    public long dstMac() {
        return mac(DST_MAC);
    }

    /** Source MAC address, or -1 if truncated. */
    public long srcMac() {
        return mac(SRC_MAC);
    }

    /** The EtherType field right after the MACs (a VLAN TPID when the frame is tagged), or -1. */
    public int etherType() {
        return u16(ETHER_TYPE);
    }

    /** Number of VLAN tags (0-2); a truncated tag still counts, so that {@link #checkLength()} fails. */
    public int vlanTagCount() {
        int n = 0;
        int off = ETHER_TYPE;
        while (n < MAX_VLAN_TAGS) {
            int t = u16(off);
            if (t != EtherType.VLAN && t != EtherType.QINQ) {
                break;
            }
            n++;
            off += VLAN_TAG_LEN;
        }
        return n;
    }

    /** Tag Control Information of the outermost VLAN tag (PCP, DEI, VID), or -1 if untagged or truncated. */
    public int vlanTci() {
        return vlanTagCount() > 0 ? u16(ETHER_TYPE + 2) : -1;
    }

    /** VLAN identifier of the outermost tag, or -1. */
    public int vlanId() {
        int tci = vlanTci();
        return tci < 0 ? -1 : tci & 0xFFF;
    }

    /** Header length in bytes: 14 plus 4 per VLAN tag. */
    public int headerLength() {
        return HEADER_LEN + VLAN_TAG_LEN * vlanTagCount();
    }

    /** The EtherType of the payload, after any VLAN tags, or -1 if truncated. */
    public int payloadEtherType() {
        return u16(headerLength() - 2);
    }

    /** Offset of the payload relative to {@link #viewOffset()}. */
    public int payloadOffset() {
        return headerLength();
    }

    /** True iff the window holds the whole header, tags included. */
    public boolean checkLength() {
        return length >= headerLength();
    }

    /** Same as {@link #checkLength()}: Ethernet II has no self-identifying field to check. */
    public boolean isValid() {
        return checkLength();
    }

    public void setDstMac(long mac) {
        putMac(DST_MAC, mac);
    }

    public void setSrcMac(long mac) {
        putMac(SRC_MAC, mac);
    }

    /** Writes the EtherType field at offset 12 (the payload type of an untagged frame). */
    public void setEtherType(int type) {
        put16(ETHER_TYPE, type);
    }

    /**
     * Writes an 802.1Q tag after the MACs: TPID 0x8100 at offset 12, {@code tci} at 14, {@code payloadType} at 16.
     * The window must hold 18 bytes.
     */
    public void setVlanTag(int tci, int payloadType) {
        put16(ETHER_TYPE, EtherType.VLAN);
        put16(ETHER_TYPE + 2, tci);
        put16(ETHER_TYPE + 4, payloadType);
    }

    @Override
    public String toString() {
        return "EthernetView[dst=" + Long.toHexString(dstMac()) + ", src=" + Long.toHexString(srcMac())
                + ", type=0x" + Integer.toHexString(payloadEtherType()) + ", tags=" + vlanTagCount() + "]";
    }
}

package io.jwfp.packet.repr;

import io.jwfp.packet.EtherType;
import io.jwfp.packet.EthernetView;
import io.jwfp.packet.MalformedPacketException;

/**
 * An Ethernet II header (IEEE 802.3 clause 3.2.6), optionally with one IEEE 802.1Q tag.
 *
 * @param dstMac    destination MAC, 48 bits
 * @param srcMac    source MAC, 48 bits
 * @param vlanTci   Tag Control Information of an 802.1Q tag, or -1 for an untagged frame
 * @param etherType the payload's EtherType
 */
public record EthernetFrame(long dstMac, long srcMac, int vlanTci, int etherType) {
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;

    public EthernetFrame {
        if ((dstMac & ~MAC_MASK) != 0 || (srcMac & ~MAC_MASK) != 0) {
            throw new IllegalArgumentException("mac: more than 48 bits");
        }
        Fields.check("vlanTci", vlanTci, -1, 0xFFFF);
        Fields.check("etherType", etherType, 0, 0xFFFF);
        if (isTagType(etherType)) {
            // A TPID as payload type would make the bytes read back as a tagged frame.
            throw new IllegalArgumentException("etherType: 0x" + Integer.toHexString(etherType)
                    + " (expected: a payload type, not a VLAN TPID)");
        }
    }

    /** An untagged header. */
    public static EthernetFrame of(long dstMac, long srcMac, int etherType) {
        return new EthernetFrame(dstMac, srcMac, -1, etherType);
    }

    /** Reads an untagged or single-tagged header. */
    public static EthernetFrame parse(EthernetView view) {
        if (!view.checkLength()) {
            throw new MalformedPacketException("ethernet: truncated header");
        }
        int tags = view.vlanTagCount();
        if (tags > 1) {
            throw new MalformedPacketException("ethernet: " + tags + " VLAN tags (supported: at most 1)");
        }
        return new EthernetFrame(view.dstMac(), view.srcMac(), tags == 0 ? -1 : view.vlanTci(),
                view.payloadEtherType());
    }

    /** Header length: 14, or 18 with a tag. */
    public int bufferLength() {
        return EthernetView.HEADER_LEN + (vlanTci >= 0 ? EthernetView.VLAN_TAG_LEN : 0);
    }

    /** Writes the header at the start of the view's window. */
    public void emit(EthernetView view) {
        view.setDstMac(dstMac);
        view.setSrcMac(srcMac);
        if (vlanTci >= 0) {
            view.setVlanTag(vlanTci, etherType);
        } else {
            view.setEtherType(etherType);
        }
    }

    private static boolean isTagType(int type) {
        return type == EtherType.VLAN || type == EtherType.QINQ;
    }
}

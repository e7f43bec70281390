package io.jwfp.packet;

/** IEEE 802 EtherType values used by jwfp (IANA "IEEE 802 Numbers"). */
public final class EtherType {
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    /** IEEE 802.1Q customer VLAN tag. */
    public static final int VLAN = 0x8100;
    public static final int IPV6 = 0x86DD;
    /** IEEE 802.1ad service VLAN tag (outer tag of Q-in-Q). */
    public static final int QINQ = 0x88A8;

    private EtherType() {}
}

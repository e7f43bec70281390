package io.jwfp.shim.nfqueue.live;

/**
 * The packet-mark and connmark bits jwfp owns: the top 13 bits ({@link #MASK}). Every jwfp rule matches or changes
 * only these, so other users of the mark (WireGuard's fwmark, QoS, policy routing) keep the rest.
 *
 * <pre>
 *  bit 31  INJECTED   packet sent by jwfp itself: never queued (loop guard, WFP's injection state)
 *  bit 30  DECIDED    set by jwfp's NF_REPEAT verdict: "permitted; persist the flow bits and go on"
 *  bit 29  CT_NEW     set before queueing: conntrack state NEW or RELATED (first packet of a flow)
 *  bit 28  CT_EST     set before queueing: conntrack state ESTABLISHED
 *  bit 27  CT_REPLY   set before queueing: the packet travels in the conntrack reply direction
 *  bit 26  EST_DONE   flow bit (kept in the connmark): ALE_FLOW_ESTABLISHED was classified for the flow
 *  bits 19-25  GEN    flow bits (kept in the connmark): the ALE policy generation the flow was authorized under;
 *                     0 = never authorized. Established packets whose GEN differs from the current one are queued
 *                     again once after an ALE policy change (reauthorization).
 * </pre>
 *
 * The conntrack state travels in the mark because this kernel (and many) lacks CONFIG_NETFILTER_NETLINK_GLUE_CT, so
 * NFQA_CT never reaches user space; {@code CONNMARK --restore-mark} before queueing and {@code --save-mark} after the
 * verdict carry the flow bits, since connmark verdicts need that option too.
 */
public final class Marks {
    private Marks() {}

    public static final int INJECTED = 0x8000_0000;
    public static final int DECIDED = 0x4000_0000;
    public static final int CT_NEW = 0x2000_0000;
    public static final int CT_EST = 0x1000_0000;
    public static final int CT_REPLY = 0x0800_0000;
    public static final int EST_DONE = 0x0400_0000;
    public static final int GEN_SHIFT = 19;
    public static final int GEN_MAX = 127;
    public static final int GEN = GEN_MAX << GEN_SHIFT;
    /** The bits kept in the connmark. */
    public static final int PERSIST = EST_DONE | GEN;
    /** Every bit jwfp uses. */
    public static final int MASK = INJECTED | DECIDED | CT_NEW | CT_EST | CT_REPLY | PERSIST;

    /** The GEN field for generation {@code g} (1..127). */
    public static int gen(int g) {
        if (g < 1 || g > GEN_MAX) throw new IllegalArgumentException("generation must be 1.." + GEN_MAX + ", got " + g);
        return g << GEN_SHIFT;
    }

    /** The generation in a mark (0: none). */
    public static int genOf(int mark) {
        return (mark & GEN) >>> GEN_SHIFT;
    }

    /** The generation after {@code g}, wrapping 127 to 1 (0 is reserved for "never authorized"). */
    public static int nextGen(int g) {
        return g >= GEN_MAX ? 1 : g + 1;
    }

    /** {@code 0x...} as iptables prints it. */
    static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}

package io.jwfp.shim.sim.trace;

/** The direction a classification concerns; {@link #NONE} for socket operations (bind, listen, close). */
public enum Direction {
    INBOUND,
    OUTBOUND,
    /** Traffic this host forwards (FWPM_LAYER_IPFORWARD). */
    FORWARD,
    NONE;

    /** "inbound", "outbound" or "-". */
    public String label() {
        return this == NONE ? "-" : name().toLowerCase(java.util.Locale.ROOT);
    }
}

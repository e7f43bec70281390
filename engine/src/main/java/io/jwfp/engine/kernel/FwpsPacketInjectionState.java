package io.jwfp.engine.kernel;

/** FWPS_PACKET_INJECTION_STATE: who injected a packet, as seen from one injection handle. */
public enum FwpsPacketInjectionState {
    /** The packet was not injected (it came from the network or the stack). */
    FWPS_PACKET_NOT_INJECTED,
    /** Injected with this handle: the callout must let it pass untouched (loop guard). */
    FWPS_PACKET_INJECTED_BY_SELF,
    /** Injected with another handle. */
    FWPS_PACKET_INJECTED_BY_OTHER,
    /** Injected with this handle earlier, and since re-injected by someone else: also let it pass. */
    FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF
}

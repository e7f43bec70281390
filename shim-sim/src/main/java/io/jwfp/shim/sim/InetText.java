package io.jwfp.shim.sim;

import io.jwfp.packet.InetBits;
import java.net.InetAddress;

/** Addresses as text for traces and messages. Stateless. */
public final class InetText {
    private InetText() {}

    /** An address as people write it: IPv6 in the RFC 5952 short form ({@code fd00:200::1}). */
    public static String of(InetAddress a) {
        return InetBits.toText(a);
    }
}

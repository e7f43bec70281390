package io.jwfp.engine.kernel;

import io.jwfp.packet.NetBufferList;

/**
 * FWPS_INJECT_COMPLETE0: called once the stack is done with an injected list (delivered, sent or dropped). WFP keeps
 * the status in NET_BUFFER_LIST.Status; here it is a parameter.
 */
@FunctionalInterface
public interface FwpsInjectCompleteFn {
    void complete(Object context, NetBufferList netBufferList, NtStatus status, boolean dispatchLevel);

    /** A completion that does nothing. */
    FwpsInjectCompleteFn NONE = (c, n, s, d) -> { };
}

/**
 * The callout runtime, jwfp's fwpsk.h: {@link io.jwfp.engine.kernel.FwpsKernel} (injection, clones, flow contexts,
 * pend/complete, redirection, stream injection) and the structures it passes — {@code FWPS_STREAM_CALLOUT_IO_PACKET0},
 * {@code FWPS_STREAM_DATA0}, {@code FWPS_CONNECT_REQUEST0}, {@code FWPS_BIND_REQUEST0},
 * {@code FWPS_TRANSPORT_SEND_PARAMS1} — and its status codes. Shim-independent: the simulated network and the live
 * shims implement the interface; callouts use only this package and {@code io.jwfp.engine.callout}.
 *
 * {@snippet :
 * // At the top of every packet-modifying classifyFn: let our own injections pass (the loop guard).
 * FwpsKernel k = classifyContext.kernel();
 * NetBufferList nbl = (NetBufferList) layerData;
 * var state = k.queryPacketInjectionState(handle, nbl);
 * if (state == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF
 *         || state == FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF) {
 *     classifyOut.actionType = ActionType.FWP_ACTION_PERMIT;
 *     return;
 * }
 * }
 */
package io.jwfp.engine.kernel;

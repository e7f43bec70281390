/**
 * jwfp's live shim: nfnetlink_queue spoken over raw netlink through the Foreign Function &amp; Memory API
 * (no JNI, no libnetfilter_queue).
 *
 * <p>Entry points: {@link io.jwfp.shim.nfqueue.NfQueue} (one queue, confined to one thread) and
 * {@link io.jwfp.shim.nfqueue.NfQueueGroup} (queues N..M, a platform thread each). Handlers receive a reused
 * {@link io.jwfp.shim.nfqueue.NfPacket} and a {@link io.jwfp.shim.nfqueue.VerdictSink}; availability is
 * reported by {@link io.jwfp.shim.nfqueue.NfQueue#isAvailable()} / {@code unavailabilityCause()}.
 * The raw bindings (libc handles, struct layouts, uapi constants) are in {@code io.jwfp.shim.nfqueue.natives}.
 */
package io.jwfp.shim.nfqueue;

/**
 * Raw bindings, all in one place: libc entry points as static final method handles ({@link
 * io.jwfp.shim.nfqueue.natives.LibC}), kernel struct layouts and var handles ({@link
 * io.jwfp.shim.nfqueue.natives.Structs}) and uapi constants ({@link io.jwfp.shim.nfqueue.natives.Constants}).
 * Nothing here knows about queues; the rest of the shim builds on it.
 */
package io.jwfp.shim.nfqueue.natives;

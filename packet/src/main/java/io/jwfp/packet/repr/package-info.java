/**
 * Immutable representations of headers ({@code Ipv4Header}, {@code TcpHeader}, ...) and the {@link
 * io.jwfp.packet.repr.Packets} builder, smoltcp's {@code Repr} half of the view/representation split.
 *
 * <p>Each record validates its fields when constructed ({@link java.lang.IllegalArgumentException} with the field
 * name and the expected range), offers {@code static X parse(view)} (bytes to value; throws
 * {@link io.jwfp.packet.MalformedPacketException} on bytes it cannot represent), {@code emit(view)} (value to bytes,
 * into a view whose window is at least {@code bufferLength()} bytes) and {@code bufferLength()}. Records that hold
 * byte arrays copy them in and out, so they stay immutable; their {@code equals} compares contents.
 *
 * <p>This is the build path: it may allocate and throw. The classify path uses the views and
 * {@link io.jwfp.packet.PacketParser} instead. Everything here is immutable and thread-safe.
 */
package io.jwfp.packet.repr;

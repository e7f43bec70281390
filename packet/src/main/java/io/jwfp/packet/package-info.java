/**
 * Packet bytes for jwfp: header views over memory, the classify-path parser, checksums, and the NET_BUFFER_LIST
 * analogue. Immutable representations and the packet builder live in {@link io.jwfp.packet.repr}.
 *
 * <h2>Views and representations</h2>
 * A <em>view</em> ({@link io.jwfp.packet.Ipv4View}, {@link io.jwfp.packet.TcpView}, ...) is a re-pointable window
 * onto a header inside a {@link java.lang.foreign.MemorySegment}: offsets are {@code static final} constants, fields
 * are read and written in network byte order, unsigned fields come back widened ({@code int}, {@code long}). A
 * <em>representation</em> ({@code Ipv4Header}, {@code TcpHeader}, ...) is an immutable record holding the fields as
 * values, with {@code parse(view)} and {@code emit(view)} between the two. Views are for the hot path; records are
 * for building and checking packets.
 *
 * <h2>Contracts</h2>
 * <ul>
 *   <li><b>Never throw on bytes.</b> Every view getter is bounds-checked and returns a documented default (-1, 0,
 *   false) for a field the bytes do not hold; {@link io.jwfp.packet.PacketParser} reports what is missing or wrong
 *   as {@link io.jwfp.packet.ParsedPacket} flags. Only caller bugs throw (negative offsets, closed arenas). Record
 *   {@code parse} methods, on the build path, throw {@link io.jwfp.packet.MalformedPacketException}.</li>
 *   <li><b>No allocation</b> in {@code wrap}, getters, checksum helpers and the parser; a test counts the bytes
 *   allocated by 10,000 parses.</li>
 *   <li><b>Buffers are borrowed.</b> Views, parsed packets and net buffer lists reference the caller's segment and
 *   never copy or free it; the caller keeps it alive while they are used.</li>
 *   <li><b>Threads.</b> Views, {@code ParsedPacket} and {@code NetBufferList} are mutable and single-threaded: keep
 *   one per thread (or per classification). {@link io.jwfp.packet.Checksums}, {@code PacketParser} and the records
 *   are stateless or immutable and thread-safe.</li>
 * </ul>
 *
 * {@snippet :
 * // One per thread, reused for every packet.
 * ParsedPacket p = new ParsedPacket();
 * if (PacketParser.parseIp(seg, off, len, p, ChecksumPolicy.VERIFY) && p.has(ParsedPacket.HAS_PORTS)) {
 *     int remote = p.dstV4();          // IPv4 address as a big-endian int
 *     int port = p.dstPort();
 *     TcpView tcp = p.tcp();           // already wrapped over the TCP segment when protocol() is TCP
 * }
 * }
 */
package io.jwfp.packet;

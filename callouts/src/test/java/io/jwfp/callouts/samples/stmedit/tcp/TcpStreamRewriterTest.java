package io.jwfp.callouts.samples.stmedit.tcp;

import static io.jwfp.packet.TcpView.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import io.jwfp.packet.repr.TcpHeader;
import io.jwfp.packet.repr.TcpOption;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rewriter on scripted packets: what each case of the design does to numbers, payloads and options. */
class TcpStreamRewriterTest {
    /** A decoded output packet. */
    record Seg(long seq, long ack, int flags, String payload, List<long[]> sack) {}

    static final long A_ISN = 1000, B_ISN = 5000;
    final Wire w;

    TcpStreamRewriterTest() throws Exception {
        w = new Wire(false);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Host A (local, 10.0.0.1 or fd00::1) and B, and the rewriter between them. */
    static final class Wire {
        final InetAddress a, b;
        final TcpStreamRewriter rw;

        Wire(boolean v6) throws Exception {
            a = InetAddress.getByName(v6 ? "fd00::1" : "10.0.0.1");
            b = InetAddress.getByName(v6 ? "fd00::2" : "10.0.0.2");
            rw = new TcpStreamRewriter(new FindReplace(bytes("rainy"), bytes("cloudy")), StreamTransform.identity());
        }

        byte[] pkt(boolean fromA, long seq, long ack, int flags, String payload, TcpOption... options) {
            TcpHeader h = new TcpHeader(fromA ? 40000 : 8888, fromA ? 8888 : 40000, seq & 0xFFFF_FFFFL,
                    ack & 0xFFFF_FFFFL, flags, 65535, 0, List.of(options));
            return Packets.tcp(fromA ? a : b, fromA ? b : a, h, bytes(payload));
        }

        /** Sends a packet through the rewriter and decodes what comes out, checking every checksum. */
        List<Seg> send(boolean fromA, long seq, long ack, int flags, String payload, TcpOption... options) {
            List<Seg> out = new ArrayList<>();
            for (byte[] p : rw.rewrite(pkt(fromA, seq, ack, flags, payload, options), fromA)) out.add(decode(p));
            return out;
        }

        void handshake() {
            send(true, A_ISN, 0, FLAG_SYN, "", new TcpOption.Mss(1460));
            send(false, B_ISN, A_ISN + 1, FLAG_SYN | FLAG_ACK, "", new TcpOption.Mss(1000));
            send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "");
        }
    }

    static Seg decode(byte[] p) {
        ParsedPacket pp = new ParsedPacket();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(p), 0, p.length, pp, ChecksumPolicy.VERIFY)).isTrue();
        assertThat(pp.has(ParsedPacket.BAD_IP_CHECKSUM)).as("IP checksum").isFalse();
        assertThat(pp.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).as("TCP checksum").isFalse();
        assertThat(pp.isMalformed()).isFalse();
        int t = (int) pp.transportOffset();
        List<long[]> sack = new ArrayList<>();
        for (int pos = t + 20; pos < t + pp.transportHeaderSize(); ) {
            int kind = p[pos] & 0xFF;
            if (kind == 0) break;
            if (kind == 1) {
                pos++;
                continue;
            }
            int len = p[pos + 1] & 0xFF;
            if (kind == 5) {
                for (int q = pos + 2; q < pos + len; q += 8) {
                    sack.add(new long[] {TcpStreamRewriter.u32(p, q), TcpStreamRewriter.u32(p, q + 4)});
                }
            }
            pos += len;
        }
        return new Seg(TcpStreamRewriter.u32(p, t + 4), TcpStreamRewriter.u32(p, t + 8),
                TcpStreamRewriter.u16(p, t + 12) & FLAGS_MASK,
                new String(p, (int) pp.payloadOffset(), pp.payloadLength(), StandardCharsets.US_ASCII), sack);
    }

    @Test
    void lengthChangingEditMovesSeqAndAckAndARetransmissionGetsTheSameBytes() {
        w.handshake();
        List<Seg> first = w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK | FLAG_PSH, "it is rainy");
        assertThat(first).containsExactly(new Seg(A_ISN + 1, B_ISN + 1, FLAG_ACK | FLAG_PSH, "it is cloudy", List.of()));
        List<Seg> again = w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK | FLAG_PSH, "it is rainy");
        assertThat(again).isEqualTo(first);
        // The next original segment starts one byte further on in the edited stream.
        assertThat(w.send(true, A_ISN + 12, B_ISN + 1, FLAG_ACK, "!").getFirst().seq()).isEqualTo(A_ISN + 13);
        // B acknowledges edited bytes; A sees its own numbers.
        assertThat(w.send(false, B_ISN + 1, A_ISN + 13, FLAG_ACK, "").getFirst().ack()).isEqualTo(A_ISN + 12);
        assertThat(w.send(false, B_ISN + 1, A_ISN + 14, FLAG_ACK, "").getFirst().ack()).isEqualTo(A_ISN + 13);
    }

    @Test
    void aPatternSplitAcrossSegmentsIsHeldThenCompleted() {
        w.handshake();
        assertThat(w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "abc rai"))
                .containsExactly(new Seg(A_ISN + 1, B_ISN + 1, FLAG_ACK, "abc ", List.of()));
        assertThat(w.send(true, A_ISN + 8, B_ISN + 1, FLAG_ACK, "ny!"))
                .containsExactly(new Seg(A_ISN + 5, B_ISN + 1, FLAG_ACK, "cloudy!", List.of()));
        // A retransmission cut differently gets the edited bytes of the checkpoints around it, same numbers.
        assertThat(w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "abc rainy!"))
                .containsExactly(new Seg(A_ISN + 1, B_ISN + 1, FLAG_ACK, "abc cloudy!", List.of()));
        assertThat(w.send(true, A_ISN + 9, B_ISN + 1, FLAG_ACK, "y!"))
                .containsExactly(new Seg(A_ISN + 5, B_ISN + 1, FLAG_ACK, "cloudy!", List.of()));
        // B has "abc ": the held "rai" counts as acknowledged (its edited bytes travel with "ny!", unacknowledged).
        assertThat(w.send(false, B_ISN + 1, A_ISN + 5, FLAG_ACK, "").getFirst().ack()).isEqualTo(A_ISN + 8);
        // What B has is no longer kept: the same coalesced retransmission now gets only what B lacks.
        assertThat(w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "abc rainy!"))
                .containsExactly(new Seg(A_ISN + 5, B_ISN + 1, FLAG_ACK, "cloudy!", List.of()));
    }

    @Test
    void sackBlocksShrinkToWholeCheckpointRangesOrVanish() {
        w.handshake();
        w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "abc rai");
        w.send(true, A_ISN + 8, B_ISN + 1, FLAG_ACK, "ny!");
        w.send(true, A_ISN + 11, B_ISN + 1, FLAG_ACK, "0123456789");
        // Edited: [1,5) "abc ", [5,12) "cloudy!", [12,22) digits. B lost "abc " and reports the rest.
        Seg s = w.send(false, B_ISN + 1, A_ISN + 1, FLAG_ACK, "",
                new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Sack(List.of(
                        new TcpOption.SackBlock(A_ISN + 5, A_ISN + 22),
                        new TcpOption.SackBlock(A_ISN + 14, A_ISN + 16)))).getFirst();
        assertThat(s.ack()).isEqualTo(A_ISN + 1);
        // The first block covers two whole checkpoint ranges: original [8, 21); the second covers none: gone.
        assertThat(s.sack()).hasSize(1);
        assertThat(s.sack().getFirst()).containsExactly(A_ISN + 8, A_ISN + 21);
    }

    @Test
    void heldTailGoesOutBeforeTheFinAndTheFinIsRenumbered() {
        w.handshake();
        assertThat(w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "it will rai").getFirst().payload()).isEqualTo("it will ");
        List<Seg> fin = w.send(true, A_ISN + 12, B_ISN + 1, FLAG_ACK | FLAG_FIN, "");
        assertThat(fin).containsExactly(new Seg(A_ISN + 9, B_ISN + 1, FLAG_ACK | FLAG_FIN, "rai", List.of()));
        // A retransmitted FIN carries the tail again.
        assertThat(w.send(true, A_ISN + 12, B_ISN + 1, FLAG_ACK | FLAG_FIN, "")).isEqualTo(fin);
        // B's ACK of the FIN (edited offset 13) is A's FIN + 1.
        assertThat(w.send(false, B_ISN + 1, A_ISN + 13, FLAG_ACK, "").getFirst().ack()).isEqualTo(A_ISN + 13);
        assertThat(w.send(false, B_ISN + 1, A_ISN + 13, FLAG_ACK | FLAG_FIN, "").getFirst().flags() & FLAG_FIN)
                .isEqualTo(FLAG_FIN);
        w.send(true, A_ISN + 13, B_ISN + 2, FLAG_ACK, "");
        assertThat(w.rw.isClosed()).isTrue();
    }

    @Test
    void dataAheadOfAGapWaitsForIt() {
        w.handshake();
        assertThat(w.send(true, A_ISN + 6, B_ISN + 1, FLAG_ACK, "ny day")).isEmpty();
        List<Seg> out = w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "a rai");
        assertThat(out.stream().map(Seg::payload).reduce("", String::concat)).isEqualTo("a cloudy day");
        assertThat(out.getFirst().seq()).isEqualTo(A_ISN + 1);
        assertThat(w.rw.stats().get("heldAhead")).isEqualTo(1L);
    }

    @Test
    void retransmissionOfDataTheReceiverHasIsAnsweredWithAnOldByteProbe() {
        w.handshake();
        w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "rainy");
        w.send(false, B_ISN + 1, A_ISN + 7, FLAG_ACK, ""); // B has all 6 edited bytes; say this ACK got lost
        List<Seg> p = w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "rainy");
        assertThat(p).hasSize(1);
        assertThat(p.getFirst().seq()).isEqualTo(A_ISN + 6);
        assertThat(p.getFirst().payload()).hasSize(1);
        assertThat(w.rw.stats().get("probes")).isEqualTo(1L);
    }

    @Test
    void resetIsRenumbered() {
        w.handshake();
        w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, "rainy");
        assertThat(w.send(true, A_ISN + 6, B_ISN + 1, FLAG_RST | FLAG_ACK, ""))
                .containsExactly(new Seg(A_ISN + 7, B_ISN + 1, FLAG_RST | FLAG_ACK, "", List.of()));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void superPacketsAreEditedAndSplitFirstAtTheInputSizeThenAtTheMssWithValidChecksums(boolean v6) throws Exception {
        Wire t = new Wire(v6);
        t.handshake();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) sb.append("rainy day ");
        String in = sb.toString(); // 20 000 bytes become 22 000; B's MSS is 1000
        List<Seg> out = t.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK | FLAG_PSH, in);
        // The first takes the super-packet's place; the others are new packets, which must fit the receiver's MSS.
        assertThat(out).hasSize(3);
        assertThat(out.get(0).payload()).hasSize(in.length());
        assertThat(out.get(1).payload()).hasSize(1000);
        assertThat(out.get(2).payload()).hasSize(1000);
        assertThat(out.get(0).flags() & FLAG_PSH).isZero();
        assertThat(out.get(1).flags() & FLAG_PSH).isZero();
        assertThat(out.get(2).flags() & FLAG_PSH).isEqualTo(FLAG_PSH);
        assertThat(out.get(1).seq()).isEqualTo(A_ISN + 1 + in.length());
        assertThat(out.get(2).seq()).isEqualTo(A_ISN + 1 + in.length() + 1000);
        assertThat(out.stream().map(Seg::payload).reduce("", String::concat)).isEqualTo(in.replace("rainy", "cloudy"));
    }

    @Test
    void segmentsLargerThanTheInputAreCutAtTheReceiversMss() {
        w.handshake();
        char[] c = new char[990];
        Arrays.fill(c, 'r');
        String in = new String(c).substring(0, 985) + "rainy"; // 990 bytes -> 991; B's MSS is 1000
        List<Seg> out = w.send(true, A_ISN + 1, B_ISN + 1, FLAG_ACK, in + "rainy".repeat(2));
        assertThat(out.stream().mapToInt(s -> s.payload().length()).max().orElseThrow()).isLessThanOrEqualTo(1000);
        assertThat(out.stream().map(Seg::payload).reduce("", String::concat))
                .isEqualTo((in + "rainy".repeat(2)).replace("rainy", "cloudy"));
    }

    @Test
    void findReplaceGivesTheSameResultHoweverTheStreamIsCut() {
        byte[] data = bytes("rainrainyrainyy rain rainy rai");
        byte[] whole = FindReplace.replaceAll(data, bytes("rainy"), bytes("sun"));
        assertThat(new String(whole, StandardCharsets.US_ASCII)).isEqualTo("rainsunsuny rain sun rai");
        for (int cut = 0; cut <= data.length; cut++) {
            FindReplace f = new FindReplace(bytes("rainy"), bytes("sun"));
            byte[] x = f.push(data, 0, cut), y = f.push(data, cut, data.length - cut), z = f.finish();
            assertThat(new String(x) + new String(y) + new String(z)).isEqualTo(new String(whole));
        }
    }

    @Test
    void aStoppedTransformHandsOnWhatItHeldThenPassesEverything() {
        boolean[] stopped = {false};
        StreamTransform t = StreamTransform.stoppable(new FindReplace(bytes("rainy"), bytes("sun")), () -> stopped[0]);
        assertThat(new String(t.push(bytes("a rainy rai"), 0, 11))).isEqualTo("a sun ");
        stopped[0] = true;
        assertThat(new String(t.push(bytes("ny rainy"), 0, 8))).isEqualTo("rainy rainy");
        assertThat(t.finish()).isEmpty();
    }
}

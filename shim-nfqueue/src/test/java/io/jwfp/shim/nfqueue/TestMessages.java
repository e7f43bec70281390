package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;

/**
 * Builds kernel-side netlink messages (what nfnetlink_queue sends) for parser tests, written independently of
 * the shim's own writers so the two cannot agree on the same mistake.
 */
public final class TestMessages {
    /** A real NFQNL_MSG_PACKET captured on Linux 6.18: UDP "hello\n" 10.200.0.1 -> 10.200.0.2:9999 sent by uid/gid 65534. */
    public static final String CAPTURED_UDP_UID =
            "66000000000300000000000000000000020000070b00010000000001080003000800060000000002080010000000fffe"
            + "080011000000fffe08000e000000000126000a0045000022734c40004011b1ec0ac800010ac80002e1c7270f000e15b2"
            + "68656c6c6f0a";

    private final ByteBuffer b = ByteBuffer.allocate(1 << 17).order(ByteOrder.nativeOrder());
    private final Deque<Integer> open = new ArrayDeque<>();
    private int msgStart;

    public TestMessages begin(int type, int family, int queue) {
        msgStart = b.position();
        b.putInt(0).putShort((short) type).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) family).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) queue).order(ByteOrder.nativeOrder());
        return this;
    }

    public TestMessages attr(int type, byte[] value) {
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
        return this;
    }

    public TestMessages be32(int type, int v) {
        return attr(type, ByteBuffer.allocate(4).putInt(v).array());
    }

    public TestMessages be16(int type, int v) {
        return attr(type, ByteBuffer.allocate(2).putShort((short) v).array());
    }

    public TestMessages u8(int type, int v) {
        return attr(type, new byte[] {(byte) v});
    }

    public TestMessages nest(int type) {
        open.push(b.position());
        b.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
        return this;
    }

    public TestMessages end() {
        int start = open.pop();
        b.putShort(start, (short) (b.position() - start));
        return this;
    }

    public TestMessages packetHeader(int id, int hwProto, int hook) {
        return attr(NFQA_PACKET_HDR, ByteBuffer.allocate(7).putInt(id).putShort((short) hwProto).put((byte) hook).array());
    }

    public TestMessages finish() {
        b.putInt(msgStart, b.position() - msgStart);
        return this;
    }

    /** Appends an NLMSG_ERROR answering {@code seq}/{@code type} with {@code error} (negative errno or 0). */
    public TestMessages error(int error, int seq, int type) {
        int start = b.position();
        b.putInt(36).putShort((short) NLMSG_ERROR).putShort((short) NLM_F_CAPPED).putInt(seq).putInt(0);
        b.putInt(error);
        b.putInt(32).putShort((short) type).putShort((short) 0).putInt(seq).putInt(0);
        b.putInt(start, b.position() - start);
        return this;
    }

    public byte[] bytes() {
        byte[] out = new byte[b.position()];
        b.duplicate().flip().get(out);
        return out;
    }

    public static MemorySegment native_(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(Math.max(bytes.length, 8), 8);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}

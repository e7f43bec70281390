package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.natives.Constants.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Message encoding and decoding over plain memory: runs anywhere, no privileges. */
class NfqMessagesTest {
    private static String hexOf(MemorySegment s, long len) {
        return HexFormat.of().formatHex(s.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void parsesACapturedKernelMessage() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] raw = TestMessages.hex(TestMessages.CAPTURED_UDP_UID);
            MemorySegment seg = TestMessages.native_(arena, raw);
            NfPacket p = new NfPacket();
            assertThat(NfqMessages.parsePacket(seg, 0, raw.length, p)).isTrue();
            assertThat(p.id()).isEqualTo(1);
            assertThat(p.queueNumber()).isEqualTo(7);
            assertThat(p.family()).isEqualTo(AF_INET);
            assertThat(p.hwProtocol()).isEqualTo(0x0800);
            assertThat(p.hook()).isEqualTo(NF_INET_LOCAL_OUT);
            assertThat(p.outIfindex()).isEqualTo(2);
            assertThat(p.inIfindex()).isZero();
            assertThat(p.hasUid()).isTrue();
            assertThat(p.uid()).isEqualTo(65534);
            assertThat(p.gid()).isEqualTo(65534);
            assertThat(p.isChecksumNotReady()).isTrue();
            assertThat(p.isGso()).isFalse();
            assertThat(p.hasMark()).isFalse();
            assertThat(p.hasConntrack()).isFalse();
            assertThat(p.ctInfo()).isEqualTo(-1);
            assertThat(p.payloadLength()).isEqualTo(34);
            assertThat(p.payloadByte(0)).isEqualTo((byte) 0x45);
            assertThat(p.payloadInt(12)).isEqualTo(0x0ac80001); // source 10.200.0.1
            assertThat(p.payloadUnsignedShort(22)).isEqualTo(9999); // UDP destination port
            assertThat(new String(p.payload().asSlice(28).toArray(ValueLayout.JAVA_BYTE))).isEqualTo("hello\n");
            assertThat(p.isTruncated()).isFalse();
        }
    }

    @Test
    void parsesEveryAttributeIncludingNestedConntrack() {
        TestMessages m = new TestMessages().begin(NFQ_TYPE_PACKET, AF_INET6, 0x1234)
                .packetHeader(0xfffffff0, 0x86dd, NF_INET_FORWARD)
                .be32(NFQA_MARK, 0xdeadbeef)
                .attr(NFQA_TIMESTAMP, new byte[] {0, 0, 0, 0, 0x65, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x03, (byte) 0xe8})
                .be32(NFQA_IFINDEX_INDEV, 4)
                .be32(NFQA_IFINDEX_OUTDEV, 5)
                .be32(NFQA_IFINDEX_PHYSINDEV, 6)
                .be32(NFQA_IFINDEX_PHYSOUTDEV, 7)
                .attr(NFQA_HWADDR, new byte[] {0, 6, 0, 0, 2, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0})
                .nest(NFQA_CT)
                    .nest(CTA_TUPLE_ORIG)
                        .nest(CTA_TUPLE_IP)
                            .attr(CTA_IP_V6_SRC, TestMessages.hex("fd000200000000000000000000000001"))
                            .attr(CTA_IP_V6_DST, TestMessages.hex("fd000200000000000000000000000002"))
                        .end()
                        .nest(CTA_TUPLE_PROTO).u8(CTA_PROTO_NUM, 6).be16(CTA_PROTO_SRC_PORT, 40000)
                            .be16(CTA_PROTO_DST_PORT, 443).end()
                    .end()
                    .nest(CTA_TUPLE_REPLY)
                        .nest(CTA_TUPLE_IP)
                            .attr(CTA_IP_V6_SRC, TestMessages.hex("fd000200000000000000000000000002"))
                            .attr(CTA_IP_V6_DST, TestMessages.hex("fd000200000000000000000000000001"))
                        .end()
                        .nest(CTA_TUPLE_PROTO).u8(CTA_PROTO_NUM, 6).be16(CTA_PROTO_SRC_PORT, 443)
                            .be16(CTA_PROTO_DST_PORT, 40000).end()
                    .end()
                    .be32(CTA_STATUS, Conntrack.IPS_CONFIRMED | Conntrack.IPS_SEEN_REPLY)
                    .be32(CTA_TIMEOUT, 431999)
                    .be32(CTA_MARK, 0x77)
                    .be32(CTA_ID, 0x89abcdef)
                    .be32(CTA_USE, 1)
                .end()
                .be32(NFQA_CT_INFO, IP_CT_ESTABLISHED_REPLY)
                .be32(NFQA_CAP_LEN, 1500)
                .be32(NFQA_SKB_INFO, NFQA_SKB_GSO | NFQA_SKB_CSUM_NOTVERIFIED)
                .be32(NFQA_UID, 1000)
                .be32(NFQA_GID, 100)
                .attr(NFQA_SECCTX, "system_u:object_r:x\0".getBytes())
                .nest(NFQA_VLAN).be16(NFQA_VLAN_PROTO, 0x8100).be16(NFQA_VLAN_TCI, 42).end()
                .be32(NFQA_PRIORITY, 6)
                .attr(NFQA_PAYLOAD, new byte[] {0x60, 1, 2, 3, 4})
                .finish();
        byte[] raw = m.bytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = TestMessages.native_(arena, raw);
            NfPacket p = new NfPacket();
            assertThat(NfqMessages.parsePacket(seg, 0, raw.length, p)).isTrue();
            assertThat(p.id()).isEqualTo(0xfffffff0);
            assertThat(p.queueNumber()).isEqualTo(0x1234);
            assertThat(p.family()).isEqualTo(AF_INET6);
            assertThat(p.hwProtocol()).isEqualTo(0x86dd);
            assertThat(p.hook()).isEqualTo(NF_INET_FORWARD);
            assertThat(p.hasMark()).isTrue();
            assertThat(p.mark()).isEqualTo(0xdeadbeef);
            assertThat(p.hasTimestamp()).isTrue();
            assertThat(p.timestampSeconds()).isEqualTo(0x65000001L);
            assertThat(p.timestampMicros()).isEqualTo(1000);
            assertThat(p.inIfindex()).isEqualTo(4);
            assertThat(p.outIfindex()).isEqualTo(5);
            assertThat(p.physInIfindex()).isEqualTo(6);
            assertThat(p.physOutIfindex()).isEqualTo(7);
            assertThat(p.hwAddrLength()).isEqualTo(6);
            assertThat(p.hwAddrByte(0)).isEqualTo((byte) 2);
            assertThat(p.hwAddrByte(5)).isEqualTo((byte) 0x55);
            assertThat(p.ctInfo()).isEqualTo(NfPacket.CT_ESTABLISHED_REPLY);
            assertThat(NfPacket.ctInfoName(p.ctInfo())).isEqualTo("ESTABLISHED_REPLY");
            assertThat(p.capLen()).isEqualTo(1500);
            assertThat(p.originalLength()).isEqualTo(1500);
            assertThat(p.isTruncated()).isTrue();
            assertThat(p.isGso()).isTrue();
            assertThat(p.isChecksumNotVerified()).isTrue();
            assertThat(p.isChecksumNotReady()).isFalse();
            assertThat(p.uid()).isEqualTo(1000);
            assertThat(p.gid()).isEqualTo(100);
            assertThat(p.vlanProto()).isEqualTo(0x8100);
            assertThat(p.vlanTci()).isEqualTo(42);
            assertThat(p.priority()).isEqualTo(6);
            assertThat(p.payloadLength()).isEqualTo(5);
            assertThat(p.payloadByte(4)).isEqualTo((byte) 4);

            assertThat(p.hasConntrack()).isTrue();
            Conntrack ct = p.conntrack();
            assertThat(ct.id()).isEqualTo(0x89abcdefL);
            assertThat(ct.status()).isEqualTo(Conntrack.IPS_CONFIRMED | Conntrack.IPS_SEEN_REPLY);
            assertThat(ct.mark()).isEqualTo(0x77);
            assertThat(ct.timeout()).isEqualTo(431999);
            CtTuple o = ct.original();
            assertThat(o.isIpv6()).isTrue();
            assertThat(o.ipv6SourceHigh()).isEqualTo(0xfd00020000000000L);
            assertThat(o.ipv6SourceLow()).isEqualTo(1);
            assertThat(o.destinationAddress().getHostAddress()).isEqualTo("fd00:200:0:0:0:0:0:2");
            assertThat(o.protocol()).isEqualTo(6);
            assertThat(o.sourcePort()).isEqualTo(40000);
            assertThat(o.destinationPort()).isEqualTo(443);
            assertThat(ct.reply().sourcePort()).isEqualTo(443);
            assertThat(ct.reply().ipv6SourceLow()).isEqualTo(2);

            // The same record is reused: a second, sparse message must not inherit anything.
            byte[] sparse = new TestMessages().begin(NFQ_TYPE_PACKET, AF_INET, 1).packetHeader(9, 0x800, 1).finish().bytes();
            MemorySegment s2 = TestMessages.native_(arena, sparse);
            assertThat(NfqMessages.parsePacket(s2, 0, sparse.length, p)).isTrue();
            assertThat(p.id()).isEqualTo(9);
            assertThat(p.hasMark()).isFalse();
            assertThat(p.hasConntrack()).isFalse();
            assertThat(p.conntrack().original().family()).isZero();
            assertThat(p.hasUid()).isFalse();
            assertThat(p.hasPayload()).isFalse();
            assertThat(p.payload()).isEqualTo(MemorySegment.NULL);
            assertThat(p.capLen()).isEqualTo(-1);
            assertThat(p.skbInfo()).isZero();
        }
    }

    @Test
    void ipv4ConntrackTupleAndIcmp() {
        byte[] raw = new TestMessages().begin(NFQ_TYPE_PACKET, AF_INET, 3).packetHeader(5, 0x800, 3)
                .nest(NFQA_CT)
                    .nest(CTA_TUPLE_ORIG)
                        .nest(CTA_TUPLE_IP).be32(CTA_IP_V4_SRC, 0x0ac80001).be32(CTA_IP_V4_DST, 0x0ac80002).end()
                        .nest(CTA_TUPLE_PROTO).u8(CTA_PROTO_NUM, 1).be16(CTA_PROTO_ICMP_ID, 77)
                            .u8(CTA_PROTO_ICMP_TYPE, 8).u8(CTA_PROTO_ICMP_CODE, 0).end()
                    .end()
                    .be32(CTA_ID, 1)
                .end()
                .be32(NFQA_CT_INFO, IP_CT_NEW)
                .finish().bytes();
        try (Arena arena = Arena.ofConfined()) {
            NfPacket p = new NfPacket();
            assertThat(NfqMessages.parsePacket(TestMessages.native_(arena, raw), 0, raw.length, p)).isTrue();
            CtTuple o = p.conntrack().original();
            assertThat(o.isIpv4()).isTrue();
            assertThat(o.ipv4Source()).isEqualTo(0x0ac80001);
            assertThat(o.sourceAddress().getHostAddress()).isEqualTo("10.200.0.1");
            assertThat(o.protocol()).isEqualTo(1);
            assertThat(o.icmpId()).isEqualTo(77);
            assertThat(o.icmpType()).isEqualTo(8);
            assertThat(o.sourcePort()).isEqualTo(-1);
            assertThat(p.ctInfo()).isEqualTo(NfPacket.CT_NEW);
            assertThat(p.conntrack().reply().family()).isZero();
            assertThat(o.toString()).contains("10.200.0.1 -> 10.200.0.2", "icmp type 8");
        }
    }

    @Test
    void messageCutByTheSocketIsReportedTruncatedAndNeverReadPast() {
        byte[] raw = TestMessages.hex(TestMessages.CAPTURED_UDP_UID);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = TestMessages.native_(arena, raw);
            NfPacket p = new NfPacket();
            // Cut inside the payload attribute.
            assertThat(NfqMessages.parsePacket(seg, 0, raw.length - 10, p)).isTrue();
            assertThat(p.isTruncated()).isTrue();
            assertThat(p.payloadLength()).isEqualTo(24);
            // Cut inside the packet header: no usable packet.
            assertThat(NfqMessages.parsePacket(seg, 0, 26, p)).isFalse();
            // Garbage attribute length 0 must terminate, not loop.
            MemorySegment bad = arena.allocate(32, 8);
            MemorySegment.copy(seg, 0, bad, 0, 20);
            bad.set(ValueLayout.JAVA_INT, 0, 32);
            assertThat(NfqMessages.parsePacket(bad, 0, 32, p)).isFalse();
        }
    }

    @Test
    void bindAndConfigureMessageMatchesTheKernelAbi() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(256, 8);
            long len = NfqMessages.writeBindAndConfigure(s, 0, 0x01020304, 5, NFQNL_COPY_PACKET, 0xfffb, 4096,
                    NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN, 0xf);
            assertThat(len).isEqualTo(64);
            // nlmsghdr (host order: little endian on x86_64/aarch64)
            assertThat(hexOf(s, 16)).isEqualTo("40000000" + "0203" + "0500" + "04030201" + "00000000");
            // nfgenmsg: AF_UNSPEC, v0, res_id=htons(5)
            assertThat(hexOf(s.asSlice(16), 4)).isEqualTo("00000005");
            // NFQA_CFG_CMD {BIND, pad, pf 0}
            assertThat(hexOf(s.asSlice(20), 8)).isEqualTo("0800" + "0100" + "01000000");
            // NFQA_CFG_PARAMS {be32 range, u8 mode} + 3 bytes padding
            assertThat(hexOf(s.asSlice(28), 12)).isEqualTo("0900" + "0200" + "0000fffb" + "02" + "000000");
            assertThat(hexOf(s.asSlice(40), 8)).isEqualTo("0800" + "0300" + "00001000");
            assertThat(hexOf(s.asSlice(48), 8)).isEqualTo("0800" + "0400" + "0000000f");
            assertThat(hexOf(s.asSlice(56), 8)).isEqualTo("0800" + "0500" + "00000005");
        }
    }

    @Test
    void verdictMessagesMatchTheKernelAbi() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(256, 8);
            long len = NfqMessages.writeVerdict(s, 0, 7, 42, NF_ACCEPT, false, 0, false, 0, null, 0, -1);
            assertThat(len).isEqualTo(NfqMessages.PLAIN_VERDICT_SIZE).isEqualTo(32);
            assertThat(hexOf(s, 32)).isEqualTo("20000000" + "0103" + "0100" + "2a000000" + "00000000"
                    + "00000007" + "0c00" + "0200" + "00000001" + "0000002a");

            len = NfqMessages.writeBatchVerdict(s, 0, 7, 100, NF_DROP, true, 0x2a);
            assertThat(len).isEqualTo(40);
            assertThat(hexOf(s, 40)).isEqualTo("28000000" + "0303" + "0100" + "64000000" + "00000000"
                    + "00000007" + "0c00" + "0200" + "00000000" + "00000064" + "0800" + "0300" + "0000002a");

            MemorySegment payload = TestMessages.native_(arena, new byte[] {1, 2, 3, 4, 5});
            s.fill((byte) 0x55);
            len = NfqMessages.writeVerdict(s, 0, 7, 1, NF_ACCEPT, true, 9, true, 0x77, payload, 1, 3);
            assertThat(len).isEqualTo(NfqMessages.verdictSize(true, true, 3)).isEqualTo(32 + 8 + 12 + 8);
            assertThat(s.get(ValueLayout.JAVA_INT, 0)).isEqualTo(60);
            // NFQA_MARK, then NFQA_CT(nested){CTA_MARK}, then NFQA_PAYLOAD with zeroed padding
            assertThat(hexOf(s.asSlice(32), 28)).isEqualTo("0800" + "0300" + "00000009"
                    + "0c00" + "0b80" + "0800" + "0800" + "00000077"
                    + "0700" + "0a00" + "020304" + "00");
        }
    }

    @Test
    void errorsAndExtendedAckTextAreDecoded() {
        byte[] raw = new TestMessages().error(-EPERM, 77, NFQ_TYPE_CONFIG).bytes();
        // Add an NLMSGERR_ATTR_MSG and the ACK_TLVS flag.
        byte[] msg = "queue busy\0".getBytes();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(raw.length + 4 + 12).order(java.nio.ByteOrder.nativeOrder());
        b.put(raw).putShort((short) (4 + msg.length)).putShort((short) NLMSGERR_ATTR_MSG).put(msg).put((byte) 0);
        b.putInt(0, b.capacity());
        b.putShort(6, (short) (NLM_F_CAPPED | NLM_F_ACK_TLVS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = TestMessages.native_(arena, b.array());
            assertThat(NfqMessages.messageType(s, 0)).isEqualTo(NLMSG_ERROR);
            assertThat(NfqMessages.errorCode(s, 0)).isEqualTo(-EPERM);
            assertThat(NfqMessages.errorRequestSeq(s, 0)).isEqualTo(77);
            assertThat(NfqMessages.errorRequestType(s, 0)).isEqualTo(NFQ_TYPE_CONFIG);
            assertThat(NfqMessages.errorExtAckMessage(s, 0, b.capacity())).isEqualTo("queue busy");
        }
    }

    @Test
    void kernelQueueStatsLinesAreParsed() {
        String proc = "    7  16226     3 2 65531     5     9       42  1\n"
                + "   12 4294967295     0 2 65531     0     0        0  1\n";
        var all = KernelQueueStats.parse(proc);
        assertThat(all).hasSize(2);
        assertThat(all.get(0)).isEqualTo(new KernelQueueStats(7, 16226, 3, 2, 65531, 5, 9, 42));
        assertThat(all.get(1).portId()).isEqualTo(4294967295L);
    }
}

package io.jwfp.shim.nfqueue.live;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.shim.nfqueue.live.PacketPipelineTest.A;
import static io.jwfp.shim.nfqueue.live.PacketPipelineTest.B;
import static io.jwfp.shim.nfqueue.live.PacketPipelineTest.NEW;
import static io.jwfp.shim.nfqueue.live.PacketPipelineTest.SYN;
import static io.jwfp.shim.nfqueue.live.PacketPipelineTest.tcp;
import static io.jwfp.shim.nfqueue.live.PacketPipelineTest.udp;
import static io.jwfp.shim.nfqueue.live.PipelineHarness.IN;
import static io.jwfp.shim.nfqueue.live.PipelineHarness.OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.CompletionContext;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.PacketParser;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.shim.nfqueue.Verdict;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The out-of-band callout runtime on NFQUEUE ({@link LiveKernel}): pended ALE operations and packets absorbed now and
 * injected later hold their queued packet (no verdict) until the callout acts from a work item; then the deferred
 * verdict carries what the reauthorization or the injected clone says. Work items and out-of-band steps run when the
 * test says, so every interleaving here is deterministic.
 */
class OutOfBandTest {
    @TempDir
    Path tmp;
    PipelineHarness h;
    FwpsKernel k;
    InjectionHandle handle;

    @BeforeEach
    void setUp() throws Exception {
        h = new PipelineHarness(tmp);
        k = h.kernel;
        handle = k.injectionHandleCreate(AddressFamily.AF_UNSPEC,
                FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT | FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static long flags(FwpsIncomingValues in) {
        int i = in.layer().fieldIndex(Conditions.FWPM_CONDITION_FLAGS);
        return i < 0 || in.isEmpty(i) ? 0 : in.keyLo(i);
    }

    private static long reauthReason(FwpsIncomingValues in) {
        int i = in.layer().fieldIndex(Conditions.FWPM_CONDITION_REAUTHORIZE_REASON);
        return i < 0 || in.isEmpty(i) ? 0 : in.keyLo(i);
    }

    private boolean own(Object data) {
        return data instanceof NetBufferList n
                && k.queryPacketInjectionState(handle, n) == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF;
    }

    /** A callout at an ALE authorization layer that pends the initial classification and decides on the reauthorization. */
    private long pendingAt(Layer layer, boolean permit, List<String> log) {
        return h.callout(layer, (in, meta, data, ctx, f, flow, out) -> {
            if ((flags(in) & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0) {
                log.add("reauth reason " + reauthReason(in) + (own(data) ? " own" : ""));
                if (permit) out.actionType = ActionType.FWP_ACTION_PERMIT;
                else out.blockHard();
                return;
            }
            NetBufferList clone = data == null ? null : k.allocateCloneNetBufferList((NetBufferList) data, 0);
            if (clone != null) clone.retreat(meta.ipHeaderSize + meta.transportHeaderSize);
            CompletionContext c = k.pendOperation(meta.completionHandle);
            log.add("pended " + (data == null ? "without packet" : "with packet"));
            boolean inbound = layer.shortName().contains("RECV_ACCEPT");
            k.queueWorkItem(() -> {
                k.completeOperation(c, inbound ? clone : null);
                if (inbound && clone != null) {
                    k.injectTransportReceiveAsync(handle, null, null, 0, AddressFamily.AF_INET, 1, 2, 0, clone, null, null);
                }
            });
            out.absorb();
        }, null);
    }

    private static String text(byte[] packet, int from) {
        return new String(packet, from, packet.length - from, StandardCharsets.US_ASCII);
    }

    private static void assertChecksumsValid(byte[] packet) {
        ParsedPacket p = new ParsedPacket();
        assertThat(PacketParser.parseIp(MemorySegment.ofArray(packet), 0, packet.length, p, ChecksumPolicy.VERIFY)).isTrue();
        assertThat(p.has(ParsedPacket.BAD_IP_CHECKSUM) || p.has(ParsedPacket.BAD_TRANSPORT_CHECKSUM)).isFalse();
    }

    @Test
    void aPendedTcpConnectHoldsTheSynUntilTheReauthorizationAfterCompletionPermitsIt() {
        List<String> log = new ArrayList<>();
        pendingAt(FWPM_LAYER_ALE_AUTH_CONNECT_V4, true, log);
        h.recordAt(FWPM_LAYER_OUTBOUND_TRANSPORT_V4);
        long before = h.sink.count;
        h.feed(tcp(A, B, 40000, 80, SYN, ""), OUT, NEW);
        assertThat(h.sink.count).as("no verdict while pended").isEqualTo(before);
        assertThat(h.seen).as("absorbed at ALE: nothing below").isEmpty();
        assertThat(h.kernel.heldCount()).isEqualTo(1);
        assertThat(h.flows.size()).isZero();

        h.runPending();
        assertThat(log).containsExactly("pended without packet",
                "reauth reason " + ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION);
        assertThat(h.seen).containsExactly("OUTBOUND_TRANSPORT_V4");
        assertThat(h.deferredVerdicts).hasSize(1);
        PipelineHarness.RecordingSink.Recorded v = h.deferredVerdicts.getFirst();
        assertThat(v.permitted()).isTrue();
        assertThat(v.payload()).as("the SYN goes on as queued").isNull();
        assertThat(h.flows.size()).as("the permitted reauthorization opened the flow").isEqualTo(1);
        assertThat(h.stats.get(LiveStats.HELD_RELEASED)).isEqualTo(1);
        assertThat(h.kernel.heldCount()).isZero();
    }

    @Test
    void aPendedConnectTheReauthorizationBlocksIsDroppedWithANetEventAtAleAuthConnect() {
        List<String> log = new ArrayList<>();
        long filter = pendingAt(FWPM_LAYER_ALE_AUTH_CONNECT_V4, false, log);
        h.feed(tcp(A, B, 40001, 80, SYN, ""), OUT, NEW);
        assertThat(h.bfe.netEvents().since(0)).as("the pend absorbs: no event").isEmpty();
        h.runPending();
        assertThat(h.deferredVerdicts).singleElement().satisfies(v -> assertThat(v.dropped()).isTrue());
        NetEvent e = h.bfe.netEvents().since(0).getFirst();
        assertThat(e.filterId()).isEqualTo(filter);
        assertThat(e.layer()).isEqualTo(FWPM_LAYER_ALE_AUTH_CONNECT_V4);
        assertThat(h.flows.size()).isZero();
    }

    @Test
    void aDatagramAbsorbedNowAndSendInjectedLaterGoesOnWithTheClonesBytesSeenAsOwnBelow() {
        List<String> transportSaw = new ArrayList<>();
        h.callout(FWPM_LAYER_OUTBOUND_TRANSPORT_V4, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            transportSaw.add(k.queryPacketInjectionState(handle, nbl).name());
            if (own(nbl)) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList clone = k.allocateCloneNetBufferList(nbl, 0); // starts at the UDP header
            k.queueWorkItem(() -> {
                MemorySegment s = clone.segment();
                for (long i = clone.dataOffset() + 8; i < clone.dataOffset() + clone.dataLength(); i++) {
                    s.set(ValueLayout.JAVA_BYTE, i, (byte) Character.toUpperCase(s.get(ValueLayout.JAVA_BYTE, i)));
                }
                assertThat(k.injectTransportSendAsync(handle, null, 0, 0, null, AddressFamily.AF_INET, 1, clone, null, null))
                        .isEqualTo(NtStatus.STATUS_SUCCESS);
            });
            out.absorb();
        }, null);
        long before = h.sink.count;
        h.feed(udp(A, B, 5003, 9000, "later"), OUT, NEW);
        assertThat(h.sink.count).isEqualTo(before);
        h.runPending();
        assertThat(transportSaw).containsExactly("FWPS_PACKET_NOT_INJECTED", "FWPS_PACKET_INJECTED_BY_SELF");
        PipelineHarness.RecordingSink.Recorded v = h.deferredVerdicts.getFirst();
        assertThat(v.permitted()).isTrue();
        assertThat(text(v.payload(), 28)).isEqualTo("LATER");
        assertChecksumsValid(v.payload());
        assertThat(h.stats.get(LiveStats.INJECTED_OWN)).as("not through the raw socket").isZero();
    }

    @Test
    void anInboundPacketAbsorbedNowIsReceiveInjectedLaterWithItsRewrittenSourcePort() {
        List<String> datagramSaw = new ArrayList<>();
        h.callout(FWPM_LAYER_INBOUND_TRANSPORT_V4, (in, meta, data, ctx, f, flow, out) -> {
            if (own(data)) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList clone = k.allocateNetBufferListCopy((NetBufferList) data);
            clone.retreat(meta.ipHeaderSize + meta.transportHeaderSize); // inbound: at the IP header
            k.queueWorkItem(() -> {
                clone.segment().set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                        clone.dataOffset() + 20, (short) 5001);
                k.injectTransportReceiveAsync(handle, null, null, 0, AddressFamily.AF_INET, 1, 2, 0, clone, null, null);
            });
            out.absorb();
        }, null);
        h.callout(FWPM_LAYER_DATAGRAM_DATA_V4, (in, meta, data, ctx, f, flow, out) -> {
            datagramSaw.add(k.queryPacketInjectionState(handle, (NetBufferList) data).name());
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        }, null);
        h.feed(udp(B, A, 5002, 7000, "reply"), IN, NEW);
        assertThat(datagramSaw).as("absorbed below DATAGRAM_DATA").isEmpty();
        h.runPending();
        assertThat(datagramSaw).containsExactly("FWPS_PACKET_INJECTED_BY_SELF");
        PipelineHarness.RecordingSink.Recorded v = h.deferredVerdicts.getFirst();
        assertThat(v.permitted()).isTrue();
        assertThat(((v.payload()[20] & 0xFF) << 8) | (v.payload()[21] & 0xFF)).isEqualTo(5001);
        assertChecksumsValid(v.payload());
    }

    @Test
    void aPendedRecvAcceptCompletedWithTheClonesPacketIsReauthorizedWhenTheCloneIsInjected() {
        List<String> log = new ArrayList<>();
        pendingAt(FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, true, log);
        h.feed(udp(B, A, 6000, 7000, "first"), IN, NEW);
        assertThat(h.flows.size()).isZero();
        h.runPending();
        assertThat(log).containsExactly("pended with packet",
                "reauth reason " + ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION + " own");
        PipelineHarness.RecordingSink.Recorded v = h.deferredVerdicts.getFirst();
        assertThat(v.permitted()).isTrue();
        assertThat(text(v.payload(), 28)).isEqualTo("first");
        assertThat(h.flows.size()).isEqualTo(1);
        assertThat(h.flows.flows().getFirst().isInbound()).isTrue();
    }

    @Test
    void aHeldPacketWhoseClonesAreFreedIsDroppedAtOnceAndOneNobodyActsOnExpiresAtTheHoldLimit() {
        List<NetBufferList> kept = new ArrayList<>();
        h.callout(FWPM_LAYER_OUTBOUND_TRANSPORT_V4, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList clone = k.allocateCloneNetBufferList((NetBufferList) data, 0);
            if (in.layer() == FWPM_LAYER_OUTBOUND_TRANSPORT_V4 && text(clone.toByteArray(), 8).equals("free")) {
                k.queueWorkItem(() -> k.freeCloneNetBufferList(clone)); // the worker blocks it: frees the clone
            } else {
                kept.add(clone); // never injected, never freed
            }
            out.absorb();
        }, null);
        h.feed(udp(A, B, 5004, 9000, "free"), OUT, NEW);
        h.runPending();
        assertThat(h.deferredVerdicts).singleElement().satisfies(v -> assertThat(v.dropped()).isTrue());
        assertThat(h.stats.get(LiveStats.HELD_DROPPED)).isEqualTo(1);

        h.feed(udp(A, B, 5004, 9000, "keep"), OUT, NEW);
        h.runPending();
        assertThat(h.kernel.heldCount()).isEqualTo(1);
        assertThat(h.kernel.expireHolds(System.nanoTime())).as("within the limit").isZero();
        long later = System.nanoTime() + LiveKernel.DEFAULT_HOLD_LIMIT.toNanos() + 1;
        assertThat(h.kernel.expireHolds(later)).isEqualTo(1);
        assertThat(h.deferredVerdicts).hasSize(2);
        assertThat(h.deferredVerdicts.get(1).dropped()).isTrue();
        assertThat(h.stats.get(LiveStats.HELD_EXPIRED)).isEqualTo(1);
        assertThat(kept).hasSize(1);
    }

    @Test
    void anInjectionFromAnotherThreadWhileThePacketIsStillClassifiedWaitsForItToBeHeld() throws Exception {
        h.callout(FWPM_LAYER_OUTBOUND_TRANSPORT_V4, (in, meta, data, ctx, f, flow, out) -> {
            if (own(data)) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList clone = k.allocateCloneNetBufferList((NetBufferList) data, 0);
            // A worker that is faster than the queue thread: it injects before this classifyFn has even returned.
            Thread t = Thread.ofPlatform().start(() -> k.injectTransportSendAsync(handle, null, 0, 0, null,
                    AddressFamily.AF_INET, 1, clone, null, null));
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            out.absorb();
        }, null);
        h.feed(udp(A, B, 5005, 9000, "race"), OUT, NEW);
        assertThat(h.outOfBand).as("parked until held, then queued").hasSize(1);
        h.runPending();
        assertThat(h.deferredVerdicts).singleElement().satisfies(v -> {
            assertThat(v.permitted()).isTrue();
            assertThat(text(v.payload(), 28)).isEqualTo("race");
        });
    }

    @Test
    void aVerdictCompletesAtMostOnceAndTheQueuesVerdictCodeIsRepeat() {
        h.callout(FWPM_LAYER_OUTBOUND_TRANSPORT_V4, (in, meta, data, ctx, f, flow, out) -> {
            if (own(data)) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList clone = k.allocateCloneNetBufferList((NetBufferList) data, 0);
            NetBufferList second = k.allocateCloneNetBufferList((NetBufferList) data, 0);
            k.queueWorkItem(() -> {
                k.injectTransportSendAsync(handle, null, 0, 0, null, AddressFamily.AF_INET, 1, clone, null, null);
                // A second clone of the same packet has no held packet left to carry it: refused (no raw socket here).
                assertThat(k.injectTransportSendAsync(handle, null, 0, 0, null, AddressFamily.AF_INET, 1, second, null,
                        null)).isEqualTo(NtStatus.STATUS_NOT_SUPPORTED);
            });
            out.absorb();
        }, null);
        h.feed(udp(A, B, 5006, 9000, "once"), OUT, NEW);
        h.runPending();
        assertThat(h.deferredVerdicts).singleElement()
                .satisfies(v -> assertThat(v.verdict()).isEqualTo(Verdict.REPEAT.code()));
        assertThat(FwpsIncomingMetadataValues.class).isNotNull();
    }
}

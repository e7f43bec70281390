package io.jwfp.shim.sim;

import static io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket.*;
import static io.jwfp.engine.kernel.FwpsStreamData.*;
import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.packet.NetBufferList;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Injection, injection state, flow contexts and the stream layer on the simulator. */
class InjectionAndStreamTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    static boolean ownInjection(FwpsPacketInjectionState st) {
        return st == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF
                || st == FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF;
    }

    /** A clone-and-reinject callout at INBOUND_TRANSPORT that records the injection states it sees. */
    static TestNet.Callout reinjector(TestNet t, int weight, InjectionHandle h, List<FwpsPacketInjectionState> states) {
        FwpsKernel k = t.server.kernel();
        return TestNet.callout(t.server, t.layer(FWPM_LAYER_INBOUND_TRANSPORT_V4), weight, 0, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            FwpsPacketInjectionState st = k.queryPacketInjectionState(h, nbl);
            states.add(st);
            if (ownInjection(st)) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            if (!out.canWrite()) return;
            NetBufferList copy = k.allocateNetBufferListCopy(nbl);
            copy.retreat(meta.ipHeaderSize + meta.transportHeaderSize);
            int ifIndex = (int) TestNet.value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX);
            assertThat(k.injectTransportReceiveAsync(h, null, null, 0, t.v == IpVersion.V4 ? AddressFamily.AF_INET
                    : AddressFamily.AF_INET6, 1, ifIndex, 0, copy, null, null)).isEqualTo(NtStatus.STATUS_SUCCESS);
            out.absorb();
        }, null, FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(17)));
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void injectionStateTellsSelfOtherAndPreviouslySelf(IpVersion v) {
        TestNet t = new TestNet(v);
        FwpsKernel k = t.server.kernel();
        InjectionHandle ha = k.injectionHandleCreate(AddressFamily.AF_UNSPEC, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
        InjectionHandle hb = k.injectionHandleCreate(AddressFamily.AF_UNSPEC, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
        List<FwpsPacketInjectionState> a = new ArrayList<>(), bs = new ArrayList<>();
        reinjector(t, 0x3000, ha, a);
        reinjector(t, 0x2000, hb, bs);
        UdpSocket s = t.serverProc.udpSocket(v);
        s.bind(t.server(53));
        t.clientProc.udpSocket(v).sendTo(b("once"), t.server(53));
        t.net.runUntilIdle();
        assertThat(a).containsExactly(FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED,
                FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF,
                FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF);
        assertThat(bs).containsExactly(FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED,
                FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_OTHER,
                FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF);
        assertThat(s.receive().data()).isEqualTo(b("once"));
        assertThat(s.receive()).isNull();
        assertThat(k.injectionHandleDestroy(ha)).isEqualTo(NtStatus.STATUS_SUCCESS);
    }

    @Test
    void flowContextsReachConditionalOnFlowCalloutsAndAreDeletedWithTheFlow() {
        TestNet t = new TestNet(IpVersion.V4);
        List<Long> contexts = new ArrayList<>(), deleted = new ArrayList<>();
        TestNet.Callout dd = TestNet.callout(t.client, FWPM_LAYER_DATAGRAM_DATA_V4, 0x4000,
                FwpsCallout.FWP_CALLOUT_FLAG_CONDITIONAL_ON_FLOW, (in, meta, data, ctx, f, flow, out) -> {
                    contexts.add(flow);
                    out.actionType = ActionType.FWP_ACTION_PERMIT;
                }, (layer, callout, ctx) -> deleted.add(ctx));
        TestNet.callout(t.client, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, (in, meta, data, ctx, f, flow, out) -> {
            assertThat(ctx.kernel().flowAssociateContext(meta.flowHandle, FWPM_LAYER_DATAGRAM_DATA_V4.layerId(),
                    dd.calloutId, 4242)).isEqualTo(NtStatus.STATUS_SUCCESS);
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        }, FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(53)));
        UdpSocket s53 = t.serverProc.udpSocket(IpVersion.V4);
        s53.bind(t.server(53));
        UdpSocket s54 = t.serverProc.udpSocket(IpVersion.V4);
        s54.bind(t.server(54));
        UdpSocket u = t.clientProc.udpSocket(IpVersion.V4);
        u.sendTo(b("a"), t.server(53));
        u.sendTo(b("b"), t.server(54));
        u.sendTo(b("c"), t.server(53));
        t.net.runUntilIdle();
        assertThat(contexts).containsExactly(4242L, 4242L);
        assertThat(s54.pending()).isEqualTo(1);
        assertThat(deleted).isEmpty();
        u.close();
        t.net.runUntilIdle();
        assertThat(deleted).containsExactly(4242L);
    }

    @Test
    void flowAssociationNeedsAFlowDeleteFn() {
        TestNet t = new TestNet(IpVersion.V4);
        List<NtStatus> st = new ArrayList<>();
        TestNet.Callout[] c = new TestNet.Callout[1];
        c[0] = TestNet.callout(t.client, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, (in, meta, data, ctx, f, flow, out) -> {
            st.add(ctx.kernel().flowAssociateContext(meta.flowHandle, in.layer().layerId(), c[0].calloutId, 1));
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        t.clientProc.udpSocket(IpVersion.V4).sendTo(b("a"), t.server(53));
        t.net.runUntilIdle();
        assertThat(st).containsExactly(NtStatus.STATUS_INVALID_PARAMETER);
    }

    /** A stream editor: replaces {@code from} by {@code to} by blocking the data and injecting the edited copy. */
    static TestNet.Callout editor(TestNet t, int weight, String from, String to, List<String> seen) {
        FwpsKernel k = t.server.kernel();
        InjectionHandle h = k.injectionHandleCreate(AddressFamily.AF_UNSPEC, FwpsKernel.FWPS_INJECTION_TYPE_STREAM);
        return TestNet.callout(t.server, t.layer(FWPM_LAYER_STREAM_V4), weight, 0, (in, meta, data, ctx, f, flow, out) -> {
            FwpsStreamCalloutIoPacket io = (FwpsStreamCalloutIoPacket) data;
            if (!out.canWrite()) return;
            String text = s(io.streamData.toByteArray());
            if (io.streamData.dataLength > 0) seen.add(text);
            if (!io.streamData.hasFlag(FWPS_STREAM_FLAG_RECEIVE) || !text.contains(from)) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                io.countBytesEnforced = io.streamData.dataLength;
                return;
            }
            byte[] edited = b(text.replace(from, to));
            assertThat(k.streamInjectAsync(h, null, 0, meta.flowHandle, ctx.calloutId(), in.layer().layerId(),
                    FWPS_STREAM_FLAG_RECEIVE, NetBufferList.wrap(edited), edited.length, null, null))
                    .isEqualTo(NtStatus.STATUS_SUCCESS);
            io.countBytesEnforced = io.streamData.dataLength;
            out.blockHard();
        }, null);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void injectedStreamDataIsShownOnlyToLowerWeightSublayers(IpVersion v) {
        TestNet t = new TestNet(v);
        List<String> high = new ArrayList<>(), low = new ArrayList<>();
        editor(t, 0x40, "rainy", "cloudy", high);
        editor(t, 0x20, "cloudy", "sunny", low);
        TcpSocket l = t.listen(8888);
        TcpSocket[] p = t.connect(l, 8888);
        p[0].send(b("rainy day, cloudy night"));
        t.net.runUntilIdle();
        assertThat(s(p[1].recvAll())).isEqualTo("sunny day, sunny night");
        assertThat(high).containsExactly("rainy day, cloudy night");
        assertThat(low).containsExactly("cloudy day, cloudy night");
    }

    @Test
    void needMoreDataHoldsBytesUntilEnoughArrived() {
        TestNet t = new TestNet(IpVersion.V4);
        List<Long> lengths = new ArrayList<>();
        TestNet.callout(t.server, FWPM_LAYER_STREAM_V4, (in, meta, data, ctx, f, flow, out) -> {
            FwpsStreamCalloutIoPacket io = (FwpsStreamCalloutIoPacket) data;
            if (io.streamData.dataLength == 0) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            lengths.add(io.streamData.dataLength);
            if (io.streamData.dataLength < 10) {
                io.streamAction = FWPS_STREAM_ACTION_NEED_MORE_DATA;
                io.countBytesRequired = 10 - io.streamData.dataLength;
                out.actionType = ActionType.FWP_ACTION_NONE;
                return;
            }
            io.countBytesEnforced = io.streamData.dataLength;
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        p[0].send(b("12345"));
        t.net.runUntilIdle();
        assertThat(p[1].available()).isZero();
        p[0].send(b("67890abc"));
        t.net.runUntilIdle();
        assertThat(s(p[1].recvAll())).isEqualTo("1234567890abc");
        assertThat(lengths).containsExactly(5L, 13L);
    }

    @Test
    void deferHoldsInboundDataUntilStreamContinue() {
        TestNet t = new TestNet(IpVersion.V4);
        long[] deferredFlow = {0};
        int[] calloutId = {0};
        TestNet.callout(t.server, FWPM_LAYER_STREAM_V4, (in, meta, data, ctx, f, flow, out) -> {
            FwpsStreamCalloutIoPacket io = (FwpsStreamCalloutIoPacket) data;
            if (deferredFlow[0] == 0 && io.streamData.dataLength > 0) {
                deferredFlow[0] = meta.flowHandle;
                calloutId[0] = ctx.calloutId();
                io.streamAction = FWPS_STREAM_ACTION_DEFER;
                return;
            }
            io.countBytesEnforced = io.streamData.dataLength;
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        p[0].send(b("held"));
        t.net.runUntilIdle();
        assertThat(p[1].available()).isZero();
        assertThat(t.server.kernel().streamContinue(deferredFlow[0], calloutId[0], FWPM_LAYER_STREAM_V4.layerId(),
                FWPS_STREAM_FLAG_RECEIVE)).isEqualTo(NtStatus.STATUS_SUCCESS);
        t.net.runUntilIdle();
        assertThat(s(p[1].recvAll())).isEqualTo("held");
    }

    @Test
    void finArrivesAsAZeroLengthDisconnectIndication() {
        TestNet t = new TestNet(IpVersion.V4);
        List<String> seen = new ArrayList<>();
        TestNet.callout(t.server, FWPM_LAYER_STREAM_V4, (in, meta, data, ctx, f, flow, out) -> {
            FwpsStreamCalloutIoPacket io = (FwpsStreamCalloutIoPacket) data;
            seen.add(io.streamData.dataLength + (io.streamData.hasFlag(FWPS_STREAM_FLAG_RECEIVE_DISCONNECT) ? " disconnect" : "")
                    + (io.streamData.hasFlag(FWPS_STREAM_FLAG_SEND) ? " send" : ""));
            io.countBytesEnforced = io.streamData.dataLength;
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        p[0].send(b("x"));
        p[0].shutdownOutput();
        t.net.runUntilIdle();
        assertThat(seen).containsExactly("1", "0 disconnect");
        assertThat(p[1].recvAll()).isEqualTo(b("x"));
        assertThat(p[1].isEof()).isTrue();
    }

    /**
     * seed-samples §9.1 experiment 2 / LO-3: a callout that defers outbound TCP packets and injects them later at the
     * transport layer loses the final ACK of an active close (the endpoint is gone); the same at the network layer
     * delivers it.
     */
    @Test
    void transportSendInjectionFailsOnceTheEndpointIsGoneNetworkInjectionDoesNot() {
        for (boolean transport : new boolean[] {true, false}) {
            TestNet t = new TestNet(IpVersion.V4);
            FwpsKernel k = t.client.kernel();
            InjectionHandle h = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT
                    | FwpsKernel.FWPS_INJECTION_TYPE_NETWORK);
            List<String> results = new ArrayList<>();
            TestNet.callout(t.client, transport ? FWPM_LAYER_OUTBOUND_TRANSPORT_V4 : FWPM_LAYER_OUTBOUND_IPPACKET_V4,
                    (in, meta, data, ctx, f, flow, out) -> {
                        NetBufferList nbl = (NetBufferList) data;
                        if (ownInjection(k.queryPacketInjectionState(h, nbl))) {
                            out.actionType = ActionType.FWP_ACTION_PERMIT;
                            return;
                        }
                        NetBufferList copy = k.allocateNetBufferListCopy(nbl);
                        long endpoint = meta.transportEndpointHandle;
                        t.net.clock().schedule(Duration.ofMillis(5), () -> results.add(String.valueOf(transport
                                ? k.injectTransportSendAsync(h, null, endpoint, 0, null, AddressFamily.AF_INET, 1, copy, null, null)
                                : k.injectNetworkSendAsync(h, null, 0, 1, copy, null, null))));
                        out.absorb();
                    });
            TcpSocket l = t.listen(80);
            TcpSocket[] p = t.connect(l, 80);
            assertThat(p[1]).isNotNull();
            p[0].send(b("bye"));
            p[0].close();
            t.net.runUntilIdle();
            assertThat(s(p[1].recvAll())).isEqualTo("bye");
            p[1].close();
            t.net.runUntilIdle();
            if (transport) {
                assertThat(results).contains("STATUS_INVALID_PARAMETER");
                assertThat(results.getLast()).isEqualTo("STATUS_INVALID_PARAMETER");
                assertThat(p[1].error()).as("the server never got the last ACK").isEqualTo("WSAETIMEDOUT");
            } else {
                assertThat(results).containsOnly("STATUS_SUCCESS");
                assertThat(p[1].error()).isNull();
            }
            assertThat(p[1].state()).isEqualTo("CLOSED");
        }
    }

    @Test
    void anInjectedSegmentWithABadChecksumIsDiscardedByTheTransport() {
        TestNet t = new TestNet(IpVersion.V4);
        FwpsKernel k = t.server.kernel();
        InjectionHandle h = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
        TestNet.callout(t.server, FWPM_LAYER_INBOUND_TRANSPORT_V4, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            if (k.queryPacketInjectionState(h, nbl) != FwpsPacketInjectionState.FWPS_PACKET_NOT_INJECTED) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = k.allocateNetBufferListCopy(nbl);
            copy.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, copy.dataOffset(), (byte) 'X'); // no checksum fix
            copy.retreat(meta.ipHeaderSize + meta.transportHeaderSize);
            k.injectTransportReceiveAsync(h, null, null, 0, AddressFamily.AF_INET, 1,
                    (int) TestNet.value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX), 0, copy, null, null);
            out.absorb();
        }, FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_PROTOCOL, FwpValue.uint8(17)));
        UdpSocket s = t.serverProc.udpSocket(IpVersion.V4);
        s.bind(t.server(53));
        t.clientProc.udpSocket(IpVersion.V4).sendTo(b("abc"), t.server(53));
        t.net.runUntilIdle();
        assertThat(s.receive()).isNull();
        assertThat(t.at(t.server, FWPM_LAYER_INBOUND_TRANSPORT_V4_DISCARD)).hasSize(1);
        assertThat(t.server.stats().get("bad-transport-checksum")).isEqualTo(1);
    }

    /** ddproxy (seed-samples §3, DDP-1): datagrams to :5001 are re-sent to :5002 from DATAGRAM_DATA. */
    @Test
    void aDatagramRedirectedByTransportSendInjectionOpensItsOwnFlow() {
        TestNet t = new TestNet(IpVersion.V4);
        FwpsKernel k = t.client.kernel();
        InjectionHandle h = k.injectionHandleCreate(AddressFamily.AF_INET, FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
        TestNet.callout(t.client, FWPM_LAYER_DATAGRAM_DATA_V4, (in, meta, data, ctx, f, flow, out) -> {
            NetBufferList nbl = (NetBufferList) data;
            if (ownInjection(k.queryPacketInjectionState(h, nbl))) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            NetBufferList copy = k.allocateNetBufferListCopy(nbl); // at the UDP header (outbound)
            io.jwfp.packet.UdpView udp = new io.jwfp.packet.UdpView().wrap(copy.segment(), copy.dataOffset(), copy.dataLength());
            udp.setDstPort(5002); // the stack fills the checksum on transport send injection
            assertThat(k.injectTransportSendAsync(h, null, meta.transportEndpointHandle, 0,
                    new io.jwfp.engine.kernel.FwpsTransportSendParams(t.serverAddr), AddressFamily.AF_INET, 1, copy,
                    null, null)).isEqualTo(NtStatus.STATUS_SUCCESS);
            out.absorb();
        }, FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_REMOTE_PORT, FwpValue.uint16(5001)),
                FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_DIRECTION, new FwpValue.UInt32(0)));
        UdpSocket s5001 = t.serverProc.udpSocket(IpVersion.V4);
        s5001.bind(t.server(5001));
        UdpSocket s5002 = t.serverProc.udpSocket(IpVersion.V4);
        s5002.bind(t.server(5002));
        t.clientProc.udpSocket(IpVersion.V4).sendTo(b("hello"), t.server(5001));
        t.net.runUntilIdle();
        assertThat(s5001.receive()).isNull();
        assertThat(s(s5002.receive().data())).isEqualTo("hello");
        assertThat(t.at(t.client, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4)).hasSize(2);
        assertThat(t.client.aleFlowCount()).isEqualTo(2);
    }

    @Test
    void countBytesEnforcedSplitsADecisionAndReoffersTheRest() {
        TestNet t = new TestNet(IpVersion.V4);
        List<Long> lengths = new ArrayList<>();
        TestNet.callout(t.server, FWPM_LAYER_STREAM_V4, (in, meta, data, ctx, f, flow, out) -> {
            FwpsStreamCalloutIoPacket io = (FwpsStreamCalloutIoPacket) data;
            if (io.streamData.dataLength == 0) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            lengths.add(io.streamData.dataLength);
            if (lengths.size() == 1) {
                io.countBytesEnforced = 3; // permit "abc", the rest comes again
                out.actionType = ActionType.FWP_ACTION_PERMIT;
            } else {
                io.countBytesEnforced = io.streamData.dataLength;
                out.blockHard();
            }
        });
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        p[0].send(b("abcdefgh"));
        t.net.runUntilIdle();
        assertThat(lengths).containsExactly(8L, 5L);
        assertThat(s(p[1].recvAll())).isEqualTo("abc");
    }
}

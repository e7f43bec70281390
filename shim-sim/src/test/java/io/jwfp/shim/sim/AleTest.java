package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.ClassifyHandle;
import io.jwfp.engine.kernel.CompletionContext;
import io.jwfp.engine.kernel.FwpsBindRequest;
import io.jwfp.engine.kernel.FwpsConnectRequest;
import io.jwfp.engine.kernel.FwpsConnectionRedirectState;
import io.jwfp.engine.kernel.FwpsStatusException;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.kernel.RedirectHandle;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.shim.sim.trace.Classification;
import io.jwfp.shim.sim.trace.Direction;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ALE on the simulator: discard indications and net events, reauthorization, flow lifetime, pend, redirect. */
class AleTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void aBlockIsIndicatedAtTheDiscardLayerAndBecomesANetEventUnlessAbsorbed(IpVersion v) {
        TestNet t = new TestNet(v);
        long id = TestNet.block(t.client, t.layer(FWPM_LAYER_OUTBOUND_TRANSPORT_V4), "no-53",
                io.jwfp.engine.model.FwpmFilterCondition.equal(Conditions.FWPM_CONDITION_IP_REMOTE_PORT,
                        io.jwfp.engine.value.FwpValue.uint16(53)));
        UdpSocket u = t.clientProc.udpSocket(v);
        u.sendTo(b("x"), t.server(53));
        t.net.runUntilIdle();
        List<Classification> c = t.net.trace().classifications("client");
        Classification blocked = c.stream().filter(x -> x.layer() == t.layer(FWPM_LAYER_OUTBOUND_TRANSPORT_V4)).findFirst().orElseThrow();
        assertThat(blocked.blocked()).isTrue();
        assertThat(blocked.filterId()).isEqualTo(id);
        assertThat(c.get(c.indexOf(blocked) + 1).layer()).isEqualTo(t.layer(FWPM_LAYER_OUTBOUND_TRANSPORT_V4).discardLayer());
        assertThat(t.net.trace().transmissions()).isEmpty();
        List<NetEvent> events = t.client.bfe().netEvents().since(0);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).filterId()).isEqualTo(id);
        assertThat(events.get(0).layer()).isEqualTo(t.layer(FWPM_LAYER_OUTBOUND_TRANSPORT_V4));

        // The same block by a callout that absorbs: no discard indication, no event.
        TestNet a = new TestNet(v);
        TestNet.callout(a.client, a.layer(FWPM_LAYER_OUTBOUND_TRANSPORT_V4), (in, meta, data, ctx, f, flow, out) -> out.absorb());
        a.clientProc.udpSocket(v).sendTo(b("x"), a.server(53));
        a.net.runUntilIdle();
        assertThat(a.net.trace().classifications("client")).noneMatch(x -> x.layer().isDiscard());
        assertThat(a.net.trace().classifications("client")).anyMatch(Classification::absorbed);
        assertThat(a.client.bfe().netEvents().since(0)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void addingAFilterAtAnAleLayerReauthorizesExistingFlowsOnTheirNextPacket(IpVersion v) {
        TestNet t = new TestNet(v);
        UdpSocket s = t.serverProc.udpSocket(v);
        s.bind(t.server(53));
        UdpSocket u = t.clientProc.udpSocket(v);
        u.sendTo(b("one"), t.server(53));
        t.net.runUntilIdle();
        assertThat(s.receive()).isNotNull();
        List<long[]> seen = new ArrayList<>();
        TestNet.callout(t.client, t.layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4), (in, meta, data, ctx, f, flow, out) -> {
            seen.add(new long[] {TestNet.flags(in), TestNet.value(in, Conditions.FWPM_CONDITION_REAUTHORIZE_REASON)});
            out.blockHard();
        });
        u.sendTo(b("two"), t.server(53));
        t.net.runUntilIdle();
        assertThat(s.receive()).as("the flow was torn down").isNull();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)[0] & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE).isNotZero();
        assertThat(seen.get(0)[1]).isEqualTo(ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_POLICY_CHANGE);
        assertThat(t.at(t.client, t.layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4_DISCARD))).hasSize(1);
        assertThat(t.client.aleFlowCount()).isZero();
    }

    @Test
    void reauthorizationHappensOnAPacketOfEitherDirection() {
        TestNet t = new TestNet(IpVersion.V4);
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        long id = TestNet.block(t.server, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, "late");
        // The server's flow was authorized at RECV_ACCEPT; its next packet is outbound.
        p[1].send(b("hello"));
        t.net.runUntilIdle();
        Classification r = t.at(t.server, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4).getLast();
        assertThat(r.reauthorize()).isTrue();
        assertThat(r.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(r.blocked()).isTrue();
        assertThat(r.filterId()).isEqualTo(id);
        assertThat(p[0].recvAll()).isEmpty();
        assertThat(p[1].state()).isEqualTo("CLOSED");
    }

    @Test
    void udpFlowsEndAfter60SecondsIdleAndReleaseTheirContexts() {
        TestNet t = new TestNet(IpVersion.V4);
        UdpSocket s = t.serverProc.udpSocket(IpVersion.V4);
        s.bind(t.server(53));
        List<Long> deleted = new ArrayList<>();
        TestNet.Callout[] self = new TestNet.Callout[1];
        self[0] = TestNet.callout(t.client, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, 0x4000, 0, (in, meta, data, ctx, f, flow, out) -> {
            assertThat(ctx.kernel().flowAssociateContext(meta.flowHandle, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4.layerId(),
                    self[0].calloutId, 77)).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(ctx.kernel().flowAssociateContext(meta.flowHandle, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4.layerId(),
                    self[0].calloutId, 78)).isEqualTo(NtStatus.STATUS_OBJECT_NAME_EXISTS);
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        }, (layer, callout, context) -> deleted.add(context));
        UdpSocket u = t.clientProc.udpSocket(IpVersion.V4);
        u.sendTo(b("1"), t.server(53));
        t.net.runUntilIdle();
        t.net.runFor(Duration.ofSeconds(59));
        u.sendTo(b("2"), t.server(53));
        t.net.runUntilIdle();
        assertThat(t.at(t.client, FWPM_LAYER_ALE_AUTH_CONNECT_V4)).hasSize(1);
        assertThat(deleted).isEmpty();
        t.net.runFor(Duration.ofSeconds(61));
        assertThat(deleted).containsExactly(77L);
        u.sendTo(b("3"), t.server(53));
        t.net.runUntilIdle();
        assertThat(t.at(t.client, FWPM_LAYER_ALE_AUTH_CONNECT_V4)).hasSize(2);
        assertThat(s.pending()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void aPendedConnectIsReauthorizedWithTheCompletionReason(IpVersion v) {
        for (boolean allow : new boolean[] {true, false}) {
            TestNet t = new TestNet(v);
            TcpSocket l = t.listen(80);
            List<CompletionContext> pended = new ArrayList<>();
            List<Long> reasons = new ArrayList<>();
            TestNet.callout(t.client, t.layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4), (in, meta, data, ctx, f, flow, out) -> {
                if ((TestNet.flags(in) & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) == 0) {
                    pended.add(ctx.kernel().pendOperation(meta.completionHandle));
                    out.absorb();
                } else {
                    reasons.add(TestNet.value(in, Conditions.FWPM_CONDITION_REAUTHORIZE_REASON));
                    assertThatThrownBy(() -> ctx.kernel().pendOperation(meta.completionHandle))
                            .isInstanceOf(FwpsStatusException.class).hasMessageContaining("STATUS_FWP_CANNOT_PEND");
                    if (allow) out.actionType = ActionType.FWP_ACTION_PERMIT;
                    else out.blockHard();
                }
            });
            TcpSocket c = t.clientProc.tcpSocket(v);
            c.connect(t.server(80));
            t.net.runUntilIdle();
            assertThat(pended).hasSize(1);
            assertThat(t.net.trace().transmissions()).as("no SYN while pended").isEmpty();
            t.client.kernel().completeOperation(pended.get(0), null);
            t.net.runUntilIdle();
            assertThat(reasons).containsExactly((long) ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION);
            if (allow) {
                assertThat(c.isConnected()).isTrue();
                assertThat(l.accept()).isNotNull();
            } else {
                assertThat(c.error()).isEqualTo("WSAEACCES");
                assertThat(t.net.trace().transmissions()).isEmpty();
            }
        }
    }

    /**
     * S16: completing a pended datagram connect reauthorizes at once, without a packet; the callout held the first
     * datagram and injects it after permitting (inspect's pattern); it is delivered exactly once.
     */
    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void aPendedDatagramConnectIsReauthorizedAtOnceAndTheHeldDatagramIsInjectedAfterwards(IpVersion v) {
        for (boolean allow : new boolean[] {true, false}) {
            TestNet t = new TestNet(v);
            UdpSocket s = t.serverProc.udpSocket(v);
            s.bind(t.server(53));
            var k = t.client.kernel();
            var h = k.injectionHandleCreate(io.jwfp.engine.kernel.AddressFamily.AF_UNSPEC,
                    io.jwfp.engine.kernel.FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
            List<Object[]> held = new ArrayList<>();
            List<Boolean> reauthWithPacket = new ArrayList<>();
            TestNet.callout(t.client, t.layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4), (in, meta, data, ctx, f, flow, out) -> {
                if ((TestNet.flags(in) & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) == 0) {
                    var copy = k.allocateNetBufferListCopy((io.jwfp.packet.NetBufferList) data);
                    held.add(new Object[] {ctx.kernel().pendOperation(meta.completionHandle), copy,
                            meta.transportEndpointHandle});
                    out.absorb();
                    return;
                }
                reauthWithPacket.add(data != null);
                if (!allow) {
                    out.blockHard();
                    return;
                }
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                Object[] first = held.get(0);
                assertThat(k.injectTransportSendAsync(h, null, (Long) first[2], 0,
                        new io.jwfp.engine.kernel.FwpsTransportSendParams(t.serverAddr),
                        io.jwfp.engine.kernel.AddressFamily.AF_INET, 1, (io.jwfp.packet.NetBufferList) first[1], null,
                        null)).isEqualTo(NtStatus.STATUS_SUCCESS);
            });
            UdpSocket u = t.clientProc.udpSocket(v);
            u.sendTo(b("first"), t.server(53));
            t.net.runUntilIdle();
            assertThat(held).hasSize(1);
            assertThat(t.net.trace().transmissions()).as("nothing leaves while pended").isEmpty();
            t.client.kernel().completeOperation((CompletionContext) held.get(0)[0], null);
            t.net.runUntilIdle();
            assertThat(reauthWithPacket).containsExactly(false);
            List<Classification> connect = t.at(t.client, t.layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4));
            assertThat(connect).extracting(Classification::reauthorize).containsExactly(false, true);
            if (allow) {
                assertThat(s.receive().data()).isEqualTo(b("first"));
                assertThat(s.receive()).isNull();
                assertThat(t.at(t.client, t.layer(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4))).hasSize(1);
                u.sendTo(b("second"), t.server(53));
                t.net.runUntilIdle();
                assertThat(s.receive().data()).isEqualTo(b("second"));
                assertThat(t.at(t.client, t.layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4))).hasSize(2);
            } else {
                assertThat(s.receive()).isNull();
                assertThat(u.error()).isEqualTo("WSAEACCES");
                assertThat(t.client.bfe().netEvents().since(0)).singleElement()
                        .satisfies(e -> assertThat(e.layer()).isEqualTo(t.layer(FWPM_LAYER_ALE_AUTH_CONNECT_V4)));
            }
        }
    }

    @Test
    void ipv4AndIpv6SocketsHaveTheirOwnPorts() {
        TestNet t = new TestNet(IpVersion.V4);
        TcpSocket v4 = t.serverProc.tcpSocket(IpVersion.V4);
        v4.bind(new InetSocketAddress(TestNet.addr("0.0.0.0"), 8080));
        TcpSocket v6 = t.serverProc.tcpSocket(IpVersion.V6);
        v6.bind(new InetSocketAddress(TestNet.addr("::"), 8080));
        TcpSocket again = t.serverProc.tcpSocket(IpVersion.V4);
        assertThatThrownBy(() -> again.bind(new InetSocketAddress(TestNet.addr("10.200.0.2"), 8080)))
                .hasMessageContaining("WSAEADDRINUSE");
    }

    @Test
    void aPendedRecvAcceptCompletesWithTheClonedSynReinjected() {
        TestNet t = new TestNet(IpVersion.V4);
        TcpSocket l = t.listen(80);
        var k = t.server.kernel();
        var h = k.injectionHandleCreate(io.jwfp.engine.kernel.AddressFamily.AF_INET, io.jwfp.engine.kernel.FwpsKernel.FWPS_INJECTION_TYPE_TRANSPORT);
        List<Object[]> pended = new ArrayList<>();
        List<Boolean> reauth = new ArrayList<>();
        TestNet.callout(t.server, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, (in, meta, data, ctx, f, flow, out) -> {
            boolean re = (TestNet.flags(in) & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0;
            reauth.add(re);
            if (re) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            var nbl = (io.jwfp.packet.NetBufferList) data;
            var clone = k.allocateCloneNetBufferList(nbl, 0);
            clone.retreat(meta.ipHeaderSize + meta.transportHeaderSize);
            int ifIndex = (int) TestNet.value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX);
            pended.add(new Object[] {ctx.kernel().pendOperation(meta.completionHandle), clone, ifIndex});
            out.absorb();
        });
        TcpSocket c = t.clientProc.tcpSocket(IpVersion.V4);
        c.connect(t.server(80));
        t.net.runFor(Duration.ofMillis(100));
        assertThat(pended).hasSize(1);
        Object[] p = pended.get(0);
        k.completeOperation((CompletionContext) p[0], (io.jwfp.packet.NetBufferList) p[1]);
        t.net.runFor(Duration.ofMillis(1));
        assertThat(k.injectTransportReceiveAsync(h, null, null, 0, io.jwfp.engine.kernel.AddressFamily.AF_INET, 1,
                (Integer) p[2], 0, (io.jwfp.packet.NetBufferList) p[1], null, null)).isEqualTo(NtStatus.STATUS_SUCCESS);
        t.net.runUntilIdle();
        assertThat(reauth).containsExactly(false, true);
        assertThat(c.isConnected()).isTrue();
        assertThat(l.accept()).isNotNull();
        Classification syn = t.at(t.server, FWPM_LAYER_INBOUND_TRANSPORT_V4).get(1);
        assertThat(syn.injected()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(IpVersion.class)
    void connectRedirectSendsTheConnectionElsewhereUnlessItIsTheProxysOwn(IpVersion v) {
        TestNet t = new TestNet(v);
        TcpSocket l80 = t.listen(80);
        TcpSocket l8080 = t.listen(8080);
        RedirectHandle rh = t.client.kernel().redirectHandleCreate(UUID.randomUUID(), 0);
        List<FwpsConnectionRedirectState> states = new ArrayList<>();
        TestNet.callout(t.client, t.layer(FWPM_LAYER_ALE_CONNECT_REDIRECT_V4), (in, meta, data, ctx, f, flow, out) -> {
            var k = ctx.kernel();
            FwpsConnectionRedirectState s = k.queryConnectionRedirectState(meta.redirectRecords, rh);
            states.add(s);
            if (s != FwpsConnectionRedirectState.FWPS_CONNECTION_NOT_REDIRECTED) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            ClassifyHandle ch = k.acquireClassifyHandle(ctx, 0);
            FwpsConnectRequest req = (FwpsConnectRequest) k.acquireWritableLayerDataPointer(ch, f.filterId(), 0, out);
            assertThat(out.canWrite()).isFalse();
            req.remoteAddressAndPort = new InetSocketAddress(req.remoteAddressAndPort.getAddress(), 8080);
            req.localRedirectHandle = rh;
            req.localRedirectContext = "original was :80";
            k.applyModifiedLayerData(ch, req, 0);
            k.releaseClassifyHandle(ch);
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        TcpSocket c = t.clientProc.tcpSocket(v);
        c.connect(t.server(80));
        t.net.runUntilIdle();
        assertThat(c.isConnected()).isTrue();
        assertThat(l80.accept()).isNull();
        assertThat(l8080.accept()).isNotNull();
        assertThat(c.queryRedirectRecords()).hasSize(1);
        assertThat(c.queryRedirectRecords().get(0).originalDestination().getPort()).isEqualTo(80);
        assertThat(t.net.trace().classifications("client")).filteredOn(x -> x.event().equals("SYN"))
                .allMatch(x -> x.summary().contains(":8080"));
        // The proxy's own connection carries the records: the callout sees it as its own and lets it go to :80.
        TcpSocket proxy = t.clientProc.tcpSocket(v);
        proxy.setRedirectRecords(c.queryRedirectRecords());
        proxy.connect(t.server(80));
        t.net.runUntilIdle();
        assertThat(states).containsExactly(FwpsConnectionRedirectState.FWPS_CONNECTION_NOT_REDIRECTED,
                FwpsConnectionRedirectState.FWPS_CONNECTION_REDIRECTED_BY_SELF);
        assertThat(l80.accept()).isNotNull();
    }

    @Test
    void bindRedirectRewritesTheLocalPort() {
        TestNet t = new TestNet(IpVersion.V4);
        TestNet.callout(t.server, FWPM_LAYER_ALE_BIND_REDIRECT_V4, (in, meta, data, ctx, f, flow, out) -> {
            var k = ctx.kernel();
            ClassifyHandle ch = k.acquireClassifyHandle(ctx, 0);
            FwpsBindRequest req = (FwpsBindRequest) k.acquireWritableLayerDataPointer(ch, f.filterId(), 0, out);
            if (req.localAddressAndPort.getPort() == 7000) {
                req.localAddressAndPort = new InetSocketAddress(req.localAddressAndPort.getAddress(), 7001);
            }
            k.applyModifiedLayerData(ch, req, 0);
            k.releaseClassifyHandle(ch);
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        TcpSocket s = t.serverProc.tcpSocket(IpVersion.V4);
        s.bind(t.server(7000));
        assertThat(s.localAddress().getPort()).isEqualTo(7001);
        assertThat(t.at(t.server, FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4)).hasSize(1);
    }

    @Test
    void aleLayersSeeTheProcessAndUser() {
        TestNet t = new TestNet(IpVersion.V4);
        List<Object[]> seen = new ArrayList<>();
        TestNet.callout(t.client, FWPM_LAYER_ALE_AUTH_CONNECT_V4, (in, meta, data, ctx, f, flow, out) -> {
            seen.add(new Object[] {meta.processId, meta.processPath, in.value(Conditions.FWPM_CONDITION_ALE_APP_ID).toString(),
                    ((io.jwfp.engine.value.FwpToken) in.ref(in.layer().fieldIndex(Conditions.FWPM_CONDITION_ALE_USER_ID))).uid(),
                    meta.isPresent(FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_TRANSPORT_ENDPOINT_HANDLE)});
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        t.listen(80);
        t.clientProc.tcpSocket(IpVersion.V4).connect(t.server(80));
        t.net.runUntilIdle();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)[0]).isEqualTo(100L);
        assertThat(seen.get(0)[1]).isEqualTo("/usr/bin/client");
        assertThat((String) seen.get(0)[2]).contains("/usr/bin/client");
        assertThat(seen.get(0)[3]).isEqualTo(1000);
        assertThat(seen.get(0)[4]).isEqualTo(true);
    }

    @Test
    void closingSocketsIsNotifiedAtEndpointClosureAndResourceRelease() {
        TestNet t = new TestNet(IpVersion.V4);
        UdpSocket u = t.clientProc.udpSocket(IpVersion.V4);
        u.bind(new InetSocketAddress(t.clientAddr, 5000));
        u.close();
        t.net.runUntilIdle();
        assertThat(t.net.trace().classifications("client")).extracting(c -> c.layer().shortName())
                .containsExactly("ALE_BIND_REDIRECT_V4", "ALE_RESOURCE_ASSIGNMENT_V4", "ALE_ENDPOINT_CLOSURE_V4",
                        "ALE_RESOURCE_RELEASE_V4");
    }

    @Test
    void aBlockAtFlowEstablishedAbortsTheTcpConnectionWithARst() {
        TestNet t = new TestNet(IpVersion.V4);
        TcpSocket l = t.listen(80);
        long id = TestNet.block(t.client, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, "no-established");
        TcpSocket c = t.clientProc.tcpSocket(IpVersion.V4);
        c.connect(t.server(80));
        t.net.runUntilIdle();
        assertThat(c.error()).isEqualTo("WSAECONNABORTED");
        assertThat(l.accept()).isNull();
        assertThat(t.at(t.client, FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4_DISCARD)).hasSize(1);
        assertThat(t.net.trace().transmissions()).extracting(x -> x.event()).contains("SYN", "SYN-ACK", "RST");
        assertThat(t.client.bfe().netEvents().since(0)).extracting(NetEvent::filterId).containsExactly(id);
        assertThat(t.client.aleFlowCount()).isZero();
    }

    /** Redirection to a local proxy (wfp-semantics §5.10): the proxy learns the original destination and connects. */
    @Test
    void connectRedirectToALocalProxy() {
        TestNet t = new TestNet(IpVersion.V4);
        TcpSocket real = t.listen(80);
        SimProcess proxyProc = t.client.process(300, "/usr/bin/proxy", 1000);
        TcpSocket proxyListener = proxyProc.tcpSocket(IpVersion.V4);
        proxyListener.bind(new InetSocketAddress(TestNet.addr("127.0.0.1"), 9000));
        proxyListener.listen();
        RedirectHandle rh = t.client.kernel().redirectHandleCreate(UUID.randomUUID(), 0);
        TestNet.callout(t.client, FWPM_LAYER_ALE_CONNECT_REDIRECT_V4, (in, meta, data, ctx, f, flow, out) -> {
            var k = ctx.kernel();
            if (k.queryConnectionRedirectState(meta.redirectRecords, rh) != FwpsConnectionRedirectState.FWPS_CONNECTION_NOT_REDIRECTED
                    || TestNet.value(in, Conditions.FWPM_CONDITION_IP_REMOTE_PORT) != 80) {
                out.actionType = ActionType.FWP_ACTION_PERMIT;
                return;
            }
            ClassifyHandle ch = k.acquireClassifyHandle(ctx, 0);
            FwpsConnectRequest req = (FwpsConnectRequest) k.acquireWritableLayerDataPointer(ch, f.filterId(), 0, out);
            req.localRedirectContext = req.remoteAddressAndPort;
            req.remoteAddressAndPort = new InetSocketAddress(TestNet.addr("127.0.0.1"), 9000);
            req.localRedirectTargetPID = 300;
            req.localRedirectHandle = rh;
            k.applyModifiedLayerData(ch, req, 0);
            k.releaseClassifyHandle(ch);
            out.actionType = ActionType.FWP_ACTION_PERMIT;
        });
        TcpSocket app = t.clientProc.tcpSocket(IpVersion.V4);
        app.connect(t.server(80));
        t.net.runUntilIdle();
        TcpSocket fromApp = proxyListener.accept();
        assertThat(fromApp).as("the app's connection reached the local proxy").isNotNull();
        assertThat(fromApp.queryRedirectContext()).isEqualTo(t.server(80));
        assertThat(fromApp.queryRedirectRecords()).hasSize(1);
        // The proxy connects onwards with the records set: not redirected again.
        TcpSocket onward = proxyProc.tcpSocket(IpVersion.V4);
        onward.setRedirectRecords(fromApp.queryRedirectRecords());
        onward.connect(t.server(80));
        t.net.runUntilIdle();
        TcpSocket atServer = real.accept();
        assertThat(atServer).isNotNull();
        app.send(b("via proxy"));
        t.net.runUntilIdle();
        onward.send(fromApp.recvAll());
        t.net.runUntilIdle();
        assertThat(s(atServer.recvAll())).isEqualTo("via proxy");
        assertThat(t.at(t.client, FWPM_LAYER_ALE_AUTH_CONNECT_V4)).filteredOn(Classification::loopback).hasSize(1);
    }

    static String s(byte[] x) {
        return new String(x, StandardCharsets.US_ASCII);
    }
}

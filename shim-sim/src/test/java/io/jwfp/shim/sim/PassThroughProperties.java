package io.jwfp.shim.sim;

import static io.jwfp.engine.kernel.FwpsStreamData.*;
import static io.jwfp.engine.layer.Layer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwfp.engine.kernel.AddressFamily;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.FwpsPacketInjectionState;
import io.jwfp.engine.kernel.FwpsStreamCalloutIoPacket;
import io.jwfp.engine.kernel.FwpsTransportSendParams;
import io.jwfp.engine.kernel.InjectionHandle;
import io.jwfp.engine.kernel.NtStatus;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.NetBufferList;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random traffic through pass-through callouts that clone and re-inject at every layer they can (IP packet, transport,
 * datagram data, stream; both directions; both hosts), over links that lose and reorder: the applications receive
 * exactly the bytes sent, nothing twice, and every injection comes back to its injector exactly once (no loops).
 */
class PassThroughProperties {
    /** One pass-through callout and its counters. */
    static final class PassThrough {
        final String name;
        final InjectionHandle handle;
        int injected;
        /** Injections that re-enter the path at or below this layer (all but outbound datagram data). */
        int returning;
        /** Packets seen again as FWPS_PACKET_INJECTED_BY_SELF. */
        int ownSeen;

        PassThrough(String name, InjectionHandle handle) {
            this.name = name;
            this.handle = handle;
        }
    }

    static boolean own(FwpsPacketInjectionState s) {
        return s == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF
                || s == FwpsPacketInjectionState.FWPS_PACKET_PREVIOUSLY_INJECTED_BY_SELF;
    }

    static InetAddress remote(FwpsIncomingValues in) {
        int i = in.layer().fieldIndex(Conditions.FWPM_CONDITION_IP_REMOTE_ADDRESS);
        return in.layer().ipVersion() == IpVersion.V4 ? InetBits.toInet4((int) in.keyLo(i))
                : InetBits.toInet6(in.keyHi(i), in.keyLo(i));
    }

    static List<PassThrough> install(SimHost h, IpVersion v) {
        FwpsKernel k = h.kernel();
        AddressFamily af = v == IpVersion.V4 ? AddressFamily.AF_INET : AddressFamily.AF_INET6;
        List<PassThrough> all = new ArrayList<>();
        for (Layer v4 : List.of(FWPM_LAYER_OUTBOUND_TRANSPORT_V4, FWPM_LAYER_INBOUND_TRANSPORT_V4,
                FWPM_LAYER_OUTBOUND_IPPACKET_V4, FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_DATAGRAM_DATA_V4,
                FWPM_LAYER_STREAM_V4)) {
            Layer layer = v == IpVersion.V4 ? v4 : v4.otherIpVersion();
            PassThrough p = new PassThrough(h.name() + " " + layer.shortName(),
                    k.injectionHandleCreate(af, 0x1F));
            all.add(p);
            TestNet.callout(h, layer, (in, meta, data, ctx, f, flow, out) -> {
                if (!out.canWrite()) return;
                if (data instanceof FwpsStreamCalloutIoPacket io) {
                    byte[] bytes = io.streamData.toByteArray();
                    int flags = io.streamData.flags & (FWPS_STREAM_FLAG_RECEIVE | FWPS_STREAM_FLAG_SEND
                            | FWPS_STREAM_FLAG_RECEIVE_DISCONNECT | FWPS_STREAM_FLAG_SEND_DISCONNECT);
                    NtStatus s = k.streamInjectAsync(p.handle, null, 0, meta.flowHandle, ctx.calloutId(),
                            layer.layerId(), flags, bytes.length == 0 ? null : NetBufferList.wrap(bytes), bytes.length,
                            null, null);
                    assertThat(s).isEqualTo(NtStatus.STATUS_SUCCESS);
                    p.injected++;
                    io.countBytesEnforced = io.streamData.dataLength;
                    out.absorb();
                    return;
                }
                NetBufferList nbl = (NetBufferList) data;
                FwpsPacketInjectionState st = k.queryPacketInjectionState(p.handle, nbl);
                if (own(st)) {
                    if (st == FwpsPacketInjectionState.FWPS_PACKET_INJECTED_BY_SELF) p.ownSeen++;
                    out.actionType = ActionType.FWP_ACTION_PERMIT;
                    return;
                }
                boolean inbound = meta.packetDirection == ConditionFlags.FWP_DIRECTION_INBOUND
                        && meta.isPresent(io.jwfp.engine.callout.FwpsIncomingMetadataValues.FWPS_METADATA_FIELD_PACKET_DIRECTION);
                NetBufferList copy = k.allocateNetBufferListCopy(nbl);
                int ifIndex = (int) TestNet.value(in, Conditions.FWPM_CONDITION_INTERFACE_INDEX);
                NtStatus s;
                String n = layer.name();
                if (n.contains("OUTBOUND_IPPACKET")) {
                    s = k.injectNetworkSendAsync(p.handle, null, 0, 1, copy, null, null);
                } else if (n.contains("INBOUND_IPPACKET")) {
                    copy.retreat(meta.ipHeaderSize);
                    s = k.injectNetworkReceiveAsync(p.handle, null, 0, 1, ifIndex, 0, copy, null, null);
                } else if (n.contains("INBOUND_TRANSPORT") || (n.contains("DATAGRAM_DATA") && inbound)) {
                    copy.retreat(meta.ipHeaderSize + meta.transportHeaderSize);
                    s = k.injectTransportReceiveAsync(p.handle, null, null, 0, af, 1, ifIndex, 0, copy, null, null);
                } else {
                    if (meta.transportEndpointHandle == 0) {
                        out.actionType = ActionType.FWP_ACTION_PERMIT; // stack-generated (RST, ICMP error)
                        return;
                    }
                    s = k.injectTransportSendAsync(p.handle, null, meta.transportEndpointHandle, 0,
                            new FwpsTransportSendParams(remote(in)), af, 1, copy, null, null);
                }
                assertThat(s).as(p.name).isEqualTo(NtStatus.STATUS_SUCCESS);
                p.injected++;
                // Transport send injection enters below DATAGRAM_DATA: those never come back to it.
                if (!(n.contains("DATAGRAM_DATA") && !inbound)) p.returning++;
                out.absorb();
            });
        }
        return all;
    }

    @Property(tries = 60, seed = "20261128")
    void applicationsReceiveExactlyTheBytesSent(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 6000) Integer> sizes,
                                                @ForAll @DoubleRange(min = 0, max = 0.1) double loss,
                                                @ForAll @DoubleRange(min = 0, max = 0.3) double reorder,
                                                @ForAll long seed, @ForAll boolean ipv6) {
        IpVersion v = ipv6 ? IpVersion.V6 : IpVersion.V4;
        LinkOptions link = LinkOptions.DEFAULT.withLoss(loss).withReorder(reorder, Duration.ofMillis(5));
        TestNet t = new TestNet(v, link, seed);
        List<PassThrough> callouts = new ArrayList<>(install(t.server, v));
        callouts.addAll(install(t.client, v));
        SplittableRandom r = new SplittableRandom(seed);

        // TCP, both directions.
        TcpSocket l = t.listen(80);
        TcpSocket[] p = t.connect(l, 80);
        assertThat(p[1]).as("connected").isNotNull();
        ByteArrayOutputStream up = new ByteArrayOutputStream(), down = new ByteArrayOutputStream();
        for (int size : sizes) {
            byte[] a = new byte[size], b = new byte[size / 2 + 1];
            r.nextBytes(a);
            r.nextBytes(b);
            p[0].send(a);
            p[1].send(b);
            up.writeBytes(a);
            down.writeBytes(b);
        }
        p[0].shutdownOutput();
        p[1].shutdownOutput();
        t.net.runUntilIdle();
        assertThat(p[1].recvAll()).isEqualTo(up.toByteArray());
        assertThat(p[0].recvAll()).isEqualTo(down.toByteArray());
        assertThat(p[0].isEof()).isTrue();
        assertThat(p[1].isEof()).isTrue();

        // UDP: every datagram that arrives was sent, once.
        UdpSocket server = t.serverProc.udpSocket(v);
        server.bind(t.server(53));
        UdpSocket client = t.clientProc.udpSocket(v);
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < sizes.size() * 3; i++) {
            byte[] d = new byte[1 + r.nextInt(1200)];
            r.nextBytes(d);
            d[0] = (byte) i;
            sent.add(java.util.HexFormat.of().formatHex(d));
            client.sendTo(d, t.server(53));
        }
        t.net.runUntilIdle();
        Set<String> got = new HashSet<>();
        for (UdpSocket.Datagram d; (d = server.receive()) != null; ) {
            assertThat(got.add(java.util.HexFormat.of().formatHex(d.data()))).as("no duplicate").isTrue();
        }
        assertThat(sent).containsAll(got);
        if (loss == 0) assertThat(got).isEqualTo(sent);

        for (PassThrough c : callouts) {
            if (c.name.contains("STREAM")) {
                assertThat(c.ownSeen).as(c.name + ": injected stream data is not shown to its injector").isZero();
            } else {
                assertThat(c.ownSeen).as(c.name + ": each injection came back once").isEqualTo(c.returning);
            }
        }
        assertThat(callouts).allMatch(c -> c.injected > 0);
    }
}

package io.jwfp.shim.sim;

import static io.jwfp.engine.layer.Layer.*;
import static io.jwfp.shim.sim.LayerPath.v;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.kernel.FwpsBindRequest;
import io.jwfp.engine.kernel.FwpsKernel;
import io.jwfp.engine.kernel.InjectionTags;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.value.ConditionFlags;
import io.jwfp.packet.ChecksumPolicy;
import io.jwfp.packet.EtherType;
import io.jwfp.packet.Icmpv4View;
import io.jwfp.packet.Icmpv6View;
import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.Ipv4View;
import io.jwfp.packet.Ipv6View;
import io.jwfp.packet.NetBufferList;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.packet.repr.Packets;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.shim.sim.trace.Direction;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated host: interfaces, routes, an IPv4/IPv6 stack with TCP, UDP and ICMP, sockets, and its own WFP — an
 * in-memory {@link BaseFilteringEngine} whose {@link FilterEngine} classifies every packet and socket operation at the
 * layers Windows uses, in Windows' order (wfp-semantics §4, seed-samples §9.3).
 *
 * <p>Not thread-safe: everything runs on the simulation's thread.
 */
public final class SimHost {
    /** The first port of the dynamic range (wfp-semantics §4.13). */
    static final int EPHEMERAL_FIRST = 49152;
    static final int ARP_TRIES = 3;
    static final Duration ARP_RETRY = Duration.ofSeconds(1);
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** Ethernet II header: destination, source, EtherType (no VLAN tag). */
    static final int ETHERNET_HEADER = 14;

    record Route(InetAddress prefix, int length, SimInterface iface, InetAddress gateway) {}

    private final SimNetwork net;
    private final String name;
    private final int index;
    private final BaseFilteringEngine bfe;
    private final SimKernel kernel;
    private final LayerPath path;
    private final AleFlows flows;
    private final Ipv4Fragments fragments = new Ipv4Fragments(this);
    private final List<SimInterface> interfaces = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Long> stats = new TreeMap<>();
    private final Map<Long, Endpoint> endpoints = new HashMap<>();
    private final Set<String> usedPorts = new HashSet<>();
    final Map<AleFlows.Key, TcpConnection> tcpConnections = new LinkedHashMap<>();
    final Map<Integer, List<TcpSocket>> tcpListeners = new HashMap<>();
    final Map<Integer, List<UdpSocket>> udpSockets = new HashMap<>();
    final Map<Integer, PingSocket> pingSockets = new HashMap<>();
    private final SimProcess system;
    private boolean forwarding;
    private int nextEphemeral = EPHEMERAL_FIRST;
    private long nextEndpoint = 1;
    private int nextEchoId = 0x4A00;

    SimHost(SimNetwork net, String name, int index) {
        this.net = net;
        this.name = name;
        this.index = index;
        FilterEngine fe = new FilterEngine();
        this.kernel = new SimKernel(this);
        fe.setKernel(kernel);
        this.bfe = BaseFilteringEngine.open(fe, null);
        this.path = new LayerPath(this);
        this.flows = new AleFlows(this);
        this.system = new SimProcess(this, 4, "System", 0);
        SimInterface lo = new SimInterface(this, "lo", 1, 0, true);
        lo.addAddress("127.0.0.1/8").addAddress("::1/128");
        interfaces.add(lo);
        bfe.addPolicyChangeListener(flows::policyChanged);
    }

    // ---------------------------------------------------------------- public API

    public String name() {
        return name;
    }

    int index() {
        return index;
    }

    public SimNetwork network() {
        return net;
    }

    /** This host's Base Filtering Engine: open sessions on it to add filters. */
    public BaseFilteringEngine bfe() {
        return bfe;
    }

    /** This host's filter engine. */
    public FilterEngine engine() {
        return bfe.filterEngine();
    }

    /** The callout runtime callouts on this host use. */
    public FwpsKernel kernel() {
        return kernel;
    }

    /**
     * How long a work item queued with {@link FwpsKernel#queueWorkItem} waits before it runs (default zero: after
     * the events already due). A positive delay models a worker that is slower than the network.
     */
    public void setWorkItemDelay(java.time.Duration delay) {
        kernel.workItemDelayNanos = delay.toNanos();
    }

    SimKernel simKernel() {
        return kernel;
    }

    LayerPath path() {
        return path;
    }

    AleFlows flows() {
        return flows;
    }

    /** The number of ALE flows currently authorized. */
    public int aleFlowCount() {
        return flows.all().size();
    }

    /** Adds an Ethernet interface with addresses like {@code "10.200.0.1/24"}. */
    public SimInterface addInterface(String ifName, String... cidrs) {
        int idx = interfaces.size() + 1;
        long mac = 0x02_00_00_00_00_00L | ((long) index << 8) | idx;
        SimInterface i = new SimInterface(this, ifName, idx, mac, false);
        for (String c : cidrs) i.addAddress(c);
        interfaces.add(i);
        return i;
    }

    /** The interfaces; the first is loopback. */
    public List<SimInterface> interfaces() {
        return List.copyOf(interfaces);
    }

    /** The loopback interface. */
    public SimInterface loopback() {
        return interfaces.get(0);
    }

    SimInterface interfaceByIndex(int idx) {
        return idx >= 1 && idx <= interfaces.size() ? interfaces.get(idx - 1) : null;
    }

    /** Adds a route: {@code "0.0.0.0/0"} via {@code gateway} (which must be on a connected prefix). */
    public void addRoute(String cidr, String gateway) {
        try {
            int slash = cidr.indexOf('/');
            InetAddress p = InetAddress.getByName(cidr.substring(0, slash));
            InetAddress gw = InetAddress.getByName(gateway);
            SimInterface out = connectedInterface(gw);
            if (out == null) throw new IllegalArgumentException("gateway " + gateway + " is not on a connected prefix");
            routes.add(new Route(p, Integer.parseInt(cidr.substring(slash + 1)), out, gw));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Turns IP forwarding on (a router). */
    public void setForwarding(boolean on) {
        forwarding = on;
    }

    /** A process whose sockets carry this identity at the ALE layers. */
    public SimProcess process(long pid, String exePath, int uid) {
        return new SimProcess(this, pid, exePath, uid);
    }

    /** Counters of packets the stack dropped, by reason (e.g. {@code arp-failed}, {@code not-local}). */
    public Map<String, Long> stats() {
        return Map.copyOf(stats);
    }

    /** Applies a policy file's objects to this host's engine (in one transaction). */
    public PolicyApplier.Result applyPolicy(Policy policy) {
        try (var session = bfe.openSession(io.jwfp.bfe.FwpmSession.named("policy " + name))) {
            return PolicyApplier.apply(policy, session, PolicyApplier.Mode.ADD);
        }
    }

    void count(String what) {
        stats.merge(what, 1L, Long::sum);
    }

    /** Echo identifiers are per host, so equal seeds give equal runs however many networks a JVM built before. */
    int nextEchoIdentifier() {
        return nextEchoId++ & 0xFFFF;
    }

    long newEndpointHandle() {
        return ((long) index << 40) | nextEndpoint++;
    }

    void register(Endpoint ep) {
        endpoints.put(ep.handle, ep);
    }

    Endpoint endpoint(long handle) {
        Endpoint e = endpoints.get(handle);
        return e == null || e.closed ? null : e;
    }

    SimProcess system() {
        return system;
    }

    private final Map<IpVersion, PingSocket> responders = new HashMap<>();

    /** The stack's own endpoint that answers echo requests, as the System process. */
    PingSocket responder(IpVersion v) {
        return responders.computeIfAbsent(v, k -> new PingSocket(this, system, k));
    }

    // ---------------------------------------------------------------- addresses and routes

    static IpVersion version(InetAddress a) {
        return a instanceof Inet4Address ? IpVersion.V4 : IpVersion.V6;
    }

    /** True if the address is one of this host's (loopback range included). */
    boolean isLocal(InetAddress a) {
        if (a.isLoopbackAddress()) return true;
        for (SimInterface i : interfaces) if (i.owns(a)) return true;
        return false;
    }

    private SimInterface connectedInterface(InetAddress a) {
        SimInterface best = null;
        int bestLen = -1;
        for (SimInterface i : interfaces) {
            if (i.isLoopback()) continue;
            for (SimInterface.Address x : i.addresses()) {
                if (x.contains(a) && x.prefixLength() > bestLen) {
                    best = i;
                    bestLen = x.prefixLength();
                }
            }
        }
        return best;
    }

    /** The interface and next hop for a destination; null when there is no route. */
    Route route(InetAddress dst) {
        if (isLocal(dst)) return new Route(dst, 0, loopback(), dst);
        SimInterface c = connectedInterface(dst);
        if (c != null) return new Route(dst, 0, c, dst);
        Route best = null;
        for (Route r : routes) {
            if (version(r.prefix()) == version(dst) && SimInterface.samePrefix(r.prefix(), dst, r.length())
                    && (best == null || r.length() > best.length())) best = r;
        }
        return best;
    }

    /** The source address for a destination: the destination itself if local, else the outgoing interface's. */
    InetAddress sourceFor(InetAddress dst) {
        if (isLocal(dst)) return dst;
        Route r = route(dst);
        if (r == null) return null;
        return r.iface().address(version(dst));
    }

    static InetAddress wildcard(IpVersion v) {
        try {
            return InetAddress.getByName(v == IpVersion.V4 ? "0.0.0.0" : "::");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- facts

    /** The facts a packet layer knows from the packet itself. */
    Facts packetFacts(SimPacket pkt, Direction dir, SimInterface iface) {
        Facts f = new Facts(null);
        ParsedPacket p = pkt.p;
        f.direction = dir;
        f.iface = iface;
        f.protocol = p.protocol();
        boolean out = dir == Direction.OUTBOUND;
        f.local = out ? pkt.src() : pkt.dst();
        f.remote = out ? pkt.dst() : pkt.src();
        if (pkt.isIcmp()) {
            f.localPort = p.icmpType();
            f.remotePort = p.icmpCode();
        } else if (p.has(ParsedPacket.HAS_PORTS)) {
            f.localPort = out ? p.srcPort() : p.dstPort();
            f.remotePort = out ? p.dstPort() : p.srcPort();
        }
        if (pkt.loopback) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        if (p.has(ParsedPacket.FRAGMENT)) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_FRAGMENT;
        if (pkt.reassembled) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_REASSEMBLED;
        return f;
    }

    /** Facts for an ALE operation of an endpoint. */
    Facts aleFacts(String event, Endpoint ep, Direction dir) {
        Facts f = new Facts(event);
        f.direction = dir;
        f.process = ep.process;
        f.protocol = ep.protocol;
        f.endpointHandle = ep.handle;
        f.parentEndpointHandle = ep.parentHandle;
        if (ep.local != null) {
            f.local = ep.local.getAddress();
            f.localPort = ep.local.getPort();
        }
        return f;
    }

    // ---------------------------------------------------------------- bind / release (ALE resource layers)

    /**
     * Binds an endpoint: ALE_BIND_REDIRECT (a callout may rewrite the local address and port), then
     * ALE_RESOURCE_ASSIGNMENT. Throws {@link SimSocketException} on WSAEADDRINUSE or a block.
     */
    void bind(Endpoint ep, InetSocketAddress requested, boolean implicit) {
        IpVersion v = ep.family;
        InetAddress addr = requested == null || requested.getAddress() == null ? wildcard(v) : requested.getAddress();
        int port = requested == null ? 0 : requested.getPort();
        int flags = implicit ? ConditionFlags.FWP_CONDITION_FLAG_IS_IMPLICIT_BIND : 0;
        if (addr.isAnyLocalAddress()) flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_WILDCARD_BIND;
        if (ep.protocol != IpProtocol.TCP && ep.protocol != IpProtocol.UDP) {
            flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_RAW_ENDPOINT;
        } else {
            Facts f = aleFacts("bind", ep, Direction.NONE);
            f.local = addr;
            f.localPort = port;
            f.flags = flags;
            FwpsBindRequest req = new FwpsBindRequest(new InetSocketAddress(addr, port), null, 0);
            Indication ind = path.classify(v(FWPM_LAYER_ALE_BIND_REDIRECT_V4, v), f, null, req);
            if (ind.permitted() && ind.modifiedLayerData instanceof FwpsBindRequest mod && mod.localAddressAndPort != null) {
                addr = mod.localAddressAndPort.getAddress();
                port = mod.localAddressAndPort.getPort();
            }
            if (port == 0) port = allocatePort(v, ep.protocol);
            else if (usedPorts.contains(portKey(v, ep.protocol, port))) {
                throw new SimSocketException("WSAEADDRINUSE", "port " + port + " is in use");
            }
        }
        Facts f = aleFacts("bind", ep, Direction.NONE);
        f.local = addr;
        f.localPort = port;
        f.flags = flags;
        Indication ind = path.enforce(v(FWPM_LAYER_ALE_RESOURCE_ASSIGNMENT_V4, v), f, null, null);
        if (ind.blocked()) {
            ep.error = "WSAEACCES";
            throw new SimSocketException("WSAEACCES", "bind blocked at " + ind.layer.name() + " by filter " + ind.result.filterId());
        }
        ep.local = new InetSocketAddress(addr, port);
        ep.ownsPort = true;
        usedPorts.add(portKey(v, ep.protocol, port));
        register(ep);
    }

    /** IPv4 and IPv6 sockets have their own ports (no dual-stack sockets, S21): a v4 and a v6 server may share one. */
    private static String portKey(IpVersion v, int protocol, int port) {
        return v + "/" + protocol + "/" + port;
    }

    private int allocatePort(IpVersion v, int protocol) {
        for (int i = 0; i < 16384; i++) {
            int p = nextEphemeral++;
            if (nextEphemeral > 65535) nextEphemeral = EPHEMERAL_FIRST;
            if (!usedPorts.contains(portKey(v, protocol, p))) return p;
        }
        throw new SimSocketException("WSAENOBUFS", "no free port");
    }

    /** The endpoint is closed: ALE_ENDPOINT_CLOSURE. A callout may pend it; {@code done} runs when it completes. */
    void endpointClosure(Endpoint ep, InetSocketAddress remote, Runnable done) {
        if (ep.closed) {
            done.run();
            return;
        }
        Facts f = aleFacts("close", ep, Direction.NONE);
        if (remote != null) f.remote(remote.getAddress(), remote.getPort());
        Indication ind = path.classify(v(FWPM_LAYER_ALE_ENDPOINT_CLOSURE_V4, ep.family), f, null, null);
        Runnable finish = () -> {
            ep.closed = true;
            endpoints.remove(ep.handle);
            done.run();
        };
        if (ind.classifyPended) ind.onClassifyComplete = a -> finish.run();
        else finish.run();
    }

    /** The port is freed: ALE_RESOURCE_RELEASE (a notification; its decision is not enforced). */
    void resourceRelease(Endpoint ep) {
        if (!ep.ownsPort) return;
        ep.ownsPort = false;
        usedPorts.remove(portKey(ep.family, ep.protocol, ep.local.getPort()));
        Facts f = aleFacts("release", ep, Direction.NONE);
        path.classify(v(FWPM_LAYER_ALE_RESOURCE_RELEASE_V4, ep.family), f, null, null);
    }

    // ---------------------------------------------------------------- transport send

    /**
     * Sends a transport packet (its data offset at the transport header): reauthorization of its flow if a policy
     * change or a completed pend asks for it, FWPM_LAYER_OUTBOUND_TRANSPORT, then the IP send path.
     */
    void transportSend(SimPacket pkt, Endpoint ep, AleFlows.Flow flow) {
        IpVersion v = pkt.version();
        pkt.loopback = isLocal(pkt.dst());
        Facts f = packetFacts(pkt, Direction.OUTBOUND, outInterface(pkt.dst()));
        if (ep != null) {
            f.endpointHandle = ep.handle;
            f.process = ep.process;
        }
        if (flow == null && ep != null) {
            AleFlows.Key key = key(pkt, Direction.OUTBOUND);
            flow = flows.find(key);
            Layer completion = flows.completionReauth.remove(key);
            if (flow == null && completion != null) {
                flow = authorizeAfterCompletion(pkt, ep, key, completion, Direction.OUTBOUND, f);
                if (flow == null) return;
            }
            if (flow == null && pkt.p.protocol() != IpProtocol.TCP && InjectionTags.isInjected(pkt.nbl)) {
                // A datagram a callout injected towards a new peer (ddproxy): it opens its own ALE flow.
                flow = outboundDatagramFlow(pkt, ep, key, false);
                if (flow == null) return;
            }
        }
        if (flow != null) {
            f.flowHandle = flow.handle;
            if (!reauthorize(flow, pkt, Direction.OUTBOUND, f)) return;
        }
        Indication t = path.enforce(v(FWPM_LAYER_OUTBOUND_TRANSPORT_V4, v), f, pkt);
        if (!t.permitted()) return;
        ipSend(pkt);
    }

    SimInterface outInterface(InetAddress dst) {
        Route r = route(dst);
        return r == null ? null : r.iface();
    }

    static AleFlows.Key key(SimPacket pkt, Direction dir) {
        ParsedPacket p = pkt.p;
        boolean out = dir == Direction.OUTBOUND;
        InetAddress local = out ? pkt.src() : pkt.dst();
        InetAddress remote = out ? pkt.dst() : pkt.src();
        if (pkt.isIcmp()) return new AleFlows.Key(p.protocol(), local, p.icmpId(), remote, 0);
        return new AleFlows.Key(p.protocol(), local, out ? p.srcPort() : p.dstPort(), remote,
                out ? p.dstPort() : p.srcPort());
    }

    /**
     * A flow marked for reauthorization is classified again at the layer that authorized it, with
     * FWP_CONDITION_FLAG_IS_REAUTHORIZE; a block tears the flow down. Returns true if the packet may go on.
     */
    boolean reauthorize(AleFlows.Flow flow, SimPacket pkt, Direction dir, Facts packetFacts) {
        if (!flow.reauthPending) return true;
        flow.reauthPending = false;
        Facts f = packetFacts.copy();
        f.event = pkt.label();
        f.flowHandle = flow.handle;
        f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE;
        f.reauthReason = flow.reauthReason;
        flow.reauthReason = 0;
        if (flow.endpoint != null) f.process = flow.endpoint.process;
        Indication ind = path.enforce(flow.authLayer, f, pkt);
        if (ind.permitted()) return true;
        tearDown(flow, "WSAECONNABORTED");
        return false;
    }

    /** The reauthorization after FwpsCompleteOperation0 on a flow that did not exist yet (non-TCP, or a SYN). */
    AleFlows.Flow authorizeAfterCompletion(SimPacket pkt, Endpoint ep, AleFlows.Key key, Layer layer, Direction dir,
                                           Facts packetFacts) {
        Facts f = packetFacts.copy();
        f.event = pkt.label();
        f.process = ep.process;
        f.endpointHandle = ep.handle;
        long handle = flows.newHandle();
        f.flowHandle = handle;
        f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE;
        f.reauthReason = ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION;
        Indication ind = path.enforce(layer, f, pkt);
        if (!ind.permitted()) {
            ep.error = "WSAEACCES";
            return null;
        }
        AleFlows.Flow flow = flows.create(handle, key, layer, dir, ep);
        if (pkt.p.protocol() != IpProtocol.TCP && !flowEstablished(flow, ep, pkt, dir)) return null;
        return flow;
    }

    /** ALE_FLOW_ESTABLISHED for a new flow; a block ends the flow. A datagram is the layer data. */
    boolean flowEstablished(AleFlows.Flow flow, Endpoint ep, SimPacket pkt, Direction dir) {
        return flowEstablished(flow, ep, pkt, dir, pkt != null && pkt.p.protocol() != IpProtocol.TCP);
    }

    /**
     * ALE_FLOW_ESTABLISHED for a new flow opened by {@code pkt} (its ICMP type and code fill the port fields), with
     * the packet as layer data or none; a block ends the flow.
     */
    boolean flowEstablished(AleFlows.Flow flow, Endpoint ep, SimPacket pkt, Direction dir, boolean packetIsLayerData) {
        Facts f = aleFacts("established", ep, dir);
        f.flowHandle = flow.handle;
        f.local = flow.key.local();
        f.localPort = flow.key.localPort();
        f.remote(flow.key.remote(), flow.key.remotePort());
        if (pkt != null && pkt.isIcmp()) {
            f.localPort = pkt.p.icmpType();
            f.remotePort = pkt.p.icmpCode();
        }
        if (pkt != null && pkt.loopback || isLocal(flow.key.remote())) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_LOOPBACK;
        if (ep.redirectRecords != null) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_CONNECTION_REDIRECTED;
        if (pkt != null && !packetIsLayerData) f.summary = pkt.summary();
        Indication ind = path.enforce(v(FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, version(flow.key.local())), f,
                packetIsLayerData ? pkt : null);
        if (ind.permitted()) return true;
        flows.end(flow);
        return false;
    }

    /**
     * The ALE part of an inbound datagram (UDP, ICMP echo) after INBOUND_TRANSPORT: a known flow is reauthorized if
     * asked; otherwise ALE_AUTH_RECV_ACCEPT (pendable) and ALE_FLOW_ESTABLISHED create one. Returns the flow, or null
     * when the datagram was dropped or pended.
     */
    AleFlows.Flow inboundDatagramFlow(SimPacket pkt, Facts f, Endpoint ep, AleFlows.Key key, AleFlows.Flow flow) {
        if (flow != null) return reauthorize(flow, pkt, Direction.INBOUND, f) ? flow : null;
        Indication ind = recvAccept(pkt, f, ep, key);
        if (ind == null) return null;
        AleFlows.Flow created = flows.create(ind.facts.flowHandle, key, ind.layer, Direction.INBOUND, ep);
        return flowEstablished(created, ep, pkt, Direction.INBOUND) ? created : null;
    }

    /**
     * ALE_AUTH_RECV_ACCEPT for the first inbound packet of a flow to {@code ep} (a SYN, a datagram): the
     * reauthorization after FwpsCompleteOperation0 if one is due for the 5-tuple, else an initial (pendable)
     * authorization. Returns the permitted indication (its facts carry the new flow handle), or null when the packet
     * was blocked or pended (a pended one is reauthorized on the next packet of the 5-tuple).
     */
    Indication recvAccept(SimPacket pkt, Facts f, Endpoint ep, AleFlows.Key key) {
        Layer layer = v(FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, pkt.version());
        Facts a = f.copy();
        a.flags &= ~ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY;
        a.aleClassifyRequired = false;
        a.process = ep.process;
        a.endpointHandle = ep.handle;
        a.flowHandle = flows.newHandle();
        if (flows.completionReauth.remove(key) != null) {
            a.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE;
            a.reauthReason = ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION;
        } else {
            a.completionHandle = Boolean.TRUE;
        }
        Indication ind = path.enforce(layer, a, pkt);
        if (ind.pendedOperation != null) {
            ind.pendedOperation.onComplete = () -> flows.completionReauth.put(key, layer);
            return null;
        }
        return ind.permitted() ? ind : null;
    }

    /**
     * The ALE part of the first outbound datagram of a flow: ALE_AUTH_CONNECT (pendable; the packet is its layer
     * data) and ALE_FLOW_ESTABLISHED. Returns the new flow, or null when blocked or pended.
     */
    AleFlows.Flow outboundDatagramFlow(SimPacket pkt, Endpoint ep, AleFlows.Key key, boolean redirected) {
        Layer layer = v(FWPM_LAYER_ALE_AUTH_CONNECT_V4, pkt.version());
        Facts f = packetFacts(pkt, Direction.OUTBOUND, outInterface(pkt.dst()));
        f.process = ep.process;
        f.endpointHandle = ep.handle;
        long handle = flows.newHandle();
        f.flowHandle = handle;
        f.completionHandle = Boolean.TRUE;
        if (redirected) f.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_CONNECTION_REDIRECTED;
        Indication ind = path.enforce(layer, f, pkt);
        if (ind.pendedOperation != null) {
            ind.pendedOperation.onComplete = () -> completeDatagramConnect(pkt, ep, key, layer, f);
            return null;
        }
        if (!ind.permitted()) {
            ep.error = "WSAEACCES";
            return null;
        }
        AleFlows.Flow flow = flows.create(handle, key, layer, Direction.OUTBOUND, ep);
        return flowEstablished(flow, ep, pkt, Direction.OUTBOUND) ? flow : null;
    }

    /**
     * FwpsCompleteOperation0 on a pended datagram connect: as for a TCP connect, the engine reauthorizes at once
     * (IS_REAUTHORIZE, CLASSIFY_COMPLETION) without a packet — the callout holds the first datagram and injects it
     * once it permitted (inspect) — and a permit opens the flow and classifies FLOW_ESTABLISHED.
     */
    private void completeDatagramConnect(SimPacket first, Endpoint ep, AleFlows.Key key, Layer layer, Facts initial) {
        if (ep.closed || flows.find(key) != null) return; // closed meanwhile, or a later datagram opened the flow
        Facts r = initial.copy();
        r.event = first.label();
        r.summary = first.summary();
        r.completionHandle = null;
        r.flowHandle = flows.newHandle();
        r.flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE;
        r.reauthReason = ConditionFlags.FWP_CONDITION_REAUTHORIZE_REASON_CLASSIFY_COMPLETION;
        Indication again = path.enforce(layer, r, null, null);
        if (!again.permitted()) {
            ep.error = "WSAEACCES";
            return;
        }
        AleFlows.Flow flow = flows.create(r.flowHandle, key, layer, Direction.OUTBOUND, ep);
        flowEstablished(flow, ep, first, Direction.OUTBOUND, false);
    }

    /** FWPM_LAYER_DATAGRAM_DATA for a datagram of a flow; returns true if it may go on. */
    boolean datagramData(SimPacket pkt, Facts packetFacts, AleFlows.Flow flow, Endpoint ep) {
        flows.touch(flow);
        Facts d = packetFacts.copy();
        d.flags &= ~ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY;
        d.aleClassifyRequired = false;
        d.flowHandle = flow.handle;
        if (ep != null) d.endpointHandle = ep.handle;
        return path.enforce(v(FWPM_LAYER_DATAGRAM_DATA_V4, pkt.version()), d, pkt).permitted();
    }

    /** INBOUND_TRANSPORT for a datagram; marks it REQUIRES_ALE_CLASSIFY when it has no flow yet. */
    boolean inboundTransport(SimPacket pkt, Facts f, Endpoint ep, AleFlows.Flow flow) {
        if (ep != null) f.endpointHandle = ep.handle;
        if (flow == null) {
            f.aleClassifyRequired = true;
            f.flags |= ConditionFlags.FWP_CONDITION_FLAG_REQUIRES_ALE_CLASSIFY;
        } else {
            f.flowHandle = flow.handle;
        }
        return path.enforce(v(FWPM_LAYER_INBOUND_TRANSPORT_V4, pkt.version()), f, pkt).permitted();
    }

    void tearDown(AleFlows.Flow flow, String error) {
        TcpConnection c = tcpConnections.get(flow.key);
        if (c != null) c.abort(error, false);
        flows.end(flow);
    }

    // ---------------------------------------------------------------- IP send (seed-samples §9.3 items 1, 2, 6)

    /**
     * The IP send path for a packet whose data offset is at the IP header: route, next-hop resolution (ARP) before
     * FWPM_LAYER_OUTBOUND_IPPACKET, the layer, the source-address check after it, then loopback delivery or
     * FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET and the wire.
     */
    void ipSend(SimPacket pkt) {
        pkt.reparse(ChecksumPolicy.IGNORE);
        InetAddress dst = pkt.dst();
        Route r = route(dst);
        if (r == null) {
            count("no-route");
            return;
        }
        pkt.loopback = r.iface().isLoopback();
        if (pkt.loopback) {
            outboundIp(pkt, r.iface(), -1);
            return;
        }
        resolve(r.iface(), r.gateway(), mac -> outboundIp(pkt, r.iface(), mac));
    }

    private void outboundIp(SimPacket pkt, SimInterface out, long dstMac) {
        IpVersion v = pkt.version();
        Facts f = packetFacts(pkt, Direction.OUTBOUND, out);
        Indication ind = path.enforce(v(FWPM_LAYER_OUTBOUND_IPPACKET_V4, v), f, pkt);
        if (!ind.permitted()) return;
        // The interface and source MAC are chosen from the source address after the layer: a source that is not
        // ours makes the packet undeliverable.
        pkt.reparse(ChecksumPolicy.IGNORE);
        if (!isLocal(pkt.src())) {
            count("source-not-local");
            path.discard(v(FWPM_LAYER_OUTBOUND_IPPACKET_V4, v), packetFacts(pkt, Direction.OUTBOUND, out), pkt,
                    FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_NETWORK, LayerPath.DISCARD_SOURCE_NOT_LOCAL, 0);
            return;
        }
        if (out.isLoopback()) {
            byte[] ip = pkt.ipBytes();
            NetBufferList nbl = NetBufferList.wrap(ip);
            nbl.setInjectionTag(pkt.nbl.injectionTag());
            SimPacket in = new SimPacket(nbl, 0, pkt.id);
            in.loopback = true;
            net.trace().transmission(net.clock().nanos(), name, name, pkt.label(), pkt.id, false, false, true,
                    pkt.summary());
            net.clock().scheduleNanos(0, () -> ipReceive(in, loopback()));
            return;
        }
        sendFrame(pkt, out, dstMac, true);
    }

    /**
     * Frames an IP packet and sends it out of an interface after FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET. An IPv4
     * packet larger than the link MTU is fragmented first (each fragment is a frame of its own at the MAC layer);
     * a forwarded one only if DF is clear. Larger IPv6 packets are dropped (IPv6 fragmentation is not modelled).
     */
    void sendFrame(SimPacket pkt, SimInterface out, long dstMac, boolean local) {
        byte[] ip = pkt.ipBytes();
        if (ip.length <= out.mtu()) {
            macSend(ip, pkt, out, dstMac);
            return;
        }
        if (pkt.version() != IpVersion.V4 || (!local && pkt.p.dontFragment())) {
            count("mtu");
            return;
        }
        count("fragmented");
        for (byte[] f : fragments.fragment(ip, out.mtu())) macSend(f, pkt, out, dstMac);
    }

    private void macSend(byte[] ip, SimPacket origin, SimInterface out, long dstMac) {
        byte[] frame = Packets.ethernet(dstMac, out.mac(), ip);
        NetBufferList nbl = NetBufferList.wrap(frame);
        nbl.setInjectionTag(origin.nbl.injectionTag());
        macOut(new SimPacket(nbl, ETHERNET_HEADER, origin.id), out);
    }

    /**
     * FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET, then the wire (also where FwpsInjectMacSendAsync0 enters). A callout may
     * not change the frame in place; what it permitted is what goes out.
     */
    void macOut(SimPacket fp, SimInterface out) {
        MemorySegment seg = fp.nbl.segment();
        long start = fp.ipOffset - ETHERNET_HEADER;
        byte[] frame = new byte[(int) (fp.ipOffset - start + fp.p.ipLength())];
        MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, start, frame, 0, frame.length);
        Facts f = macFacts(fp, out, Direction.OUTBOUND, Arp.mac(frame, 6), Arp.mac(frame, 0));
        Indication ind = path.classify(FWPM_LAYER_OUTBOUND_MAC_FRAME_ETHERNET, f, fp, null);
        if (!ind.permitted()) return;
        out.link().transmit(out, frame, fp.id, fp.label(), fp.summary(), false);
    }

    /** A frame a callout injected with FwpsInjectMacSendAsync0 (the list starts at the Ethernet header). */
    void macSendInjected(NetBufferList nbl, SimInterface out) {
        SimPacket fp = framePacket(nbl);
        if (fp == null || out.link() == null) {
            count("mac-inject-dropped");
            return;
        }
        macOut(fp, out);
    }

    /** A frame a callout injected with FwpsInjectMacReceiveAsync0: past the NIC filter, INBOUND_MAC, then IP. */
    void macReceiveInjected(NetBufferList nbl, SimInterface iface) {
        SimPacket pkt = framePacket(nbl);
        if (pkt == null) {
            count("mac-inject-dropped");
            return;
        }
        macIn(pkt, iface);
    }

    /** An injected IP frame as a packet whose IP header follows the Ethernet header at the list's data offset. */
    private SimPacket framePacket(NetBufferList nbl) {
        if (nbl.dataLength() < ETHERNET_HEADER + 20) return null;
        MemorySegment seg = nbl.segment();
        long o = nbl.dataOffset();
        int type = ((seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, o + 12) & 0xFF) << 8)
                | (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, o + 13) & 0xFF);
        if (type != EtherType.IPV4 && type != EtherType.IPV6) return null;
        SimPacket p = new SimPacket(nbl, (int) o + ETHERNET_HEADER, net.nextPacketId());
        return p.p.has(ParsedPacket.HAS_IP) ? p : null;
    }

    private Facts macFacts(SimPacket fp, SimInterface iface, Direction dir, long local, long remote) {
        Facts f = new Facts(fp.label());
        f.direction = dir;
        f.iface = iface;
        f.macLocal = local;
        f.macRemote = remote;
        f.etherType = fp.version() == IpVersion.V4 ? EtherType.IPV4 : EtherType.IPV6;
        f.summary = fp.summary();
        return f;
    }

    // ---------------------------------------------------------------- neighbour resolution (ARP)

    /** Resolves a next hop's MAC, sending ARP requests (up to 3, a second apart); unresolved packets are dropped. */
    void resolve(SimInterface iface, InetAddress nextHop, java.util.function.LongConsumer then) {
        Long mac = iface.neighbours.get(nextHop);
        if (mac != null) {
            then.accept(mac);
            return;
        }
        List<Runnable> waiting = iface.pendingResolution.get(nextHop);
        boolean first = waiting == null;
        if (first) {
            waiting = new ArrayList<>();
            iface.pendingResolution.put(nextHop, waiting);
        }
        waiting.add(() -> then.accept(iface.neighbours.get(nextHop)));
        if (first) arpRequest(iface, nextHop, 1);
    }

    private void arpRequest(SimInterface iface, InetAddress target, int attempt) {
        if (iface.neighbours.containsKey(target) || !iface.pendingResolution.containsKey(target)) return;
        if (attempt > ARP_TRIES) {
            List<Runnable> dropped = iface.pendingResolution.remove(target);
            for (int i = 0; i < dropped.size(); i++) count("arp-failed");
            return;
        }
        InetAddress sender = iface.address(version(target));
        byte[] frame = Arp.frame(Arp.REQUEST, iface.mac(), sender, BROADCAST, 0, target);
        iface.link().transmit(iface, frame, net.nextPacketId(), "ARP request", "arp who-has " + target.getHostAddress()
                + " tell " + (sender == null ? "?" : sender.getHostAddress()), true);
        iface.arpTimers.put(target, net.clock().scheduleNanos(ARP_RETRY.toNanos(), () -> arpRequest(iface, target, attempt + 1)));
    }

    private void arpReceived(SimInterface iface, byte[] frame) {
        Arp a = Arp.parse(frame);
        if (a == null) return;
        if (a.op() == Arp.REQUEST && iface.owns(a.targetIp())) {
            iface.neighbours.put(a.senderIp(), a.senderMac());
            byte[] reply = Arp.frame(Arp.REPLY, iface.mac(), a.targetIp(), a.senderMac(), a.senderMac(), a.senderIp());
            iface.link().transmit(iface, reply, net.nextPacketId(), "ARP reply", "arp " + a.targetIp().getHostAddress()
                    + " is-at " + Arp.macToString(iface.mac()), true);
        } else if (a.op() == Arp.REPLY) {
            iface.neighbours.put(a.senderIp(), a.senderMac());
            net.clock().cancel(iface.arpTimers.remove(a.senderIp()));
            List<Runnable> waiting = iface.pendingResolution.remove(a.senderIp());
            if (waiting != null) for (Runnable r : waiting) r.run();
        }
    }

    // ---------------------------------------------------------------- receive (seed-samples §9.3 items 3, 4, 6, 7, 8)

    /** A frame arrives from a link. */
    void frameReceived(SimInterface iface, byte[] frame, long packetId) {
        long dstMac = Arp.mac(frame, 0);
        if (dstMac != iface.mac() && dstMac != BROADCAST && !iface.isPromiscuous()) {
            count("mac-filtered");
            return;
        }
        int type = ((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF);
        if (type == Arp.ETHER_TYPE) {
            arpReceived(iface, frame);
            return;
        }
        if (type != EtherType.IPV4 && type != EtherType.IPV6) return;
        macIn(new SimPacket(NetBufferList.wrap(frame), ETHERNET_HEADER, packetId), iface);
    }

    /** FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET, then the IP receive path. */
    private void macIn(SimPacket pkt, SimInterface iface) {
        pkt.arrival = iface;
        MemorySegment seg = pkt.nbl.segment();
        long start = pkt.ipOffset - ETHERNET_HEADER;
        long dst = 0, src = 0;
        for (int i = 0; i < 6; i++) {
            dst = dst << 8 | (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, start + i) & 0xFF);
            src = src << 8 | (seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, start + 6 + i) & 0xFF);
        }
        Facts f = macFacts(pkt, iface, Direction.INBOUND, dst, src);
        Indication ind = path.classify(FWPM_LAYER_INBOUND_MAC_FRAME_ETHERNET, f, pkt, null);
        if (!ind.permitted()) return;
        ipReceive(pkt, iface);
    }

    /**
     * The IP receive path (also where FwpsInjectNetworkReceiveAsync0 enters): header checksum, the local-destination
     * check (not ours: forward or discard), FWPM_LAYER_INBOUND_IPPACKET, then transport.
     */
    void ipReceive(SimPacket pkt, SimInterface iface) {
        if (!verified(pkt, iface, ParsedPacket.HAS_IP, ParsedPacket.BAD_IP_CHECKSUM, "bad-ip-checksum",
                FWPM_LAYER_INBOUND_IPPACKET_V4, FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_NETWORK)) return;
        IpVersion v = pkt.version();
        if (!isLocal(pkt.dst())) {
            if (forwarding && !iface.isLoopback()) {
                forward(pkt, iface);
                return;
            }
            count("not-local");
            path.discard(v(FWPM_LAYER_INBOUND_IPPACKET_V4, v), packetFacts(pkt, Direction.INBOUND, iface), pkt,
                    FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_NETWORK, LayerPath.DISCARD_NOT_LOCAL, 0);
            return;
        }
        pkt.loopback = iface.isLoopback();
        Indication ind = path.enforce(v(FWPM_LAYER_INBOUND_IPPACKET_V4, v), packetFacts(pkt, Direction.INBOUND, iface), pkt);
        if (!ind.permitted()) return;
        if (pkt.p.has(ParsedPacket.FRAGMENT)) {
            reassemble(pkt, iface);
            return;
        }
        transportReceive(pkt, iface);
    }

    /**
     * A fragment passed FWPM_LAYER_INBOUND_IPPACKET: it waits for the others; the whole datagram is indicated at
     * FWPM_LAYER_INBOUND_IPPACKET again with FWP_CONDITION_FLAG_IS_REASSEMBLED and goes on to transport.
     */
    private void reassemble(SimPacket frag, SimInterface iface) {
        if (frag.version() != IpVersion.V4) {
            count("ipv6-fragment"); // IPv6 reassembly is not modelled
            return;
        }
        Ipv4Fragments.Reassembled r = fragments.add(frag.ipBytes(), frag.src(), frag.dst(), frag.nbl.injectionTag());
        if (r == null) return;
        NetBufferList nbl = NetBufferList.wrap(r.ip());
        nbl.setInjectionTag(r.tag());
        SimPacket whole = new SimPacket(nbl, 0, frag.id);
        whole.reassembled = true;
        whole.arrival = iface;
        whole.loopback = iface.isLoopback();
        if (!verified(whole, iface, ParsedPacket.HAS_IP, ParsedPacket.BAD_IP_CHECKSUM, "bad-ip-checksum",
                FWPM_LAYER_INBOUND_IPPACKET_V4, FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_NETWORK)) return;
        Indication ind = path.enforce(v(FWPM_LAYER_INBOUND_IPPACKET_V4, whole.version()),
                packetFacts(whole, Direction.INBOUND, iface), whole);
        if (!ind.permitted()) return;
        transportReceive(whole, iface);
    }

    /**
     * Transport receive (also where FwpsInjectTransportReceiveAsync0 enters): transport checksum, demultiplexing to
     * a socket — none: the transport discard layer and a RST or port-unreachable —, then the protocol.
     */
    void transportReceive(SimPacket pkt, SimInterface iface) {
        pkt.loopback = iface.isLoopback() || isLocal(pkt.src());
        if (!verified(pkt, iface, ParsedPacket.HAS_TRANSPORT, ParsedPacket.BAD_TRANSPORT_CHECKSUM,
                "bad-transport-checksum", FWPM_LAYER_INBOUND_TRANSPORT_V4,
                FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_TRANSPORT)) return;
        Facts f = packetFacts(pkt, Direction.INBOUND, iface);
        switch (pkt.p.protocol()) {
            case IpProtocol.TCP -> TcpConnection.receive(this, pkt, f);
            case IpProtocol.UDP -> UdpSocket.receive(this, pkt, f);
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> PingSocket.receive(this, pkt, f);
            default -> count("unknown-protocol");
        }
    }

    /**
     * Parses a received packet with checksum verification: incomplete ones are dropped, ones with a bad checksum
     * are indicated at {@code v4Layer}'s discard twin. Returns true if the packet may go on.
     */
    private boolean verified(SimPacket pkt, SimInterface iface, int needed, int badChecksum, String counter,
                             Layer v4Layer, int discardModule) {
        pkt.arrival = iface;
        ParsedPacket p = pkt.reparse(ChecksumPolicy.VERIFY);
        if (!p.has(needed)) {
            count("malformed");
            return false;
        }
        if (p.has(badChecksum)) {
            count(counter);
            path.discard(v(v4Layer, pkt.version()), packetFacts(pkt, Direction.INBOUND, iface), pkt, discardModule,
                    LayerPath.DISCARD_BAD_CHECKSUM, 0);
            return false;
        }
        return true;
    }

    /** No endpoint for an inbound packet: INBOUND_TRANSPORT_DISCARD; returns true if a filter blocked it there. */
    boolean noEndpoint(SimPacket pkt, Facts f) {
        count("no-endpoint");
        Indication d = path.discard(v(FWPM_LAYER_INBOUND_TRANSPORT_V4, pkt.version()), f, pkt,
                FwpsIncomingMetadataValues.FWPS_DISCARD_MODULE_TRANSPORT, LayerPath.DISCARD_NO_ENDPOINT, 0);
        return d != null && d.blocked();
    }

    /**
     * Sends an ICMP error about {@code offending} (port unreachable): FWPM_LAYER_OUTBOUND_ICMP_ERROR, then
     * OUTBOUND_TRANSPORT and OUTBOUND_IPPACKET.
     */
    void sendPortUnreachable(SimPacket offending) {
        byte[] ip = offending.ipBytes();
        byte[] err = offending.version() == IpVersion.V4 ? Packets.icmpv4PortUnreachable(ip)
                : Packets.icmpv6PortUnreachable(ip);
        SimPacket pkt = SimPacket.ofIp(err, net.nextPacketId());
        pkt.nbl.advance(pkt.p.ipHeaderSize());
        pkt.loopback = isLocal(pkt.dst());
        Facts f = packetFacts(pkt, Direction.OUTBOUND, outInterface(pkt.dst()));
        f.process = system;
        Indication ind = path.enforce(v(FWPM_LAYER_OUTBOUND_ICMP_ERROR_V4, pkt.version()), f, pkt);
        if (!ind.permitted()) return;
        transportSend(pkt, null, null);
    }

    // ---------------------------------------------------------------- forwarding (wfp-semantics §4.11)

    /** A packet for someone else on a forwarding host: TTL, FWPM_LAYER_IPFORWARD, then out. */
    void forward(SimPacket pkt, SimInterface in) {
        Route r = route(pkt.dst());
        if (r == null || r.iface().isLoopback()) {
            count("no-route");
            return;
        }
        if (pkt.p.ttl() <= 1) {
            count("ttl-exceeded");
            return;
        }
        MemorySegment seg = pkt.nbl.segment();
        if (pkt.version() == IpVersion.V4) {
            Ipv4View ip = new Ipv4View().wrap(seg, pkt.ipOffset, seg.byteSize() - pkt.ipOffset);
            ip.setTtlWithChecksumUpdate(ip.ttl() - 1);
        } else {
            Ipv6View ip = new Ipv6View().wrap(seg, pkt.ipOffset, seg.byteSize() - pkt.ipOffset);
            ip.setHopLimit(ip.hopLimit() - 1);
        }
        pkt.reparse(ChecksumPolicy.IGNORE);
        Facts f = new Facts(pkt.label());
        f.direction = Direction.FORWARD;
        f.iface = in;
        f.source = pkt.src();
        f.destination = pkt.dst();
        f.forwardIface = r.iface();
        f.protocol = pkt.p.protocol();
        f.summary = pkt.summary();
        Indication ind = path.enforce(v(FWPM_LAYER_IPFORWARD_V4, pkt.version()), f, pkt);
        if (!ind.permitted()) return;
        forwardOut(pkt, r.iface());
    }

    /** The forwarding path after IPFORWARD (where FwpsInjectForwardAsync0 enters): next hop, then the wire. */
    void forwardOut(SimPacket pkt, SimInterface out) {
        pkt.reparse(ChecksumPolicy.IGNORE);
        Route r = route(pkt.dst());
        InetAddress nextHop = r != null && r.iface() == out ? r.gateway() : pkt.dst();
        resolve(out, nextHop, mac -> sendFrame(pkt, out, mac, false));
    }

    /** Re-wraps an injected list (data at the IP header) as a packet of this host. */
    SimPacket injectedPacket(NetBufferList nbl) {
        return new SimPacket(nbl, (int) nbl.dataOffset(), net.nextPacketId());
    }

    static boolean isIcmpErrorType(SimPacket pkt) {
        int t = pkt.p.icmpType();
        return pkt.p.protocol() == IpProtocol.ICMP ? Icmpv4View.isErrorType(t)
                : t == Icmpv6View.TYPE_DEST_UNREACHABLE || t == Icmpv6View.TYPE_PACKET_TOO_BIG
                || t == Icmpv6View.TYPE_TIME_EXCEEDED || t == Icmpv6View.TYPE_PARAMETER_PROBLEM;
    }

    @Override
    public String toString() {
        return "SimHost[" + name + "]";
    }
}

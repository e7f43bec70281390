package io.jwfp.shim.sim;

import io.jwfp.shim.sim.trace.Direction;
import java.net.InetAddress;

/**
 * What a host knows about one classification, before {@link LayerPath} turns it into a layer's incoming values and
 * metadata. Unknown numbers are -1, unknown references null; a field a layer has but the facts lack stays
 * FWP_EMPTY.
 */
final class Facts {
    String event;
    Direction direction = Direction.NONE;
    int protocol = -1;
    InetAddress local;
    InetAddress remote;
    int localPort = -1;
    int remotePort = -1;
    SimInterface iface;
    int flags;
    SimProcess process;
    int reauthReason;
    // INBOUND_ICMP_ERROR: the quoted packet, from our point of view
    int embeddedProtocol = -1;
    InetAddress embeddedRemote;
    int embeddedLocalPort = -1;
    int embeddedRemotePort = -1;
    // IPFORWARD
    InetAddress source;
    InetAddress destination;
    SimInterface forwardIface;
    // MAC layers
    long macLocal = -1;
    long macRemote = -1;
    int etherType = -1;
    // metadata
    long flowHandle;
    long endpointHandle;
    long parentEndpointHandle;
    Object completionHandle;
    Object redirectRecords;
    boolean aleClassifyRequired;
    int discardModule = -1;
    int discardReason;
    long discardFilterId;
    String summary;

    Facts(String event) {
        this.event = event;
    }

    Facts local(InetAddress a, int port) {
        local = a;
        localPort = port;
        return this;
    }

    Facts remote(InetAddress a, int port) {
        remote = a;
        remotePort = port;
        return this;
    }

    Facts direction(Direction d) {
        direction = d;
        return this;
    }

    Facts copy() {
        Facts f = new Facts(event);
        f.direction = direction;
        f.protocol = protocol;
        f.local = local;
        f.remote = remote;
        f.localPort = localPort;
        f.remotePort = remotePort;
        f.iface = iface;
        f.flags = flags;
        f.process = process;
        f.reauthReason = reauthReason;
        f.embeddedProtocol = embeddedProtocol;
        f.embeddedRemote = embeddedRemote;
        f.embeddedLocalPort = embeddedLocalPort;
        f.embeddedRemotePort = embeddedRemotePort;
        f.source = source;
        f.destination = destination;
        f.forwardIface = forwardIface;
        f.macLocal = macLocal;
        f.macRemote = macRemote;
        f.etherType = etherType;
        f.flowHandle = flowHandle;
        f.endpointHandle = endpointHandle;
        f.parentEndpointHandle = parentEndpointHandle;
        f.completionHandle = completionHandle;
        f.redirectRecords = redirectRecords;
        f.aleClassifyRequired = aleClassifyRequired;
        f.summary = summary;
        return f;
    }
}

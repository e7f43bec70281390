package io.jwfp.engine.value;

import static io.jwfp.engine.layer.Conditions.*;

import io.jwfp.packet.IpProtocol;
import io.jwfp.packet.ParsedPacket;

/**
 * What a shim knows about one classification, as plain numbers, and the single mapping from those facts to a layer's
 * incoming values ({@link #fillInto}). The simulated network and the NFQUEUE shim both describe a packet or an ALE
 * operation here and let this class decide which fields each layer gets, so a condition means the same on both.
 *
 * <p>Unknown numbers are -1, unknown references null, unknown addresses have their {@code ...Known} flag false; a field
 * a layer offers but the facts lack stays FWP_EMPTY. IPv4 addresses are held in host byte order in the low half
 * ({@code hi} = 0), IPv6 addresses as big-endian halves.
 *
 * <p>Mutable and reusable: a shim keeps one per thread and calls {@link #reset()} per classification; filling
 * allocates nothing. Not thread-safe.
 */
public final class ClassifyFacts {
    /** NL_ADDRESS_TYPE values (FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE and friends). */
    public static final int NLAT_UNSPECIFIED = 0;
    public static final int NLAT_UNICAST = 1;
    public static final int NLAT_ANYCAST = 2;
    public static final int NLAT_MULTICAST = 3;
    public static final int NLAT_BROADCAST = 4;

    /** Values of {@link #direction}. */
    public static final int DIRECTION_NONE = -1;

    public boolean v6;
    public int protocol;
    public boolean localKnown;
    public long localHi;
    public long localLo;
    public int localAddressType;
    public boolean remoteKnown;
    public long remoteHi;
    public long remoteLo;
    public int remoteAddressType;
    public int localPort;
    public int remotePort;
    public int flags;
    public int compartmentId;
    /** FWP_DIRECTION_OUTBOUND (0), FWP_DIRECTION_INBOUND (1), or {@link #DIRECTION_NONE}. */
    public int direction;
    public int reauthReason;
    /** The interface the packet arrives on (inbound) or leaves by (outbound); index -1 when unknown. */
    public int ifIndex;
    public long ifLuid;
    public int ifType;
    public byte[] appId;
    public FwpToken userToken;
    // INBOUND/OUTBOUND_ICMP_ERROR: the packet quoted in the error, from this host's point of view
    public int embeddedProtocol;
    public boolean embeddedRemoteKnown;
    public long embeddedRemoteHi;
    public long embeddedRemoteLo;
    public int embeddedLocalPort;
    public int embeddedRemotePort;
    // IPFORWARD
    public boolean sourceKnown;
    public long sourceHi;
    public long sourceLo;
    public long destinationHi;
    public long destinationLo;
    public int destinationAddressType;
    public int forwardIfIndex;
    public long forwardIfLuid;
    // MAC frame layers
    public int etherType;
    public long interfaceMac;
    public long macLocal;
    public long macRemote;

    public ClassifyFacts() {
        reset();
    }

    /** Forgets every fact. */
    public ClassifyFacts reset() {
        v6 = false;
        protocol = -1;
        localKnown = remoteKnown = embeddedRemoteKnown = sourceKnown = false;
        localHi = localLo = remoteHi = remoteLo = 0;
        localAddressType = remoteAddressType = destinationAddressType = NLAT_UNICAST;
        localPort = remotePort = -1;
        flags = 0;
        compartmentId = -1;
        direction = DIRECTION_NONE;
        reauthReason = 0;
        ifIndex = -1;
        ifLuid = 0;
        ifType = 0;
        appId = null;
        userToken = null;
        embeddedProtocol = -1;
        embeddedRemoteHi = embeddedRemoteLo = 0;
        embeddedLocalPort = embeddedRemotePort = -1;
        sourceHi = sourceLo = destinationHi = destinationLo = 0;
        forwardIfIndex = -1;
        forwardIfLuid = 0;
        etherType = -1;
        interfaceMac = macLocal = macRemote = -1;
        return this;
    }

    /** Sets the local address (IPv4, host byte order). */
    public ClassifyFacts local(int v4) {
        localKnown = true;
        localHi = 0;
        localLo = Integer.toUnsignedLong(v4);
        return this;
    }

    public ClassifyFacts local(long hi, long lo) {
        localKnown = true;
        localHi = hi;
        localLo = lo;
        return this;
    }

    public ClassifyFacts remote(int v4) {
        remoteKnown = true;
        remoteHi = 0;
        remoteLo = Integer.toUnsignedLong(v4);
        return this;
    }

    public ClassifyFacts remote(long hi, long lo) {
        remoteKnown = true;
        remoteHi = hi;
        remoteLo = lo;
        return this;
    }

    /**
     * Forgets every fact, then describes a parsed IP packet seen from this host: a packet travelling {@code inbound}
     * has its destination as the local side. Sets the IP version, protocol, addresses and their types, the ports (for
     * ICMP the type as local and the code as remote port, WFP's convention at the packet layers), IS_FRAGMENT, the
     * direction and, for ICMP errors, the EMBEDDED_* facts of the quoted packet. Interfaces, the compartment and
     * loopback are the shim's to add. Allocates nothing.
     */
    public ClassifyFacts fromPacket(ParsedPacket p, boolean inbound) {
        reset();
        v6 = p.ipVersion() == 6;
        int proto = p.protocol();
        protocol = proto;
        if (v6) {
            long sHi = p.srcHi(), sLo = p.srcLo(), dHi = p.dstHi(), dLo = p.dstLo();
            if (inbound) {
                local(dHi, dLo).remote(sHi, sLo);
            } else {
                local(sHi, sLo).remote(dHi, dLo);
            }
            localAddressType = addressTypeV6(localHi);
            remoteAddressType = addressTypeV6(remoteHi);
        } else {
            int s = p.srcV4(), d = p.dstV4();
            local(inbound ? d : s).remote(inbound ? s : d);
            localAddressType = addressTypeV4((int) localLo);
            remoteAddressType = addressTypeV4((int) remoteLo);
        }
        boolean icmp = proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6;
        if (icmp && p.has(ParsedPacket.HAS_TRANSPORT)) {
            localPort = p.icmpType();
            remotePort = p.icmpCode();
        } else if (p.has(ParsedPacket.HAS_PORTS)) {
            localPort = inbound ? p.dstPort() : p.srcPort();
            remotePort = inbound ? p.srcPort() : p.dstPort();
        }
        if (p.has(ParsedPacket.FRAGMENT)) flags |= ConditionFlags.FWP_CONDITION_FLAG_IS_FRAGMENT;
        direction = inbound ? ConditionFlags.FWP_DIRECTION_INBOUND : ConditionFlags.FWP_DIRECTION_OUTBOUND;
        if (p.has(ParsedPacket.ICMP_ERROR) && p.has(ParsedPacket.HAS_INNER_IP)) {
            // The quoted packet: inbound errors quote what we sent (inner source = us), outbound ones what we received.
            embeddedProtocol = p.innerProtocol();
            embeddedRemoteKnown = true;
            if (p.innerIpVersion() == 6) {
                embeddedRemoteHi = inbound ? p.innerDstHi() : p.innerSrcHi();
                embeddedRemoteLo = inbound ? p.innerDstLo() : p.innerSrcLo();
            } else {
                embeddedRemoteLo = Integer.toUnsignedLong(inbound ? p.innerDstV4() : p.innerSrcV4());
            }
            if (p.has(ParsedPacket.HAS_INNER_PORTS)) {
                embeddedLocalPort = inbound ? p.innerSrcPort() : p.innerDstPort();
                embeddedRemotePort = inbound ? p.innerDstPort() : p.innerSrcPort();
            }
        }
        return this;
    }

    /** Fills {@code in} (already {@linkplain FwpsIncomingValues#reset reset} to its layer) with these facts. */
    public void fillInto(FwpsIncomingValues in) {
        if (protocol >= 0) in.fillUint8(FWPM_CONDITION_IP_PROTOCOL, protocol);
        if (localKnown) {
            address(in, FWPM_CONDITION_IP_LOCAL_ADDRESS, localHi, localLo);
            in.fillUint8(FWPM_CONDITION_IP_LOCAL_ADDRESS_TYPE, localAddressType);
        }
        if (remoteKnown) {
            address(in, FWPM_CONDITION_IP_REMOTE_ADDRESS, remoteHi, remoteLo);
            in.fillUint8(FWPM_CONDITION_IP_DESTINATION_ADDRESS_TYPE, remoteAddressType);
        }
        if (localPort >= 0) in.fillUint16(FWPM_CONDITION_IP_LOCAL_PORT, localPort);
        if (remotePort >= 0) in.fillUint16(FWPM_CONDITION_IP_REMOTE_PORT, remotePort);
        in.fillUint32(FWPM_CONDITION_FLAGS, flags);
        if (compartmentId >= 0) in.fillUint32(FWPM_CONDITION_COMPARTMENT_ID, compartmentId);
        if (direction >= 0) in.fillUint32(FWPM_CONDITION_DIRECTION, direction);
        if ((flags & ConditionFlags.FWP_CONDITION_FLAG_IS_REAUTHORIZE) != 0) {
            in.fillUint32(FWPM_CONDITION_REAUTHORIZE_REASON, reauthReason);
        }
        if (ifIndex >= 0) {
            in.fillUint64(FWPM_CONDITION_IP_LOCAL_INTERFACE, ifLuid);
            in.fillUint32(FWPM_CONDITION_INTERFACE_INDEX, ifIndex);
            in.fillUint32(FWPM_CONDITION_SUB_INTERFACE_INDEX, 0);
            in.fillUint32(FWPM_CONDITION_INTERFACE_TYPE, ifType);
            in.fillUint32(FWPM_CONDITION_TUNNEL_TYPE, 0);
            if (direction == ConditionFlags.FWP_DIRECTION_INBOUND) {
                in.fillUint64(FWPM_CONDITION_IP_ARRIVAL_INTERFACE, ifLuid);
                in.fillUint32(FWPM_CONDITION_ARRIVAL_INTERFACE_INDEX, ifIndex);
                in.fillUint32(FWPM_CONDITION_ARRIVAL_INTERFACE_TYPE, ifType);
            } else if (direction == ConditionFlags.FWP_DIRECTION_OUTBOUND) {
                in.fillUint64(FWPM_CONDITION_IP_NEXTHOP_INTERFACE, ifLuid);
                in.fillUint32(FWPM_CONDITION_NEXTHOP_INTERFACE_INDEX, ifIndex);
                in.fillUint32(FWPM_CONDITION_NEXTHOP_INTERFACE_TYPE, ifType);
            }
        }
        if (appId != null) in.fillByteBlob(FWPM_CONDITION_ALE_APP_ID, appId);
        if (userToken != null) in.fillToken(FWPM_CONDITION_ALE_USER_ID, userToken);
        if (embeddedProtocol >= 0) {
            in.fillUint8(FWPM_CONDITION_EMBEDDED_PROTOCOL, embeddedProtocol);
            if (embeddedRemoteKnown) {
                address(in, FWPM_CONDITION_EMBEDDED_REMOTE_ADDRESS, embeddedRemoteHi, embeddedRemoteLo);
            }
            in.fillUint8(FWPM_CONDITION_EMBEDDED_LOCAL_ADDRESS_TYPE, NLAT_UNICAST);
            if (embeddedLocalPort >= 0) in.fillUint16(FWPM_CONDITION_EMBEDDED_LOCAL_PORT, embeddedLocalPort);
            if (embeddedRemotePort >= 0) in.fillUint16(FWPM_CONDITION_EMBEDDED_REMOTE_PORT, embeddedRemotePort);
        }
        if (sourceKnown) {
            address(in, FWPM_CONDITION_IP_SOURCE_ADDRESS, sourceHi, sourceLo);
            address(in, FWPM_CONDITION_IP_DESTINATION_ADDRESS, destinationHi, destinationLo);
            in.fillUint8(FWPM_CONDITION_IP_DESTINATION_ADDRESS_TYPE, destinationAddressType);
            if (forwardIfIndex >= 0) {
                in.fillUint64(FWPM_CONDITION_IP_FORWARD_INTERFACE, forwardIfLuid);
                in.fillUint32(FWPM_CONDITION_DESTINATION_INTERFACE_INDEX, forwardIfIndex);
            }
            if (ifIndex >= 0) in.fillUint32(FWPM_CONDITION_SOURCE_INTERFACE_INDEX, ifIndex);
        }
        if (etherType >= 0) {
            in.fillMac(FWPM_CONDITION_INTERFACE_MAC_ADDRESS, interfaceMac);
            in.fillMac(FWPM_CONDITION_MAC_LOCAL_ADDRESS, macLocal);
            in.fillMac(FWPM_CONDITION_MAC_REMOTE_ADDRESS, macRemote);
            in.fillUint8(FWPM_CONDITION_MAC_LOCAL_ADDRESS_TYPE, macType(macLocal));
            in.fillUint8(FWPM_CONDITION_MAC_REMOTE_ADDRESS_TYPE, macType(macRemote));
            in.fillUint16(FWPM_CONDITION_ETHER_TYPE, etherType);
            in.fillUint32(FWPM_CONDITION_L2_FLAGS, ConditionFlags.FWP_CONDITION_L2_IS_NATIVE_ETHERNET);
        }
    }

    private void address(FwpsIncomingValues in, io.jwfp.engine.layer.ConditionKey c, long hi, long lo) {
        if (v6) in.fillV6(c, hi, lo);
        else in.fillV4(c, (int) lo);
    }

    /** DL_ADDRESS_TYPE: DlUnicast 0, DlMulticast 1, DlBroadcast 2. */
    private static int macType(long mac) {
        if (mac == 0xFFFF_FFFF_FFFFL) return 2;
        return (mac >>> 40 & 1) != 0 ? 1 : 0;
    }

    /** The NL_ADDRESS_TYPE of an IPv4 address (host byte order): multicast, limited broadcast or unicast. */
    public static int addressTypeV4(int address) {
        if ((address >>> 28) == 0xE) return NLAT_MULTICAST;
        if (address == 0xFFFF_FFFF) return NLAT_BROADCAST;
        return NLAT_UNICAST;
    }

    /** The NL_ADDRESS_TYPE of an IPv6 address: multicast (ff00::/8) or unicast. */
    public static int addressTypeV6(long hi) {
        return (hi >>> 56) == 0xFF ? NLAT_MULTICAST : NLAT_UNICAST;
    }
}

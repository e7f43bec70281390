package io.jwfp.engine.callout;

import io.jwfp.engine.value.FwpToken;

/**
 * FWPS_INCOMING_METADATA_VALUES0: facts about a classification beyond the layer's fields. A member is valid only if
 * its FWPS_METADATA_FIELD_* bit is set in {@link #currentMetadataValues} (test with {@link #isPresent(int)}).
 * The bit values are jwfp's own (Windows' are not public); the names are WFP's. Mutable and reused per
 * classification; setters set the presence bit.
 */
public final class FwpsIncomingMetadataValues {
    public static final int FWPS_METADATA_FIELD_DISCARD_REASON = 1;
    public static final int FWPS_METADATA_FIELD_FLOW_HANDLE = 1 << 1;
    public static final int FWPS_METADATA_FIELD_IP_HEADER_SIZE = 1 << 2;
    public static final int FWPS_METADATA_FIELD_TRANSPORT_HEADER_SIZE = 1 << 3;
    public static final int FWPS_METADATA_FIELD_PROCESS_PATH = 1 << 4;
    public static final int FWPS_METADATA_FIELD_TOKEN = 1 << 5;
    public static final int FWPS_METADATA_FIELD_PROCESS_ID = 1 << 6;
    public static final int FWPS_METADATA_FIELD_SYSTEM_FLAGS = 1 << 7;
    public static final int FWPS_METADATA_FIELD_RESERVED = 1 << 8;
    public static final int FWPS_METADATA_FIELD_SOURCE_INTERFACE_INDEX = 1 << 9;
    public static final int FWPS_METADATA_FIELD_DESTINATION_INTERFACE_INDEX = 1 << 10;
    public static final int FWPS_METADATA_FIELD_COMPARTMENT_ID = 1 << 11;
    public static final int FWPS_METADATA_FIELD_FRAGMENT_DATA = 1 << 12;
    public static final int FWPS_METADATA_FIELD_PATH_MTU = 1 << 13;
    public static final int FWPS_METADATA_FIELD_COMPLETION_HANDLE = 1 << 14;
    public static final int FWPS_METADATA_FIELD_TRANSPORT_ENDPOINT_HANDLE = 1 << 15;
    public static final int FWPS_METADATA_FIELD_TRANSPORT_CONTROL_DATA = 1 << 16;
    public static final int FWPS_METADATA_FIELD_REMOTE_SCOPE_ID = 1 << 17;
    public static final int FWPS_METADATA_FIELD_PACKET_DIRECTION = 1 << 18;
    public static final int FWPS_METADATA_FIELD_PARENT_ENDPOINT_HANDLE = 1 << 19;
    public static final int FWPS_METADATA_FIELD_ICMP_ID_AND_SEQUENCE = 1 << 20;
    public static final int FWPS_METADATA_FIELD_LOCAL_REDIRECT_TARGET_PID = 1 << 21;
    public static final int FWPS_METADATA_FIELD_ORIGINAL_DESTINATION = 1 << 22;
    public static final int FWPS_METADATA_FIELD_REDIRECT_RECORD_HANDLE = 1 << 23;
    public static final int FWPS_METADATA_FIELD_SUB_PROCESS_TAG = 1 << 24;
    public static final int FWPS_METADATA_FIELD_ALE_CLASSIFY_REQUIRED = 1 << 25;
    public static final int FWPS_METADATA_FIELD_ETHER_FRAME_LENGTH = 1 << 26;

    /** FWPS_DISCARD_MODULE values. */
    public static final int FWPS_DISCARD_MODULE_NETWORK = 0;
    public static final int FWPS_DISCARD_MODULE_TRANSPORT = 1;
    public static final int FWPS_DISCARD_MODULE_GENERAL = 2;
    /** General discard reasons: a filter blocked (discardMetadata.filterId names it), or IPsec. */
    public static final int FWPS_DISCARD_FIREWALL_POLICY = 0;
    public static final int FWPS_DISCARD_IPSEC = 1;

    public int currentMetadataValues;
    public int discardModule;
    public int discardReason;
    public long discardFilterId;
    public long flowHandle;
    public int ipHeaderSize;
    public int transportHeaderSize;
    /** The executable path of the process owning the socket (PROCESS_PATH). */
    public String processPath;
    public FwpToken token;
    public long processId;
    public int sourceInterfaceIndex;
    public int destinationInterfaceIndex;
    public int compartmentId;
    public int pathMtu;
    public Object completionHandle;
    public long transportEndpointHandle;
    public long remoteScopeId;
    /** FWP_DIRECTION of the packet (0 outbound, 1 inbound). */
    public int packetDirection;
    public long parentEndpointHandle;
    public int icmpIdAndSequence;
    public long localRedirectTargetPid;
    public Object originalDestination;
    public Object redirectRecords;
    public int frameLength;

    /** Clears every member's presence bit. */
    public FwpsIncomingMetadataValues reset() {
        currentMetadataValues = 0;
        processPath = null;
        token = null;
        completionHandle = null;
        originalDestination = null;
        redirectRecords = null;
        return this;
    }

    /** FWPS_IS_METADATA_FIELD_PRESENT. */
    public boolean isPresent(int field) {
        return (currentMetadataValues & field) != 0;
    }

    public FwpsIncomingMetadataValues setFlowHandle(long v) {
        flowHandle = v;
        currentMetadataValues |= FWPS_METADATA_FIELD_FLOW_HANDLE;
        return this;
    }

    public FwpsIncomingMetadataValues setHeaderSizes(int ip, int transport) {
        ipHeaderSize = ip;
        transportHeaderSize = transport;
        currentMetadataValues |= FWPS_METADATA_FIELD_IP_HEADER_SIZE | FWPS_METADATA_FIELD_TRANSPORT_HEADER_SIZE;
        return this;
    }

    public FwpsIncomingMetadataValues setProcess(long pid, String path, FwpToken tok) {
        processId = pid;
        processPath = path;
        token = tok;
        currentMetadataValues |= FWPS_METADATA_FIELD_PROCESS_ID
                | (path != null ? FWPS_METADATA_FIELD_PROCESS_PATH : 0)
                | (tok != null ? FWPS_METADATA_FIELD_TOKEN : 0);
        return this;
    }

    public FwpsIncomingMetadataValues setPacketDirection(int direction) {
        packetDirection = direction;
        currentMetadataValues |= FWPS_METADATA_FIELD_PACKET_DIRECTION;
        return this;
    }

    public FwpsIncomingMetadataValues setTransportEndpointHandle(long v) {
        transportEndpointHandle = v;
        currentMetadataValues |= FWPS_METADATA_FIELD_TRANSPORT_ENDPOINT_HANDLE;
        return this;
    }

    public FwpsIncomingMetadataValues setDiscard(int module, int reason, long filterId) {
        discardModule = module;
        discardReason = reason;
        discardFilterId = filterId;
        currentMetadataValues |= FWPS_METADATA_FIELD_DISCARD_REASON;
        return this;
    }

    public FwpsIncomingMetadataValues setCompartmentId(int v) {
        compartmentId = v;
        currentMetadataValues |= FWPS_METADATA_FIELD_COMPARTMENT_ID;
        return this;
    }

    public FwpsIncomingMetadataValues setCompletionHandle(Object v) {
        completionHandle = v;
        currentMetadataValues |= FWPS_METADATA_FIELD_COMPLETION_HANDLE;
        return this;
    }

    /** Copies another instance. */
    public void copyFrom(FwpsIncomingMetadataValues o) {
        currentMetadataValues = o.currentMetadataValues;
        discardModule = o.discardModule;
        discardReason = o.discardReason;
        discardFilterId = o.discardFilterId;
        flowHandle = o.flowHandle;
        ipHeaderSize = o.ipHeaderSize;
        transportHeaderSize = o.transportHeaderSize;
        processPath = o.processPath;
        token = o.token;
        processId = o.processId;
        sourceInterfaceIndex = o.sourceInterfaceIndex;
        destinationInterfaceIndex = o.destinationInterfaceIndex;
        compartmentId = o.compartmentId;
        pathMtu = o.pathMtu;
        completionHandle = o.completionHandle;
        transportEndpointHandle = o.transportEndpointHandle;
        remoteScopeId = o.remoteScopeId;
        packetDirection = o.packetDirection;
        parentEndpointHandle = o.parentEndpointHandle;
        icmpIdAndSequence = o.icmpIdAndSequence;
        localRedirectTargetPid = o.localRedirectTargetPid;
        originalDestination = o.originalDestination;
        redirectRecords = o.redirectRecords;
        frameLength = o.frameLength;
    }
}

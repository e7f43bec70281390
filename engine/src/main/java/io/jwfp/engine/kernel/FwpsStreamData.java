package io.jwfp.engine.kernel;

import io.jwfp.packet.NetBufferList;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * FWPS_STREAM_DATA0: a stretch of a TCP byte stream offered at FWPM_LAYER_STREAM_V4/V6. The bytes are in
 * {@link #netBufferListChain} (each list's current data, in chain order) and are valid only during the classify
 * call: copy them ({@link #copyToBuffer}, FwpsCopyStreamDataToBuffer0) to keep them. Not thread-safe.
 */
public final class FwpsStreamData {
    /** Inbound data (always set for inbound indications). */
    public static final int FWPS_STREAM_FLAG_RECEIVE = 0x00000001;
    /** Inbound urgent data. */
    public static final int FWPS_STREAM_FLAG_RECEIVE_EXPEDITED = 0x00000002;
    /** The peer sent FIN: no more inbound data after this. */
    public static final int FWPS_STREAM_FLAG_RECEIVE_DISCONNECT = 0x00000004;
    /** The peer sent RST. */
    public static final int FWPS_STREAM_FLAG_RECEIVE_ABORT = 0x00000008;
    /** Outbound data (always set for outbound indications). */
    public static final int FWPS_STREAM_FLAG_SEND = 0x00000010;
    public static final int FWPS_STREAM_FLAG_SEND_EXPEDITED = 0x00000020;
    /** Do not hold the data back (TCP_NODELAY). */
    public static final int FWPS_STREAM_FLAG_SEND_NODELAY = 0x00000040;
    /** The application shut down its send side: FIN after this data. */
    public static final int FWPS_STREAM_FLAG_SEND_DISCONNECT = 0x00000080;
    /** RST after this data. */
    public static final int FWPS_STREAM_FLAG_SEND_ABORT = 0x00000100;
    /** Injection only: push the data to the application now. */
    public static final int FWPS_STREAM_FLAG_RECEIVE_PUSH = 0x00000200;

    /** FWPS_STREAM_FLAG_*. */
    public int flags;
    /** The number of bytes offered. */
    public long dataLength;
    /** The data; may be null when {@link #dataLength} is 0 (a FIN with no data). */
    public NetBufferList netBufferListChain;

    public FwpsStreamData(int flags, NetBufferList chain, long dataLength) {
        this.flags = flags;
        this.netBufferListChain = chain;
        this.dataLength = dataLength;
    }

    /** True if any of the bits is set. */
    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * FwpsCopyStreamDataToBuffer0: copies the first {@code bytesToCopy} bytes of the data into {@code buffer}.
     *
     * @return the number of bytes copied (less when the data is shorter)
     */
    public int copyToBuffer(byte[] buffer, int bytesToCopy) {
        int copied = 0;
        for (NetBufferList n = netBufferListChain; n != null && copied < bytesToCopy; n = n.next()) {
            int len = (int) Math.min(n.dataLength(), bytesToCopy - copied);
            MemorySegment.copy(n.segment(), ValueLayout.JAVA_BYTE, n.dataOffset(), buffer, copied, len);
            copied += len;
        }
        return copied;
    }

    /** All the offered bytes in a new array. */
    public byte[] toByteArray() {
        byte[] b = new byte[(int) dataLength];
        int n = copyToBuffer(b, b.length);
        return n == b.length ? b : java.util.Arrays.copyOf(b, n);
    }

    @Override
    public String toString() {
        return "FWPS_STREAM_DATA0[flags=0x" + Integer.toHexString(flags) + ", length=" + dataLength + "]";
    }
}

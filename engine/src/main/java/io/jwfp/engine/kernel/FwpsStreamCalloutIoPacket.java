package io.jwfp.engine.kernel;

/**
 * FWPS_STREAM_CALLOUT_IO_PACKET0: the layer data at FWPM_LAYER_STREAM_V4/V6. The engine fills {@link #streamData}
 * and {@link #missedBytes}; the callout answers in {@link #streamAction}, {@link #countBytesEnforced} and
 * {@link #countBytesRequired}. When {@code streamAction} is not {@link #FWPS_STREAM_ACTION_NONE} the classify-out's
 * action type is ignored. Valid only during the classify call. Not thread-safe.
 */
public final class FwpsStreamCalloutIoPacket {
    /** No stream-specific action: the classify-out's PERMIT/BLOCK applies to {@link #countBytesEnforced} bytes. */
    public static final int FWPS_STREAM_ACTION_NONE = 0;
    /** Permit this and all later data of the flow; the callout is not called again for it. */
    public static final int FWPS_STREAM_ACTION_ALLOW_CONNECTION = 1;
    /** Hold the data and offer it again with {@link #countBytesRequired} more bytes. */
    public static final int FWPS_STREAM_ACTION_NEED_MORE_DATA = 2;
    /** Abort the connection (honoured for FWP_ACTION_CALLOUT_UNKNOWN filters only). */
    public static final int FWPS_STREAM_ACTION_DROP_CONNECTION = 3;
    /** Inbound only: stop indicating until FwpsStreamContinue0. */
    public static final int FWPS_STREAM_ACTION_DEFER = 4;

    /** The offered data. */
    public FwpsStreamData streamData;
    /** Bytes of the stream this callout did not see since its last call. */
    public long missedBytes;
    /** With NEED_MORE_DATA: how many more bytes before the next call. */
    public long countBytesRequired;
    /** How many leading bytes of the offered data the decision covers; the rest is offered again. */
    public long countBytesEnforced;
    /** FWPS_STREAM_ACTION_*. */
    public int streamAction;

    public FwpsStreamCalloutIoPacket(FwpsStreamData streamData) {
        this.streamData = streamData;
    }

    /** Clears the callout's answers (the engine does this before each callout). */
    public void resetOutputs() {
        countBytesRequired = 0;
        countBytesEnforced = 0;
        streamAction = FWPS_STREAM_ACTION_NONE;
    }

    @Override
    public String toString() {
        return "FWPS_STREAM_CALLOUT_IO_PACKET0[" + streamData + ", action=" + streamAction + ", enforced="
                + countBytesEnforced + ", required=" + countBytesRequired + "]";
    }
}

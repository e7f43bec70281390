package io.jwfp.cli;

import io.jwfp.packet.EthernetView;
import io.jwfp.shim.pcap.CaptureFormatException;
import io.jwfp.shim.pcap.CaptureReader;
import io.jwfp.shim.pcap.CaptureRecord;
import io.jwfp.shim.pcap.LinkTypes;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * {@link CapturePackets} over jwfp's own capture reader (module shim-pcap): pcap and pcapng, every link type
 * {@code jwfp replay} reads. Stateless, so thread-safe.
 */
public final class PcapCapturePackets implements CapturePackets {
    @Override
    public byte[] ipPacket(Path capture, long n) throws IOException {
        try (CaptureReader reader = CaptureReader.open(capture)) {
            CaptureRecord r = new CaptureRecord();
            while (reader.next(r)) {
                if (r.packetNumber() != n) continue;
                int ip = LinkTypes.ipOffset(r.linkType(), r.segment(), r.dataOffset(), r.capturedLength(), new EthernetView());
                if (ip == LinkTypes.TRUNCATED) throw new IllegalArgumentException("shorter than its " + LinkTypes.name(r.linkType()) + " header");
                if (ip < 0) throw new IllegalArgumentException("not an IP packet (" + LinkTypes.name(r.linkType()) + ")");
                return r.segment().asSlice(r.dataOffset() + ip, r.capturedLength() - ip).toArray(ValueLayout.JAVA_BYTE);
            }
            throw new IllegalArgumentException("the capture has only " + reader.packetsRead() + " packets");
        } catch (CaptureFormatException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}

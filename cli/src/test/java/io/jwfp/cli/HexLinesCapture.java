package io.jwfp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * A stand-in capture reader for the tests of {@code explain --packet}: the "capture" is a text file with one IP packet
 * in hex per line. The real reader (shim-pcap) is registered the same way, through {@link CapturePackets}.
 */
public final class HexLinesCapture implements CapturePackets {
    @Override
    public byte[] ipPacket(Path capture, long n) throws IOException {
        List<String> lines = Files.readAllLines(capture);
        if (n > lines.size()) throw new IllegalArgumentException("the capture has " + lines.size() + " packets");
        return HexFormat.of().parseHex(lines.get((int) (n - 1)).strip());
    }
}

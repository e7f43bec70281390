package io.jwfp.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Reads one packet of a capture file, for {@code jwfp explain --packet CAPTURE#N}. jwfp's capture reader (module
 * shim-pcap) provides it through {@link ServiceLoader} ({@code META-INF/services/io.jwfp.cli.CapturePackets}); explain
 * itself reads no capture format, so there is one reader in the project.
 *
 * <p>Implementations must be thread-safe (explain calls them once per run).
 */
public interface CapturePackets {
    /**
     * The {@code n}-th packet (1-based, as tcpdump and Wireshark number them) of {@code capture}, from its IP header
     * on (the link-layer header removed).
     *
     * @throws IOException              the file cannot be read
     * @throws IllegalArgumentException the file is not a capture this reader knows, it has fewer than {@code n}
     *                                  packets, or packet {@code n} is not IP (message: one line)
     */
    byte[] ipPacket(Path capture, long n) throws IOException;

    /** The reader the class path provides, or null when this build has none. */
    static CapturePackets find() {
        return ServiceLoader.load(CapturePackets.class).findFirst().orElse(null);
    }
}

package io.jwfp.packet;

/**
 * Whether a parse checks checksums. A shim picks one: a simulated network or a pcap file with junk may use
 * {@link #IGNORE}; packets whose checksums the kernel already checked, or left partial because of offload, must use
 * {@link #IGNORE} too; anything read off an untrusted wire uses {@link #VERIFY}.
 */
public enum ChecksumPolicy {
    /** Check the IPv4 header checksum and, for complete non-fragmented datagrams, the transport checksum. */
    VERIFY,
    /** Check nothing; checksum flags stay clear. */
    IGNORE
}

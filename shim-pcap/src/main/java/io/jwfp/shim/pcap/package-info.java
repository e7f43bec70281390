/**
 * Capture files, read and written by jwfp's own code: {@link io.jwfp.shim.pcap.CaptureReader} (pcap and pcapng, both
 * byte orders, any timestamp resolution; zero-copy over the mapped file), {@link io.jwfp.shim.pcap.PcapngWriter}, and
 * {@link io.jwfp.shim.pcap.LinkTypes} (where the IP header starts in a frame). The capture replay is in
 * {@link io.jwfp.shim.pcap.replay}.
 */
package io.jwfp.shim.pcap;

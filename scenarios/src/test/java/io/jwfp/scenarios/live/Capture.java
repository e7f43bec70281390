package io.jwfp.scenarios.live;

import io.jwfp.packet.InetBits;
import io.jwfp.packet.ParsedPacket;
import io.jwfp.shim.sim.CapturedFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tcpdump -w} on one interface of a namespace, read back as frames ({@link CapturedFrame}, the type the
 * simulator's captures use, so the same checks run on both: see {@code io.jwfp.scenarios.nat.Wire}; Ethernet
 * interfaces only: veth, bridge) or as tcpdump's text ({@link #text}). The one capture helper of the live scenarios.
 */
public final class Capture implements AutoCloseable {
    private static final int LINKTYPE_ETHERNET = 1;
    private final Background tcpdump;
    private final Path file;

    private Capture(Background tcpdump, Path file) {
        this.tcpdump = tcpdump;
        this.file = file;
    }

    /**
     * Starts capturing on {@code iface} in namespace {@code ns} into a new file in {@code dir}, with an optional pcap
     * filter; returns once tcpdump listens.
     */
    public static Capture start(String ns, String iface, Path dir, String... filter) throws Exception {
        return into(dir.resolve("tcpdump-" + ns + "-" + iface + "-" + System.nanoTime() + ".pcap"), ns, iface, List.of(),
                filter);
    }

    /**
     * Starts capturing on {@code iface} in namespace {@code ns} into {@code file} (whole frames, written at once:
     * {@code -U}), with more tcpdump options (e.g. {@code -B KiB}, a larger buffer for fast transfers) and an
     * optional pcap filter; returns once tcpdump listens. {@code --immediate-mode}: every frame reaches the file
     * before the stop (else the last second of frames waits in the kernel ring and is lost); {@code -Z root}: tcpdump
     * keeps writing where it may. What tcpdump reports (its drop counts at the end) is {@link #report()}.
     */
    public static Capture into(Path file, String ns, String iface, List<String> options, String... filter) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "--immediate-mode", "-Z", "root", "-U", "-nn", "-s", "0"));
        cmd.addAll(options);
        cmd.addAll(List.of("-i", iface, "-w", file.toString()));
        cmd.addAll(List.of(filter));
        String name = file.getFileName().toString().replaceFirst("\\.pcap$", "") + ".tcpdump";
        Background b = Background.start(ns, file.toAbsolutePath().getParent(), name, cmd.toArray(String[]::new));
        b.await("listening on");
        return new Capture(b, file);
    }

    /** The capture file. */
    public Path file() {
        return file;
    }

    /** Stops tcpdump ({@link #close}) and returns every frame it wrote, in order. */
    public List<CapturedFrame> stop() throws Exception {
        close();
        return read(file);
    }

    /** What tcpdump printed (after the stop: how many packets it captured, and how many the kernel dropped). */
    public String report() {
        return tcpdump.output();
    }

    /** A capture file as text ({@code tcpdump -nn -vv -r FILE EXTRA...}), one line per packet (more with -vv). */
    public static String text(Path capture, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-nn", "-vv", "-r", capture.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            text = String.join("\n", r.lines().toList());
        }
        p.waitFor();
        return text;
    }

    /** The frames of a pcap file with Ethernet link type. */
    static List<CapturedFrame> read(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap));
        if (b.remaining() < 24) throw new IOException(pcap + ": no pcap header (tcpdump wrote nothing)");
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) b.order(ByteOrder.BIG_ENDIAN);
        boolean nanos = b.getInt(0) == 0xa1b23c4d;
        if (b.getInt(20) != LINKTYPE_ETHERNET) throw new IOException(pcap + ": link type " + b.getInt(20) + " is not Ethernet");
        List<CapturedFrame> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= b.limit()) {
            long seconds = Integer.toUnsignedLong(b.getInt(at));
            long fraction = Integer.toUnsignedLong(b.getInt(at + 4));
            int length = b.getInt(at + 8);
            if (at + 16 + length > b.limit()) break; // a frame cut by the stop
            byte[] frame = new byte[length];
            b.get(at + 16, frame);
            frames.add(new CapturedFrame(seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000), frames.size(),
                    null, null, frame, false));
            at += 16 + length;
        }
        return frames;
    }

    /** The source address of a parsed packet. */
    public static InetAddress source(ParsedPacket p) {
        return p.ipVersion() == 4 ? InetBits.toInet4(p.srcV4()) : InetBits.toInet6(p.srcHi(), p.srcLo());
    }

    /** The destination address of a parsed packet. */
    public static InetAddress destination(ParsedPacket p) {
        return p.ipVersion() == 4 ? InetBits.toInet4(p.dstV4()) : InetBits.toInet6(p.dstHi(), p.dstLo());
    }

    /** An address literal as an {@link InetAddress}. */
    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The sender's IPv4 address of an ARP frame (sender protocol address), or null for other frames. */
    public static InetAddress arpSender(CapturedFrame f) {
        return f.etherType() == CapturedFrame.ARP ? InetBits.toInet4(intAt(f.bytes(), 28)) : null;
    }

    /** The target IPv4 address of an ARP frame (target protocol address), or null for other frames. */
    public static InetAddress arpTarget(CapturedFrame f) {
        return f.etherType() == CapturedFrame.ARP ? InetBits.toInet4(intAt(f.bytes(), 38)) : null;
    }

    private static int intAt(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 4).getInt();
    }

    /** Stops tcpdump after a moment for frames in flight (it writes out what it has); safe to call twice. */
    @Override
    public void close() throws InterruptedException {
        if (!tcpdump.isAlive()) return;
        Thread.sleep(200);
        tcpdump.close();
    }
}

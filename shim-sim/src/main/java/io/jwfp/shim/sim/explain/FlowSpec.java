package io.jwfp.shim.sim.explain;

import io.jwfp.packet.InetBits;
import io.jwfp.packet.IpProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A flow to explain, as its first packet shows it: protocol, source and destination (the side that opens the flow
 * first), ports (TCP, UDP) or ICMP type and code. For an ICMP error the packet it quotes may be given ({@link Quoted}),
 * so the EMBEDDED_* fields can be filled; from {@code --flow} text they stay FWP_EMPTY.
 *
 * <p>Text form ({@link #parse}): {@code tcp 10.0.0.1:51000 -> 10.0.0.2:443}, {@code udp [fd00::1]:5353 -> [fd00::2]:53},
 * {@code icmp 10.0.0.1 -> 10.0.0.2} (an echo request), {@code icmp 10.0.0.1 -> 10.0.0.2 type 3 code 3},
 * {@code icmpv6 fd00::1 -> fd00::2 type 128}. Addresses are literals (no name lookup). Immutable.
 *
 * @param protocol        IANA protocol number: 6, 17, 1 or 58
 * @param source          the opening side's address
 * @param sourcePort      TCP/UDP source port; -1 for ICMP
 * @param destination     the other side's address (same family)
 * @param destinationPort TCP/UDP destination port; -1 for ICMP
 * @param icmpType        ICMP(v6) type; -1 for TCP/UDP
 * @param icmpCode        ICMP(v6) code; -1 for TCP/UDP
 * @param quoted          the packet an ICMP error quotes, or null
 */
public record FlowSpec(int protocol, InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                       int icmpType, int icmpCode, Quoted quoted) {
    /** The expected text form, for error messages. */
    public static final String EXPECTED = "expected PROTOCOL SOURCE -> DESTINATION, e.g. \"tcp 10.0.0.1:51000 -> 10.0.0.2:443\", "
            + "\"udp [fd00::1]:5353 -> [fd00::2]:53\" or \"icmp 10.0.0.1 -> 10.0.0.2 [type 8 [code 0]]\"";

    /** The header of the packet an ICMP error quotes: what the error's sender had received (or sent). */
    public record Quoted(int protocol, InetAddress source, int sourcePort, InetAddress destination, int destinationPort) {}

    public FlowSpec {
        if ((source instanceof Inet6Address) != (destination instanceof Inet6Address)) {
            throw new IllegalArgumentException("the two ends are of different IP versions");
        }
    }

    private static final Pattern FORM = Pattern.compile(
            "\\s*(\\w+)\\s+(\\S+?)\\s*->\\s*(\\S+?)(?:\\s+type\\s+(\\d+)(?:\\s+code\\s+(\\d+))?)?\\s*");
    private static final Pattern V6_PORT = Pattern.compile("\\[([0-9A-Fa-f:.%]+)](?::(\\d+))?");
    private static final Pattern V4_PORT = Pattern.compile("([0-9.]+)(?::(\\d+))?");

    /** Parses the text form; the message of the IllegalArgumentException says what is wrong and the form expected. */
    public static FlowSpec parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) throw bad(text, "not of the form PROTOCOL SOURCE -> DESTINATION");
        String proto = m.group(1).toLowerCase(Locale.ROOT);
        Endpoint src = endpoint(text, m.group(2));
        Endpoint dst = endpoint(text, m.group(3));
        boolean v6 = src.address instanceof Inet6Address;
        if (v6 != dst.address instanceof Inet6Address) throw bad(text, "the two ends are of different IP versions");
        int protocol = switch (proto) {
            case "tcp" -> IpProtocol.TCP;
            case "udp" -> IpProtocol.UDP;
            case "icmp", "icmpv6", "icmp6" -> v6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP;
            default -> throw bad(text, "unknown protocol '" + m.group(1) + "' (tcp, udp, icmp or icmpv6)");
        };
        if (proto.startsWith("icmp") && proto.length() > 4 && !v6) throw bad(text, "icmpv6 needs IPv6 addresses");
        boolean icmp = protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6;
        if (icmp) {
            if (src.port >= 0 || dst.port >= 0) throw bad(text, "ICMP has no ports (give 'type T code C' instead)");
            int type = m.group(4) == null ? (v6 ? 128 : 8) : number(text, m.group(4), "type", 255);
            int code = m.group(5) == null ? 0 : number(text, m.group(5), "code", 255);
            return new FlowSpec(protocol, src.address, -1, dst.address, -1, type, code, null);
        }
        if (m.group(4) != null) throw bad(text, "'type' and 'code' are for ICMP");
        if (src.port < 0 || dst.port < 0) throw bad(text, proto + " needs a port at both ends (ADDRESS:PORT, [IPV6]:PORT)");
        return new FlowSpec(protocol, src.address, src.port, dst.address, dst.port, -1, -1, null);
    }

    private record Endpoint(InetAddress address, int port) {}

    private static Endpoint endpoint(String text, String s) {
        Matcher m6 = V6_PORT.matcher(s);
        Matcher m4 = V4_PORT.matcher(s);
        String addr;
        String port;
        if (m6.matches()) {
            addr = m6.group(1);
            port = m6.group(2);
        } else if (m4.matches()) {
            addr = m4.group(1);
            port = m4.group(2);
        } else if (s.indexOf(':') >= 0 && s.indexOf('[') < 0) {
            addr = s; // a bare IPv6 address (ICMP has no port to separate)
            port = null;
        } else {
            throw bad(text, "'" + s + "' is not ADDRESS[:PORT] (IPv6: [ADDRESS]:PORT)");
        }
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(addr);
        } catch (IllegalArgumentException e) {
            throw bad(text, "'" + addr + "' is not an IP address");
        }
        if (a instanceof Inet4Address && addr.indexOf(':') >= 0) throw bad(text, "'" + addr + "' is not an IP address");
        return new Endpoint(a, port == null ? -1 : number(text, port, "port", 65535));
    }

    private static int number(String text, String s, String what, int max) {
        try {
            int v = Integer.parseInt(s);
            if (v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(text, what + " " + s + " is out of range (0-" + max + ")");
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("--flow '" + text.strip() + "': " + why + "; " + EXPECTED);
    }

    /**
     * The flow an IP packet (IPv4 or IPv6, from its IP header on) belongs to, as its first packet shows it: a TCP
     * SYN-ACK or an ICMP echo reply is the answer, so its ends are swapped (and the reply becomes the request); any
     * other packet is taken as travelling from the flow's opener. IllegalArgumentException (one line) for a packet
     * that is not TCP, UDP or ICMP over IP, or is truncated.
     */
    public static FlowSpec ofPacket(byte[] ipPacket) {
        io.jwfp.packet.ParsedPacket p = new io.jwfp.packet.ParsedPacket();
        java.lang.foreign.MemorySegment seg = java.lang.foreign.MemorySegment.ofArray(ipPacket);
        if (!io.jwfp.packet.PacketParser.parseIp(seg, 0, ipPacket.length, p) || p.isMalformed()) {
            throw new IllegalArgumentException("not a complete IPv4 or IPv6 packet");
        }
        boolean v6 = p.ipVersion() == 6;
        InetAddress src = v6 ? InetBits.toInet6(p.srcHi(), p.srcLo()) : InetBits.toInet4(p.srcV4());
        InetAddress dst = v6 ? InetBits.toInet6(p.dstHi(), p.dstLo()) : InetBits.toInet4(p.dstV4());
        int proto = p.protocol();
        if (proto == IpProtocol.TCP || proto == IpProtocol.UDP) {
            if (!p.has(io.jwfp.packet.ParsedPacket.HAS_PORTS)) throw new IllegalArgumentException("no transport header (a later fragment?)");
            int synAck = io.jwfp.packet.TcpView.FLAG_SYN | io.jwfp.packet.TcpView.FLAG_ACK;
            boolean answer = proto == IpProtocol.TCP && (p.tcpFlags() & synAck) == synAck;
            return answer ? new FlowSpec(proto, dst, p.dstPort(), src, p.srcPort(), -1, -1, null)
                    : new FlowSpec(proto, src, p.srcPort(), dst, p.dstPort(), -1, -1, null);
        }
        if (proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6) {
            if (!p.has(io.jwfp.packet.ParsedPacket.HAS_TRANSPORT)) throw new IllegalArgumentException("no ICMP header");
            int type = p.icmpType();
            boolean reply = proto == IpProtocol.ICMP ? type == 0 : type == 129;
            if (reply) return new FlowSpec(proto, dst, -1, src, -1, proto == IpProtocol.ICMP ? 8 : 128, 0, null);
            return new FlowSpec(proto, src, -1, dst, -1, type, p.icmpCode(), null);
        }
        throw new IllegalArgumentException("IP protocol " + proto + " (explain knows tcp, udp, icmp and icmpv6)");
    }

    /** True for IPv6 flows. */
    public boolean isV6() {
        return source instanceof Inet6Address;
    }

    /** True for ICMP and ICMPv6. */
    public boolean isIcmp() {
        return protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6;
    }

    /** True for an ICMP error message (destination unreachable, time exceeded, ...), which no ALE layer sees. */
    public boolean isIcmpError() {
        if (protocol == IpProtocol.ICMP) return icmpType == 3 || icmpType == 4 || icmpType == 5 || icmpType == 11 || icmpType == 12;
        if (protocol == IpProtocol.ICMPV6) return icmpType >= 1 && icmpType <= 4;
        return false;
    }

    /** True for an ICMP(v6) echo request, which the peer answers with an echo reply. */
    public boolean isEchoRequest() {
        return protocol == IpProtocol.ICMP && icmpType == 8 || protocol == IpProtocol.ICMPV6 && icmpType == 128;
    }

    /** The type of the echo reply. */
    public int echoReplyType() {
        return protocol == IpProtocol.ICMP ? 0 : 129;
    }

    /** The same flow with the packet an ICMP error quotes. */
    public FlowSpec withQuoted(Quoted q) {
        return new FlowSpec(protocol, source, sourcePort, destination, destinationPort, icmpType, icmpCode, q);
    }

    /** The text form (parsable again). */
    @Override
    public String toString() {
        String name = switch (protocol) {
            case IpProtocol.TCP -> "tcp";
            case IpProtocol.UDP -> "udp";
            case IpProtocol.ICMP -> "icmp";
            default -> "icmpv6";
        };
        if (isIcmp()) return name + " " + text(source) + " -> " + text(destination) + " type " + icmpType + " code " + icmpCode;
        return name + " " + endpoint(source, sourcePort) + " -> " + endpoint(destination, destinationPort);
    }

    private static String endpoint(InetAddress a, int port) {
        return (a instanceof Inet6Address ? "[" + text(a) + "]" : text(a)) + ":" + port;
    }

    static String text(InetAddress a) {
        return InetBits.toText(a);
    }
}

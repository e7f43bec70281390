package io.jwfp.callouts.samples.portblocker;

import io.jwfp.callouts.samples.Settings;
import io.jwfp.engine.callout.CalloutControl;
import io.jwfp.engine.callout.FwpsCallout;
import io.jwfp.engine.callout.FwpsClassifyOut;
import io.jwfp.engine.callout.FwpsFilter;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.value.FwpsIncomingValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The book's port blocker (WinKernelDev {@code WfpSample}, seed-samples §2): a callout at
 * FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4 that refuses every new IPv4 flow whose <b>remote port</b> equals a rule's,
 * whatever the protocol and whichever side opened it (ICMP flows carry the ICMP code in the remote-port slot, so a
 * rule for port 0 stops ping). Rules are added at run time through {@link CalloutControl} — the driver's
 * DeviceIoControl — and live until the callout is unregistered:
 * <ul>
 *   <li>{@code add-rule port=N}: what the sample's dialog does (ports 1-65534);</li>
 *   <li>{@code ioctl code=0x0022E004 input=HEX}: IOCTL_WFP_SAMPLE_ADD_RULE with the sample's 18-byte record (source
 *   port, remote port, source and remote IPv4 address, protocol, direction; little-endian as the x86 driver reads
 *   it); shorter buffers are refused, as by the driver; only the remote port is used; any port, 0 included;</li>
 *   <li>{@code list-rules}: the rules in the order added (duplicates included) — the sample cannot list; jwfp can.</li>
 * </ul>
 * There is deliberately no delete, as in the sample (WKD-3): a rule goes when the callout goes.
 *
 * <p>Deviations from the sample, on purpose: a block clears the write right (the sample leaves it, so a
 * lower-weight sublayer could overturn it); a permit clears it only when the filter carries
 * FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT, as in the sample.
 *
 * <p>Thread safety: classify may run on several threads at once and control on a management thread; the rules are
 * an immutable array replaced on every add (copy-on-write), so classify never locks.
 */
public final class PortBlocker {
    /** CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA). */
    public static final int IOCTL_WFP_SAMPLE_ADD_RULE = 0x0022E004;
    /** The size of the sample's packed rule record. */
    public static final int RULE_RECORD_SIZE = 18;

    /**
     * One rule as the driver stores it. Only {@link #remotePort} is matched; the other fields are kept as given.
     */
    public record Rule(int localPort, int remotePort, int localAddress, int remoteAddress, int protocol, int direction) {
        /** Parses the sample's 18-byte record (little-endian). */
        static Rule parse(byte[] record) {
            ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
            return new Rule(b.getShort() & 0xFFFF, b.getShort() & 0xFFFF, b.getInt(), b.getInt(), b.getInt(),
                    b.getShort() & 0xFFFF);
        }

        /** The record the sample's dialog sends for a port: only the remote port filled in. */
        public static byte[] record(int remotePort) {
            return ByteBuffer.allocate(RULE_RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0)
                    .putShort((short) remotePort).array();
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("remotePort", remotePort);
            return m;
        }
    }

    private volatile Rule[] rules = new Rule[0];
    private final String name;

    PortBlocker(String name) {
        this.name = name;
    }

    /** The run-time callout for {@code calloutKey}. */
    FwpsCallout callout(UUID calloutKey) {
        // classify only reads the rules and writes the classify-out: jwfp explain may run it on jwfpd's live engine.
        return new FwpsCallout(calloutKey, FwpsCallout.JWFP_CALLOUT_FLAG_NO_SIDE_EFFECTS, this::classify, null, null,
                this::control);
    }

    /** The rules, in the order they were added. */
    public List<Rule> rules() {
        return List.of(rules);
    }

    void classify(FwpsIncomingValues in, FwpsIncomingMetadataValues meta, Object layerData,
                  io.jwfp.engine.callout.ClassifyContext ctx, FwpsFilter filter, long flowContext,
                  FwpsClassifyOut out) {
        if (!out.canWrite()) return; // a decision above us is final; do not touch it
        int field = in.layer().fieldIndex(Conditions.FWPM_CONDITION_IP_REMOTE_PORT);
        int remotePort = field < 0 || in.isEmpty(field) ? -1 : (int) in.keyLo(field);
        for (Rule r : rules) {
            if (r.remotePort == remotePort) {
                out.blockHard();
                return;
            }
        }
        out.actionType = ActionType.FWP_ACTION_PERMIT;
        if ((filter.flags() & FilterFlags.FWPS_FILTER_FLAG_CLEAR_ACTION_RIGHT) != 0) {
            out.rights &= ~FwpsClassifyOut.FWPS_RIGHT_ACTION_WRITE;
        }
    }

    Object control(String command, Map<String, Object> arguments) {
        String owner = name + " " + command;
        return switch (command) {
            case "add-rule" -> {
                Settings s = Settings.of(owner, arguments, Set.of("port"));
                yield add(new Rule(0, (int) s.integer("port", 1, 65534), 0, 0, 0, 0));
            }
            case "ioctl" -> {
                Settings s = Settings.of(owner, arguments, Set.of("code", "input"));
                long code = s.integer("code", 0, 0xFFFF_FFFFL);
                if (code != IOCTL_WFP_SAMPLE_ADD_RULE) {
                    throw new IllegalArgumentException(owner + ": STATUS_INVALID_DEVICE_REQUEST: unknown control code 0x"
                            + String.format("%08X", code) + " (the driver has IOCTL_WFP_SAMPLE_ADD_RULE = 0x0022E004)");
                }
                byte[] input = s.hex("input");
                if (input.length < RULE_RECORD_SIZE) {
                    throw new IllegalArgumentException(owner + ": STATUS_INVALID_PARAMETER: the input buffer has "
                            + input.length + " bytes; IOCTL_WFP_SAMPLE_ADD_RULE needs the " + RULE_RECORD_SIZE + "-byte rule record");
                }
                yield add(Rule.parse(java.util.Arrays.copyOf(input, RULE_RECORD_SIZE)));
            }
            case "list-rules" -> {
                Settings.of(owner, arguments, Set.of());
                List<Map<String, Object>> out = new ArrayList<>();
                for (Rule r : rules) out.add(r.toMap());
                yield out;
            }
            default -> throw Settings.unknownCommand(name, command, "add-rule port=N", "ioctl code=0x0022E004 input=HEX",
                    "list-rules (there is no delete: rules live until the callout is unregistered)");
        };
    }

    /** Appends a rule (duplicates are accepted, as by the sample). */
    private synchronized Map<String, Object> add(Rule r) {
        Rule[] now = java.util.Arrays.copyOf(rules, rules.length + 1);
        now[rules.length] = r;
        rules = now;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("added", r.toMap());
        result.put("rules", now.length);
        return result;
    }
}

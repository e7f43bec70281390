package io.jwfp.shim.nfqueue.live;

import static io.jwfp.shim.nfqueue.live.Marks.hex;

import io.jwfp.shim.nfqueue.live.QueueDemand.Hook;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * jwfp's netfilter rules for one IP family as an {@code iptables-restore --noflush} script: pure text, computed from
 * the queue demand of each hook, so it is unit-tested without privileges and applied in one transaction (no packet
 * sees a half-written chain).
 *
 * <p>Layout (table {@code security} by default, which runs after {@code filter}: the host's own firewall rules keep
 * their say, and a queue bypass while jwfpd is down accepts only for this table):
 * <pre>
 * OUTPUT/INPUT/FORWARD:  -m comment --comment jwfp -j JWFP-&lt;HOOK&gt;      (first rule; only for hooks with a demand)
 * JWFP-&lt;HOOK&gt;:  INJECTED → RETURN; DECIDED → goto JWFP-DECIDED; the demand's matches → JWFP-QUEUE
 * JWFP-QUEUE:    conntrack state and direction into CT_* mark bits, connmark flow bits restored, NFQUEUE
 * JWFP-DECIDED:  flow bits saved into the connmark, jwfp's mark bits cleared; back in the built-in chain
 * </pre>
 * A permitted packet comes back from the queue with NF_REPEAT and the DECIDED mark: the chain runs again, stores the
 * flow bits and lets the packet continue with the table's other rules, so a WFP permit never skips them.
 */
public final class RulePlan {
    /** The comment on jwfp's jump rules, by which leftovers are found. */
    public static final String COMMENT = "jwfp";
    public static final String QUEUE_CHAIN = "JWFP-QUEUE";
    public static final String DECIDED_CHAIN = "JWFP-DECIDED";

    private RulePlan() {}

    /** How queued packets reach jwfpd. */
    public record Target(int firstQueue, int queueCount, boolean bypass) {
        String rule() {
            String q = queueCount <= 1 ? "--queue-num " + firstQueue
                    : "--queue-balance " + firstQueue + ":" + (firstQueue + queueCount - 1);
            return "-j NFQUEUE " + q + (bypass ? " --queue-bypass" : "");
        }
    }

    /** A script and the hooks whose jump rule exists once it is applied. */
    public record Script(String text, Set<Hook> jumps) {}

    /**
     * The script that makes the family's rules match {@code demand}.
     *
     * @param table      the table holding jwfp's chains ({@code security} or {@code mangle})
     * @param v6         whether this is the ip6tables script
     * @param demand     the demand per hook (missing hooks: none)
     * @param generation the current ALE policy generation (1..127)
     * @param installed  hooks whose jump rule is currently installed
     */
    public static Script script(String table, boolean v6, Map<Hook, QueueDemand> demand, int generation, Target target,
                                Set<Hook> installed) {
        List<String> l = new ArrayList<>();
        l.add("*" + table);
        for (Hook h : Hook.values()) l.add(":" + h.chain() + " - [0:0]"); // declaring flushes: the new contents replace the old
        l.add(":" + QUEUE_CHAIN + " - [0:0]");
        l.add(":" + DECIDED_CHAIN + " - [0:0]");
        l.add("-A " + DECIDED_CHAIN + " -j CONNMARK --save-mark --nfmask " + hex(Marks.PERSIST) + " --ctmask "
                + hex(Marks.PERSIST));
        l.add("-A " + DECIDED_CHAIN + " -j MARK --and-mark " + hex(~Marks.MASK));
        l.add("-A " + QUEUE_CHAIN + " -m conntrack --ctstate NEW,RELATED -j MARK --or-mark " + hex(Marks.CT_NEW));
        l.add("-A " + QUEUE_CHAIN + " -m conntrack --ctstate ESTABLISHED -j MARK --or-mark " + hex(Marks.CT_EST));
        l.add("-A " + QUEUE_CHAIN + " -m conntrack --ctdir REPLY -j MARK --or-mark " + hex(Marks.CT_REPLY));
        l.add("-A " + QUEUE_CHAIN + " -j CONNMARK --restore-mark --nfmask " + hex(Marks.PERSIST) + " --ctmask "
                + hex(Marks.PERSIST));
        l.add("-A " + QUEUE_CHAIN + " " + target.rule());
        String genMatch = "-m connmark ! --mark " + hex(Marks.gen(generation)) + "/" + hex(Marks.GEN);
        Set<Hook> jumps = EnumSet.noneOf(Hook.class);
        for (Hook h : Hook.values()) {
            QueueDemand d = demand.getOrDefault(h, QueueDemand.NONE);
            String c = "-A " + h.chain() + " ";
            String q = " -j " + QUEUE_CHAIN;
            if (d.any()) {
                l.add(c + "-m mark --mark " + hex(Marks.INJECTED) + "/" + hex(Marks.INJECTED) + " -j RETURN");
                l.add(c + "-m mark --mark " + hex(Marks.DECIDED) + "/" + hex(Marks.DECIDED) + " -g " + DECIDED_CHAIN);
                if (d.all()) {
                    l.add(c.trim() + q);
                } else {
                    if (d.udp()) l.add(c + "-p udp" + q);
                    if (d.icmp()) l.add(c + (v6 ? "-p ipv6-icmp" : "-p icmp") + q);
                    if (d.newFlows()) l.add(c + "-m conntrack --ctstate NEW,RELATED" + q);
                    if (d.reauthOriginal()) {
                        l.add(c + "-m conntrack --ctstate ESTABLISHED --ctdir ORIGINAL " + genMatch + q);
                    }
                    if (d.reauthReply()) {
                        l.add(c + "-m conntrack --ctstate ESTABLISHED --ctdir REPLY " + genMatch + q);
                    }
                    if (d.tcpEstablishedOnce()) {
                        l.add(c + "-p tcp -m conntrack --ctstate ESTABLISHED -m connmark ! --mark "
                                + hex(Marks.EST_DONE) + "/" + hex(Marks.EST_DONE) + q);
                    }
                }
                jumps.add(h);
                if (!installed.contains(h)) l.add("-I " + h.name() + " 1 " + jump(h));
            } else if (installed.contains(h)) {
                l.add("-D " + h.name() + " " + jump(h));
            }
        }
        l.add("COMMIT");
        return new Script(String.join("\n", l) + "\n", jumps);
    }

    /** The jump rule from a built-in chain into jwfp's chain, as {@code iptables -S} prints it. */
    static String jump(Hook h) {
        return "-m comment --comment " + COMMENT + " -j " + h.chain();
    }

    /**
     * The script that removes every jwfp rule and chain found in {@code iptables -S} output of {@code table}: jump
     * rules carrying jwfp's comment, then the JWFP-* chains. Empty when there is nothing to remove.
     */
    public static String removal(String table, String listing) {
        List<String> deletes = new ArrayList<>();
        List<String> chains = new ArrayList<>();
        for (String line : listing.split("\n")) {
            String t = line.trim();
            if (t.startsWith("-N JWFP-")) {
                chains.add(t.substring(3).trim());
            } else if (t.startsWith("-A ") && t.contains("--comment " + COMMENT + " ") && t.contains("-j JWFP-")) {
                String chain = t.substring(3, t.indexOf(' ', 3));
                if (!chain.startsWith("JWFP-")) deletes.add("-D " + t.substring(3));
            }
        }
        if (deletes.isEmpty() && chains.isEmpty()) return "";
        List<String> l = new ArrayList<>();
        l.add("*" + table);
        l.addAll(deletes);
        for (String c : chains) l.add("-F " + c);
        for (String c : chains) l.add("-X " + c);
        l.add("COMMIT");
        return String.join("\n", l) + "\n";
    }

    /** The demand of every hook of a family. */
    static Map<Hook, QueueDemand> demand(boolean v6, java.util.function.Predicate<io.jwfp.engine.layer.Layer> hasFilters) {
        Map<Hook, QueueDemand> m = new EnumMap<>(Hook.class);
        for (Hook h : Hook.values()) m.put(h, QueueDemand.of(h, v6, hasFilters));
        return m;
    }
}

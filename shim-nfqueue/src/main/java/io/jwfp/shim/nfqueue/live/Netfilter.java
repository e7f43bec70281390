package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.layer.Layer;
import io.jwfp.shim.nfqueue.live.QueueDemand.Hook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * jwfp's netfilter wiring in the network namespace of this process: detection of what works, installation of the
 * rules {@link RulePlan} computes (one {@code iptables-restore --noflush} transaction per family), and removal.
 *
 * <p><b>Detection.</b> The xtables NFQUEUE target (through {@code iptables}, legacy or nf_tables backend) is what jwfp
 * wires with; it is proven by creating an unreferenced probe chain holding an NFQUEUE rule (no packet can reach it)
 * and deleting it. The nftables {@code queue} statement is probed with {@code nft --check} (nothing is applied) and
 * only reported: some kernels, this project's CI kernel among them, have nft_compat but not nft_queue.
 *
 * <p>Thread-safe: every method is synchronized (policy changes arrive on management threads).
 */
public final class Netfilter implements AutoCloseable {
    /** Tables tried in order; the first is preferred (see {@link RulePlan}). */
    static final List<String> TABLES = List.of("security", "mangle");

    private final RulePlan.Target target;
    private final String table;
    private final boolean v6;
    private final String iptablesVersion;
    private final String nftQueue;
    private final String v6Note;
    private final Set<Hook> jumps4 = EnumSet.noneOf(Hook.class);
    private final Set<Hook> jumps6 = EnumSet.noneOf(Hook.class);
    private final Map<String, String> demandText = new LinkedHashMap<>();
    private boolean closed;
    private int leftoverJumps;

    private Netfilter(RulePlan.Target target, String table, boolean v6, String iptablesVersion, String nftQueue,
                      String v6Note) {
        this.target = target;
        this.table = table;
        this.v6 = v6;
        this.iptablesVersion = iptablesVersion;
        this.nftQueue = nftQueue;
        this.v6Note = v6Note;
    }

    /** Thrown when the host cannot be wired; the message says what to install or enable. */
    public static final class WiringException extends RuntimeException {
        public WiringException(String message) {
            super(message);
        }
    }

    /**
     * Detects the tools, removes leftovers of an earlier jwfpd that did not stop cleanly, and picks the table.
     * Installs nothing yet.
     */
    public static Netfilter open(RulePlan.Target target) {
        String version;
        try {
            version = run(List.of("iptables", "-V"), null).trim();
        } catch (IOException e) {
            throw new WiringException("iptables is not usable (" + e.getMessage() + "); install it (apt-get install "
                    + "iptables): jwfp queues packets with the xtables NFQUEUE target");
        }
        String table = null;
        String why = null;
        for (String t : TABLES) {
            try {
                probe("iptables-restore", t, target);
                table = t;
                break;
            } catch (IOException e) {
                why = e.getMessage();
            }
        }
        if (table == null) {
            throw new WiringException("the kernel refused an NFQUEUE rule (" + why + "); jwfp needs the xtables "
                    + "NFQUEUE target (CONFIG_NETFILTER_XT_TARGET_NFQUEUE, and nft_compat with the nf_tables backend)");
        }
        String v6Note = null;
        boolean v6 = false;
        if (!Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            v6Note = "IPv6 is disabled in this kernel: V6 layers are not wired";
        } else {
            try {
                probe("ip6tables-restore", table, target);
                v6 = true;
            } catch (IOException e) {
                v6Note = "ip6tables cannot install NFQUEUE rules (" + e.getMessage() + "): V6 layers are not wired";
            }
        }
        Netfilter nf = new Netfilter(target, table, v6, version, probeNftQueue(), v6Note);
        // Leftovers of a jwfpd that did not stop cleanly: in the table we use they are adopted and replaced by the
        // first apply() in one transaction (with fail-closed they keep dropping until then, never a gap); anywhere
        // else they are removed now.
        nf.jumps4.addAll(adopt("iptables", table));
        if (v6) nf.jumps6.addAll(adopt("ip6tables", table));
        nf.leftoverJumps = nf.jumps4.size() + nf.jumps6.size();
        return nf;
    }

    /** Removes jwfp's rules from the tables other than {@code keep}; returns the hooks whose jump exists in it. */
    private static Set<Hook> adopt(String tool, String keep) {
        Set<Hook> found = EnumSet.noneOf(Hook.class);
        for (String t : TABLES) {
            String listing;
            try {
                listing = run(List.of(tool, "-w", "-t", t, "-S"), null);
            } catch (IOException e) {
                continue;
            }
            if (t.equals(keep)) {
                for (Hook h : Hook.values()) {
                    if (listing.contains("-A " + h.name() + " " + RulePlan.jump(h))) found.add(h);
                }
                continue;
            }
            String script = RulePlan.removal(t, listing);
            if (script.isEmpty()) continue;
            try {
                run(List.of(tool + "-restore", "-w", "--noflush"), script);
            } catch (IOException e) {
                throw new WiringException("cannot remove leftover jwfp rules from " + tool + " table " + t + ": "
                        + e.getMessage());
            }
        }
        return found;
    }

    /** How many jump rules of an earlier jwfpd (that did not stop cleanly) were found at open and are replaced. */
    public int leftoverJumps() {
        return leftoverJumps;
    }

    private static void probe(String restore, String table, RulePlan.Target target) throws IOException {
        String chain = "JWFP-PROBE";
        run(List.of(restore, "-w", "--noflush"), "*" + table + "\n:" + chain + " - [0:0]\n-A " + chain + " "
                + target.rule() + "\nCOMMIT\n");
        run(List.of(restore, "-w", "--noflush"), "*" + table + "\n-F " + chain + "\n-X " + chain + "\nCOMMIT\n");
    }

    /** "available", or why the nft queue statement does not work here. Nothing is applied ({@code nft --check}). */
    static String probeNftQueue() {
        String ruleset = "add table inet jwfp_probe\n"
                + "add chain inet jwfp_probe c { type filter hook output priority 0; }\n"
                + "add rule inet jwfp_probe c queue num 0 bypass\n";
        try {
            run(List.of("nft", "--check", "-f", "-"), ruleset);
            return "available";
        } catch (IOException e) {
            String m = e.getMessage();
            if (m.contains("No such file or directory")) {
                return "not available: the kernel has no nft queue expression (nft_queue); jwfp uses the xtables "
                        + "NFQUEUE target instead";
            }
            return "not available: " + m.lines().findFirst().orElse(m);
        }
    }

    /**
     * Removes every jwfp rule and chain (found by the {@code jwfp} comment and the {@code JWFP-} chain prefix) from the
     * tables jwfp may use, for both families. Used at start (a crash, or SIGKILL, leaves them behind) and by tests.
     *
     * @return how many scripts ran (0: nothing was left)
     */
    public static int removeLeftovers() {
        int n = 0;
        for (String tool : List.of("iptables", "ip6tables")) {
            for (String t : TABLES) {
                String listing;
                try {
                    listing = run(List.of(tool, "-w", "-t", t, "-S"), null);
                } catch (IOException e) {
                    continue; // no such table or no ip6tables: nothing of ours can be there
                }
                String script = RulePlan.removal(t, listing);
                if (script.isEmpty()) continue;
                try {
                    run(List.of(tool + "-restore", "-w", "--noflush"), script);
                    n++;
                } catch (IOException e) {
                    throw new WiringException("cannot remove leftover jwfp rules from " + tool + " table " + t + ": "
                            + e.getMessage());
                }
            }
        }
        return n;
    }

    /**
     * Makes the rules match the current policy: computes each hook's demand from {@code hasFilters} and applies both
     * families' scripts.
     */
    public synchronized void apply(Predicate<Layer> hasFilters, int generation) {
        if (closed) return;
        apply("iptables-restore", false, hasFilters, generation, jumps4);
        if (v6) apply("ip6tables-restore", true, hasFilters, generation, jumps6);
    }

    private void apply(String restore, boolean six, Predicate<Layer> hasFilters, int generation, Set<Hook> jumps) {
        Map<Hook, QueueDemand> demand = RulePlan.demand(six, hasFilters);
        RulePlan.Script s = RulePlan.script(table, six, demand, generation, target, jumps);
        try {
            run(List.of(restore, "-w", "--noflush"), s.text());
        } catch (IOException e) {
            throw new WiringException("cannot install jwfp's " + (six ? "IPv6" : "IPv4") + " rules: " + e.getMessage());
        }
        jumps.clear();
        jumps.addAll(s.jumps());
        for (Hook h : Hook.values()) demandText.put((six ? "v6 " : "v4 ") + h.name(), demand.get(h).toString());
    }

    /** Removes jwfp's rules and chains. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        removeLeftovers();
        jumps4.clear();
        jumps6.clear();
    }

    /** What is wired, for {@code jwfp status}. */
    public synchronized Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iptables", iptablesVersion);
        m.put("table", table);
        m.put("nftQueueStatement", nftQueue);
        m.put("ipv6", v6 ? "wired" : v6Note);
        m.put("queue", target.rule().substring(3));
        m.put("hooks", new LinkedHashMap<>(demandText));
        return m;
    }

    public String table() {
        return table;
    }

    public boolean ipv6() {
        return v6;
    }

    /** Runs a command (stdin from {@code input}), returns stdout; fails with its first error line. */
    static String run(List<String> command, String input) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Path err = Files.createTempFile("jwfp-nf", ".err");
        try {
            pb.redirectError(err.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IOException(command.get(0) + " not found or not executable");
            }
            try (var in = p.getOutputStream()) {
                if (input != null) in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " did not finish within 30 s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command.get(0));
            }
            if (p.exitValue() != 0) {
                String text = Files.readString(err, StandardCharsets.UTF_8).trim();
                throw new IOException(command.get(0) + " exited " + p.exitValue() + (text.isEmpty() ? "" : ": "
                        + String.join(" / ", text.lines().filter(l -> !l.isBlank()).limit(3).toList())));
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}

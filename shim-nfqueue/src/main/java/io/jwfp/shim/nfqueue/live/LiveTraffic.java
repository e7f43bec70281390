package io.jwfp.shim.nfqueue.live;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.engine.FilterEngine;
import io.jwfp.shim.nfqueue.ConntrackEvents;
import io.jwfp.shim.nfqueue.KernelQueueStats;
import io.jwfp.shim.nfqueue.NfQueue;
import io.jwfp.shim.nfqueue.NfQueueConfig;
import io.jwfp.shim.nfqueue.NfQueueException;
import io.jwfp.shim.nfqueue.NfQueueGroup;
import io.jwfp.shim.nfqueue.NfQueueStats;
import io.jwfp.shim.nfqueue.RawIpSender;
import io.jwfp.shim.nfqueue.SockDiag;
import io.jwfp.shim.nfqueue.Verdict;
import io.jwfp.shim.nfqueue.natives.Constants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Live traffic through the filter engine: the NFQUEUE queues (one platform thread each), a {@link PacketPipeline} per
 * queue, jwfp's own netfilter rules ({@link Netfilter}), the flow table with conntrack destroy events, and the callout
 * runtime ({@link LiveKernel}). The rules follow the policy: every commit that touches filters recomputes them from
 * which layers hold filters, in one transaction per IP family.
 *
 * <p>Start order: queues bound first, then rules (no packet is queued to nobody); stop order: rules removed first,
 * then queues unbound (no packet waits for a verdict that will not come). With {@code failClosed} the rules have no
 * queue bypass, so while jwfpd is not running (crashed, killed) queued traffic is dropped; a clean {@link #close()}
 * still removes them.
 *
 * <p>Thread-safe: policy changes arrive on management threads; {@link #status()} may be called from any thread.
 */
public final class LiveTraffic implements AutoCloseable {
    /** How to wire. */
    public record Options(int firstQueue, int queueCount, boolean failClosed) {
        public Options {
            if (queueCount < 1 || queueCount > 64) throw new IllegalArgumentException("--queues must be 1..64, got " + queueCount);
            if (firstQueue < 0 || firstQueue + queueCount - 1 > 0xFFFF) {
                throw new IllegalArgumentException("--queue must leave room for " + queueCount + " queues below 65536");
            }
        }
    }

    /** Idle lifetimes of flows the conntrack events did not end (safety net), and how often they are checked. */
    static final long DATAGRAM_IDLE_NANOS = 15 * 60 * 1_000_000_000L;
    static final long STREAM_IDLE_NANOS = 6 * 3600 * 1_000_000_000L;
    static final long SWEEP_MILLIS = 10_000;

    private final Options options;
    private final BaseFilteringEngine bfe;
    private final FilterEngine engine;
    private final LiveRuntime rt;
    private final LiveKernel kernel;
    private final Path stateDir;
    private final Consumer<String> log;
    private NfQueueGroup queues;
    private Netfilter netfilter;
    private ConntrackEvents ctEvents;
    private String ctEventsNote;
    private AutoCloseable listener;
    private Thread sweeper;
    private RawIpSender raw;
    private volatile boolean closed;
    private final boolean conntrackAttributes;
    private final boolean uidGid;

    private LiveTraffic(BaseFilteringEngine bfe, Options options, Consumer<String> log) {
        this.bfe = bfe;
        this.options = options;
        this.engine = bfe.filterEngine();
        this.stateDir = bfe.stateDirectory();
        this.log = log;
        FlowTable flows = new FlowTable(engine);
        SockDiag diag = null;
        try {
            diag = SockDiag.open(null);
        } catch (NfQueueException e) {
            log.accept("sock_diag unavailable, processes will not be known (ALE_APP_ID stays empty): " + e.getMessage());
        }
        LiveStats stats = new LiveStats();
        this.kernel = new LiveKernel(engine, flows, stats);
        this.rt = new LiveRuntime(engine, flows, new ProcessResolver(diag, Path.of("/proc")),
                new Interfaces(Path.of("/sys/class/net")), new PolicyClock(firstGeneration()), stats, kernel);
        this.conntrackAttributes = NfQueue.isConntrackSupported();
        this.uidGid = (NfQueue.supportedConfigFlags() & Constants.NFQA_CFG_F_UID_GID) != 0;
    }

    /**
     * Starts intercepting in this process's network namespace: {@link #prepare} and {@link #start()} at once.
     *
     * @throws io.jwfp.shim.nfqueue.NfQueueUnavailableException when queues cannot be used here (with the reason)
     * @throws Netfilter.WiringException when the rules cannot be installed (with what to install)
     */
    public static LiveTraffic start(BaseFilteringEngine bfe, Options options, Consumer<String> log) {
        LiveTraffic t = prepare(bfe, options, log);
        t.start();
        return t;
    }

    /**
     * Checks that queues can be used here and installs the callout runtime in the engine, without intercepting yet:
     * callouts a policy builds from now on get the {@link LiveKernel} (for their injection handles).
     *
     * @throws io.jwfp.shim.nfqueue.NfQueueUnavailableException when queues cannot be used here (with the reason)
     */
    public static LiveTraffic prepare(BaseFilteringEngine bfe, Options options, Consumer<String> log) {
        NfQueue.ensureAvailable();
        LiveTraffic t = new LiveTraffic(bfe, options, log);
        t.engine.setKernel(t.kernel);
        return t;
    }

    /** Binds the queues, installs the rules for the current policy and follows policy changes. */
    public synchronized void start() {
        if (closed) throw new IllegalStateException("closed");
        try {
            startAll();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startAll() {
        NfQueueConfig config = NfQueueConfig.builder(options.firstQueue())
                .failOpen(!options.failClosed())
                .gso(true)
                .uidGid(uidGid)
                .conntrack(conntrackAttributes)
                .handlerErrorVerdict(options.failClosed() ? Verdict.DROP : Verdict.ACCEPT)
                .build();
        int last = options.firstQueue() + options.queueCount() - 1;
        queues = NfQueueGroup.start(config, options.firstQueue(), last, q -> new PacketPipeline(rt,
                (id, code, withMark, mark, payload, off, len) -> queues.queue(q).completeDeferred(id, code, withMark, mark,
                        payload, off, len)));
        netfilter = Netfilter.open(new RulePlan.Target(options.firstQueue(), options.queueCount(), !options.failClosed()));
        if (netfilter.leftoverJumps() > 0) {
            log.accept("found " + netfilter.leftoverJumps() + " jump rule(s) left by a jwfpd that did not stop cleanly;"
                    + " replacing them");
        }
        // Policy changes: reauthorization bookkeeping first, then the rules (which carry the new generation).
        listener = bfe.addPolicyChangeListener(layers -> {
            if (closed) return;
            if (rt.clock().changed(layers)) saveGeneration(rt.clock().generation());
            try {
                netfilter.apply(engine::hasFilters, rt.clock().generation());
            } catch (Netfilter.WiringException e) {
                log.accept(e.getMessage());
            }
        });
        netfilter.apply(engine::hasFilters, rt.clock().generation());
        try {
            ctEvents = ConntrackEvents.start(null, rt.flows()::conntrackDestroyed);
        } catch (NfQueueException e) {
            ctEventsNote = e.getMessage();
            log.accept(ctEventsNote + "; flows end after an idle time instead");
        }
        try {
            raw = RawIpSender.open(Marks.INJECTED);
            kernel.setRawSender(raw, null);
        } catch (NfQueueException e) {
            kernel.setRawSender(null, "unavailable: " + e.getMessage());
            log.accept("callouts cannot send packets of their own: " + e.getMessage());
        }
        sweeper = Thread.ofPlatform().daemon(true).name("jwfp-flow-sweeper").start(this::sweep);
    }

    private void sweep() {
        while (!closed) {
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                rt.flows().sweep(System.nanoTime(), DATAGRAM_IDLE_NANOS, STREAM_IDLE_NANOS);
            } catch (RuntimeException e) {
                log.accept("flow sweep failed: " + e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------- generation

    /**
     * The first ALE generation: one after the last one saved in the state directory, so established flows marked by
     * an earlier jwfpd are reauthorized under this one's policy; random without a state directory.
     */
    private int firstGeneration() {
        Path f = generationFile();
        if (f != null) {
            try {
                return Marks.nextGen(Integer.parseInt(Files.readString(f).trim()));
            } catch (IOException | NumberFormatException e) {
                // first start, or unreadable: fall through
            }
        }
        return 1 + ThreadLocalRandom.current().nextInt(Marks.GEN_MAX);
    }

    private Path generationFile() {
        return stateDir == null ? null : stateDir.resolve("live-generation");
    }

    private void saveGeneration(int g) {
        Path f = generationFile();
        if (f == null) return;
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, Integer.toString(g) + "\n");
        } catch (IOException e) {
            log.accept("cannot save the ALE generation to " + f + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------- status, stop

    /** Queues, wiring, counters and flows, for {@code jwfp status}. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("failMode", options.failClosed() ? "closed" : "open");
        m.put("conntrackAttributes", conntrackAttributes ? "used (NFQA_CFG_F_CONNTRACK)"
                : "not supported by this kernel (CONFIG_NETFILTER_NETLINK_GLUE_CT); conntrack state travels in the mark");
        m.put("socketOwner", uidGid ? "NFQA_CFG_F_UID_GID" : "not supported by this kernel");
        Netfilter nf = netfilter;
        if (nf != null) m.put("wiring", nf.status());
        NfQueueGroup g = queues;
        if (g != null) {
            Map<String, Object> qs = new LinkedHashMap<>();
            for (int q = g.firstQueue(); q <= g.lastQueue(); q++) {
                NfQueueStats.Snapshot s = g.stats(q).snapshot();
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("packets", s.packets());
                one.put("gsoPackets", s.gsoPackets());
                one.put("enobufs", s.enobufs());
                one.put("verdictErrors", s.verdictErrors());
                one.put("handlerErrors", s.handlerErrors());
                try {
                    KernelQueueStats k = g.kernelStats(q).orElse(null);
                    if (k != null) {
                        one.put("kernelQueueDropped", k.queueDropped());
                        one.put("kernelUserDropped", k.userDropped());
                        one.put("kernelQueued", k.queueTotal());
                    }
                } catch (NfQueueException e) {
                    one.put("kernelStats", e.getMessage());
                }
                g.failure(q).ifPresent(t -> one.put("failure", String.valueOf(t)));
                qs.put(Integer.toString(q), one);
            }
            m.put("queues", qs);
        }
        m.put("pipeline", rt.stats().snapshot());
        m.put("heldNow", kernel.heldCount());
        Map<String, Object> flows = new LinkedHashMap<>();
        flows.put("active", rt.flows().size());
        flows.put("created", rt.flows().created());
        flows.put("ended", rt.flows().ended());
        flows.put("aleGeneration", rt.clock().generation());
        ConntrackEvents ce = ctEvents;
        flows.put("conntrackEvents", ce == null ? "unavailable: " + ctEventsNote
                : (ce.isRunning() ? "destroy events" : "stopped") + ", " + ce.events() + " received, " + ce.lost()
                + " overruns");
        m.put("flows", flows);
        m.put("processes", rt.processes().status());
        m.put("ownPackets", kernel.rawSenderStatus());
        return m;
    }

    /**
     * One queue's counters, for monitoring: jwfp's side ({@link NfQueueStats}) and the kernel's, a line of
     * {@code /proc/net/netfilter/nfnetlink_queue} (null when the kernel does not list the queue or it cannot be read).
     */
    public record QueueReading(int queue, NfQueueStats.Snapshot stats, KernelQueueStats kernel) {}

    /** Every queue's counters, read now (the kernel's file once per queue); empty before {@link #start()}. */
    public List<QueueReading> queueReadings() {
        NfQueueGroup g = queues;
        if (g == null) return List.of();
        List<QueueReading> out = new ArrayList<>();
        for (int q = g.firstQueue(); q <= g.lastQueue(); q++) {
            KernelQueueStats k;
            try {
                k = g.kernelStats(q).orElse(null);
            } catch (NfQueueException e) {
                k = null;
            }
            out.add(new QueueReading(q, g.stats(q).snapshot(), k));
        }
        return out;
    }

    /** The runtime (flows, counters), for tests and status. */
    public LiveRuntime runtime() {
        return rt;
    }

    /** Removes the rules, then stops the queues and ends every flow. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (listener != null) listener.close();
        } catch (Exception e) {
            // closing
        }
        if (netfilter != null) {
            try {
                netfilter.close();
            } catch (RuntimeException e) {
                log.accept("could not remove jwfp's netfilter rules: " + e.getMessage()
                        + " (remove chains JWFP-* by hand, see README)");
            }
        }
        kernel.stopOutOfBand(); // held packets are dropped while their queues still exist
        if (queues != null) {
            // No new packet is queued now; give the threads a moment to decide what is already waiting, which the
            // kernel would otherwise drop when the queues are unbound.
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            queues.close();
        }
        if (ctEvents != null) ctEvents.close();
        if (sweeper != null) sweeper.interrupt();
        rt.flows().clear();
        rt.processes().close();
        if (raw != null) {
            kernel.setRawSender(null, "stopped");
            raw.close();
        }
        if (engine.kernel() == kernel) engine.setKernel(null);
    }
}

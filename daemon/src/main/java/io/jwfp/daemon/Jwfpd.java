package io.jwfp.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.daemon.mgmt.ManagementServer;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.engine.FwpException;
import io.jwfp.engine.layer.Layer;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.PolicyException;
import io.jwfp.policy.PolicyParser;
import io.jwfp.daemon.metrics.JwfpdMetrics;
import io.jwfp.daemon.metrics.MetricsServer;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jwfpd}: the daemon. It opens the Base Filtering Engine (restoring persistent objects from the state
 * directory), applies a policy if given, starts the live shim, and serves the management socket until SIGTERM or
 * SIGINT, when it removes the netfilter state it added and exits.
 */
@Command(name = "jwfpd", mixinStandardHelpOptions = true, description = {
        "The jwfp daemon: the filter engine deciding the fate of this host's packets.",
        "Managed with `jwfp status|apply|filter|sublayer|events` over a Unix socket."}, footer = {"",
        "Examples:",
        "  jwfpd --policy /etc/jwfp/policy.yaml",
        "  jwfpd --policy /etc/jwfp/policy.yaml --metrics 9464",
        "      (Prometheus metrics at http://127.0.0.1:9464/metrics)",
        "  jwfpd --no-live --log-config /etc/jwfp/logback.xml",
        "  jwfpd --remove-rules     (after a crash: removes the rules it left)"})
public final class Jwfpd implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "FILE", description = "A policy to apply at start (static session).")
    Path policy;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/jwfp",
            description = "Where persistent objects are kept (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", description = "The management socket (default: $JWFP_SOCKET or /run/jwfp/jwfpd.sock).")
    Path socket;

    @Option(names = "--group", paramLabel = "NAME", description = "Members of this group may manage jwfpd (root always may).")
    String group;

    @Option(names = "--fail-closed", description = "Drop queued traffic while jwfpd is not running, instead of letting it pass.")
    boolean failClosed;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "2100",
            description = "First NFQUEUE number to use (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--queues", paramLabel = "COUNT", defaultValue = "1",
            description = "How many queues (one thread each) to balance over (default: ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--no-live", description = "Do not intercept traffic: management only (for trying policies).")
    boolean noLive;

    @Option(names = "--allow-events", description = "Also log permitted classifications as net events.")
    boolean allowEvents;

    @Option(names = "--remove-rules", description = "Remove the netfilter rules a jwfpd left behind (crash, SIGKILL) and exit.")
    boolean removeRules;

    @Option(names = "--metrics", paramLabel = "[ADDR:]PORT", description = {
            "Serve Prometheus metrics at http://ADDR:PORT/metrics (default: off; ADDR defaults to 127.0.0.1;",
            "IPv6 in brackets). The metrics are listed in docs/metrics.md."})
    String metrics;

    @Option(names = "--log-config", paramLabel = "FILE", description = {
            "A logback configuration to use instead of the built-in one (same as -Dlogback.configurationFile=FILE;",
            "see docs/operations.md). The built-in one logs INFO and up to stderr; JWFP_LOG_LEVEL=DEBUG says more."})
    Path logConfig;

    private static final Logger LOG = LoggerFactory.getLogger(Jwfpd.class);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final Instant started = Instant.now();

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Jwfpd());
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            if (ex instanceof PolicyException || ex instanceof FwpException || ex instanceof IllegalArgumentException
                    || ex instanceof UncheckedIOException || ex instanceof java.io.IOException || ex instanceof StartupException) {
                line.getErr().println("jwfpd: " + ex.getMessage());
                return 2;
            }
            line.getErr().println("jwfpd: " + ex);
            ex.printStackTrace(line.getErr());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    /** The daemon could not start for a reason the operator can fix. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (logConfig != null) Logging.configure(logConfig);
        if (removeRules) return removeRules();
        // Fail on a mistake before touching anything.
        InetSocketAddress metricsAddress = metrics == null ? null : MetricsServer.parseAddress(metrics);
        Policy parsed = policy == null ? null : PolicyParser.parse(policy);
        BaseFilteringEngine bfe = BaseFilteringEngine.open(stateDir);
        bfe.setNetEventCollection(true, allowEvents);
        // The live shim's callout runtime must exist before --policy builds callouts (their injection handles).
        LiveShim liveShim = noLive ? null : loadShim();
        if (liveShim != null) liveShim.prepare(bfe);
        FwpmEngine policySession = bfe.openSession(FwpmSession.named("jwfpd --policy"));
        if (parsed != null) {
            PolicyApplier.Result r = PolicyApplier.apply(parsed, policySession, PolicyApplier.Mode.REPLACE);
            log("applied " + policy + ": " + r.filterIds().size() + " filters");
        }
        // The management socket first: if another jwfpd holds it, fail before touching netfilter.
        AtomicReference<LiveShim> shim = new AtomicReference<>(liveShim);
        ManagementServer server = new ManagementServer(bfe, socket != null ? socket : Protocol.defaultSocket(), group, true,
                () -> status(bfe, shim.get()));
        AtomicReference<MetricsServer> metricsServer = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            // SIGTERM/SIGINT (and exits after a failed start): remove our netfilter state first, so the host is never
            // left queueing to nobody.
            LiveShim s = shim.get();
            if (s != null) s.close();
            MetricsServer m = metricsServer.get();
            if (m != null) m.close();
            server.close();
            policySession.close();
            bfe.close();
            stop.countDown();
        }));
        if (metricsAddress != null) {
            try {
                metricsServer.set(MetricsServer.start(metricsAddress, new JwfpdMetrics(bfe,
                        () -> shim.get() == null ? null : shim.get().traffic())));
            } catch (java.io.IOException e) {
                throw new StartupException("cannot serve metrics on " + metrics + ": " + e.getMessage());
            }
            log("metrics on http://" + hostPort(metricsServer.get().address()) + "/metrics");
        }
        if (liveShim != null) liveShim.start(bfe);
        log("listening on " + server.socket() + (noLive ? " (no live traffic: --no-live)"
                : " (live traffic: queues " + queue + ".." + (queue + queues - 1) + ", fail-" + (failClosed ? "closed" : "open") + ")"));
        stop.await();
        return 0;
    }

    private int removeRules() {
        Path sock = socket != null ? socket : Protocol.defaultSocket();
        if (ManagementServer.isLive(sock)) {
            throw new StartupException("jwfpd is running (it listens on " + sock + "); stop it with SIGTERM, which "
                    + "removes its rules");
        }
        int n = 0;
        for (LiveShimFactory f : ServiceLoader.load(LiveShimFactory.class)) n += f.removeLeftovers();
        log(n == 0 ? "no jwfp rules were left" : "removed jwfp's leftover rules (" + n + " table(s))");
        return 0;
    }

    private LiveShim loadShim() {
        for (LiveShimFactory f : ServiceLoader.load(LiveShimFactory.class)) {
            return f.create(new LiveShimFactory.Options(queue, queues, failClosed));
        }
        throw new StartupException("no live shim is built into this jwfpd; run with --no-live to manage policies only");
    }

    private ObjectNode status(BaseFilteringEngine bfe, LiveShim shim) {
        ObjectNode s = Protocol.JSON.createObjectNode();
        s.put("pid", ProcessHandle.current().pid());
        s.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        s.put("stateDir", String.valueOf(bfe.stateDirectory()));
        s.put("sessions", bfe.sessions().size());
        s.put("filters", bfe.filterEngine().state().filterCount());
        ObjectNode layers = s.putObject("filtersByLayer");
        for (Layer l : Layer.values()) {
            var ls = bfe.filterEngine().state().layer(l);
            if (ls != null) layers.put(l.name(), ls.filterCount());
        }
        s.put("netEvents", bfe.netEvents().lastSequence());
        s.put("failMode", failClosed ? "closed" : "open");
        if (shim != null) s.set("live", shim.status());
        else s.put("live", "off");
        return s;
    }

    private static void log(String msg) {
        LOG.info(msg);
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}

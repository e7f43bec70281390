package io.jwfp.daemon.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.daemon.Jwfpd;
import io.jwfp.daemon.LiveShim;
import io.jwfp.daemon.LiveShimFactory;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.shim.nfqueue.NfQueueException;
import io.jwfp.shim.nfqueue.NfQueueUnavailableException;
import io.jwfp.shim.nfqueue.live.LiveTraffic;
import io.jwfp.shim.nfqueue.live.Netfilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jwfpd's live shim: {@link LiveTraffic} (NFQUEUE, jwfp's netfilter rules, the live layer pipeline) behind the
 * daemon's {@link LiveShim} interface. Found by ServiceLoader through {@link Factory}. Thread-safe as LiveTraffic is.
 */
public final class NfQueueLiveShim implements LiveShim {
    /** What the live traffic reports on its own (missing kernel features, leftover rules replaced): warnings. */
    private static final Logger LOG = LoggerFactory.getLogger(LiveTraffic.class);
    private final LiveShimFactory.Options options;
    private volatile LiveTraffic traffic;

    NfQueueLiveShim(LiveShimFactory.Options options) {
        this.options = options;
    }

    /** ServiceLoader entry point. */
    public static final class Factory implements LiveShimFactory {
        @Override
        public LiveShim create(Options options) {
            return new NfQueueLiveShim(options);
        }

        @Override
        public int removeLeftovers() {
            try {
                return Netfilter.removeLeftovers();
            } catch (Netfilter.WiringException e) {
                throw new Jwfpd.StartupException(e.getMessage());
            }
        }
    }

    @Override
    public void prepare(BaseFilteringEngine bfe) {
        try {
            traffic = LiveTraffic.prepare(bfe, new LiveTraffic.Options(options.firstQueue(), options.queueCount(),
                    options.failClosed()), LOG::warn);
        } catch (NfQueueUnavailableException e) {
            throw new Jwfpd.StartupException("cannot intercept live traffic: " + e.getMessage()
                    + " (or run with --no-live to manage policies only)");
        } catch (IllegalArgumentException e) {
            throw new Jwfpd.StartupException(e.getMessage());
        }
    }

    @Override
    public void start(BaseFilteringEngine bfe) {
        if (traffic == null) prepare(bfe);
        try {
            traffic.start();
        } catch (Netfilter.WiringException | NfQueueException e) {
            throw new Jwfpd.StartupException("cannot intercept live traffic: " + e.getMessage());
        }
    }

    @Override
    public ObjectNode status() {
        LiveTraffic t = traffic;
        if (t == null) return Protocol.JSON.createObjectNode().put("state", "not started");
        return Protocol.JSON.valueToTree(t.status());
    }

    @Override
    public LiveTraffic traffic() {
        return traffic;
    }

    @Override
    public void close() {
        LiveTraffic t = traffic;
        if (t != null) t.close();
    }
}

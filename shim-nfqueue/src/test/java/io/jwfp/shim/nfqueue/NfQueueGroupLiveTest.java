package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --queue-balance} served by an {@link NfQueueGroup}: one platform thread per queue, in namespaces of its
 * own ({@code jwfpt-grp-<pid>-a/-b}) so it cannot clash with {@link NfQueueLiveTest}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NfQueueGroupLiveTest {
    private static TwoNamespaces net;

    @BeforeAll
    static void setUp() throws Exception {
        TwoNamespaces.assumeLiveEnvironment();
        net = TwoNamespaces.create("jwfpt-grp");
        for (int i = 0; i < 16; i++) {
            TwoNamespaces.sh("ip", "-n", net.a, "addr", "add", "10.200.0." + (100 + i) + "/32", "dev", "va");
        }
    }

    @AfterAll
    static void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void balancedQueuesEachServeTheirShareOnTheirOwnThread() throws Exception {
        net.iptables(net.a, false, "-A", "OUTPUT", "-p", "tcp", "-d", B_V4, "--dport", "6001", "-j", "NFQUEUE",
                "--queue-balance", "30:31");
        AtomicLongArray perQueue = new AtomicLongArray(2);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ServerSocket server = NetworkNamespace.call(net.nsB(), () -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(B_V4, 6001));
            return s;
        });
        Thread.ofPlatform().daemon(true).start(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept()) {
                    c.getInputStream().transferTo(c.getOutputStream());
                } catch (Exception e) {
                    // next
                }
            }
        });
        NfQueueConfig template = NfQueueConfig.builder(0).networkNamespace(net.nsA()).build();
        try (server; NfQueueGroup g = NfQueueGroup.start(template, 30, 31, q -> (p, v) -> {
            assertThat(p.queueNumber()).isEqualTo(q);
            perQueue.incrementAndGet(q - 30);
            threads.add(q + "@" + Thread.currentThread().getName());
            v.accept(p.id());
        })) {
            assertThat(g.kernelStats(30)).isPresent();
            assertThat(g.kernelStats(31)).isPresent();
            // xt_NFQUEUE balances on a hash of the addresses and protocol, not the ports, so the flows come from
            // 16 source addresses: both queues get some unless the hash sends all 16 one way (p = 2^-15).
            for (int i = 0; i < 16; i++) {
                String source = "10.200.0." + (100 + i);
                String echoed = NetworkNamespace.call(net.nsA(), () -> {
                    try (Socket s = new Socket()) {
                        s.bind(new InetSocketAddress(source, 0));
                        s.connect(new InetSocketAddress(B_V4, 6001), 3000);
                        s.setSoTimeout(5000);
                        OutputStream out = s.getOutputStream();
                        out.write("flow".getBytes(StandardCharsets.UTF_8));
                        s.shutdownOutput();
                        InputStream in = s.getInputStream();
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                });
                assertThat(echoed).isEqualTo("flow");
            }
            assertThat(perQueue.get(0)).isPositive();
            assertThat(perQueue.get(1)).isPositive();
            assertThat(threads).containsExactlyInAnyOrder("30@jwfp-nfq-30", "31@jwfp-nfq-31");
            assertThat(g.stats(30).snapshot().packets() + g.stats(31).snapshot().packets())
                    .isEqualTo(perQueue.get(0) + perQueue.get(1));
            assertThat(g.isRunning()).isTrue();
        }
    }

    @Test
    void aGroupThatCannotBindEveryQueueFailsAndReleasesTheOthers() throws Exception {
        NfQueueConfig template = NfQueueConfig.builder(0).networkNamespace(net.nsA()).build();
        try (NfQueue blocker = NfQueue.open(template.withQueueNumber(41))) {
            assertThatThrownBy(() -> NfQueueGroup.start(template, 40, 42, (p, v) -> v.accept(p.id())))
                    .isInstanceOf(NfQueueException.class)
                    .hasMessageContaining("queue 41");
            // 40 and 42 were released again: they can be bound now.
            try (NfQueueGroup g = NfQueueGroup.start(template, 42, 42, (p, v) -> v.accept(p.id()));
                    NfQueue q40 = NfQueue.open(template.withQueueNumber(40))) {
                assertThat(g.kernelStats(42)).isPresent();
                assertThat(q40.kernelStats()).isPresent();
            }
        }
    }
}

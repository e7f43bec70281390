package io.jwfp.shim.nfqueue.tools;

import io.jwfp.shim.nfqueue.KernelQueueStats;
import io.jwfp.shim.nfqueue.NfQueue;
import io.jwfp.shim.nfqueue.NfQueueConfig;
import io.jwfp.shim.nfqueue.NfQueueException;
import io.jwfp.shim.nfqueue.NfQueueGroup;
import io.jwfp.shim.nfqueue.NfQueueStats;
import java.util.concurrent.CountDownLatch;

/**
 * Accept-all queue for measurements ({@code bench/throughput.sh}): binds queues FIRST..LAST in the current
 * network namespace, accepts every packet, prints "ready" once bound and the counters when it gets SIGTERM
 * or after {@code --seconds}.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp shim-nfqueue/target/classes \
 *     io.jwfp.shim.nfqueue.tools.AcceptAll [--queues 0:0] [--no-gso] [--batch 32] [--no-coalesce]
 *     [--copy-range 65531] [--seconds N]</pre>
 */
public final class AcceptAll {
    private AcceptAll() {}

    public static void main(String[] args) throws Exception {
        int first = 0;
        int last = 0;
        boolean gso = true;
        boolean coalesce = true;
        int batch = 32;
        long seconds = -1;
        int copyRange = io.jwfp.shim.nfqueue.natives.Constants.NFQNL_MAX_COPY_RANGE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--queues" -> {
                    String[] r = args[++i].split(":");
                    first = Integer.parseInt(r[0]);
                    last = r.length > 1 ? Integer.parseInt(r[1]) : first;
                }
                case "--no-gso" -> gso = false;
                case "--no-coalesce" -> coalesce = false;
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--copy-range" -> copyRange = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; usage: AcceptAll [--queues F:L] [--no-gso] [--no-coalesce] [--batch N] [--copy-range N] [--seconds S]");
                    System.exit(2);
                }
            }
        }
        if (!NfQueue.isAvailable()) {
            System.err.println("nfqueue unavailable: " + NfQueue.unavailabilityCause().getMessage());
            System.exit(1);
        }
        NfQueueConfig config = NfQueueConfig.builder(first).gso(gso).coalesceVerdicts(coalesce).batchSize(batch)
                .copyRange(copyRange).build();
        NfQueueGroup group;
        try {
            group = NfQueueGroup.start(config, first, last, (p, v) -> v.accept(p.id()));
        } catch (NfQueueException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        int f = first;
        int l = last;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            report(group, f, l);
            group.close();
            done.countDown();
        }));
        System.out.println("ready: queues " + first + ".." + last + (gso ? " gso" : " no-gso") + " batch " + batch
                + (coalesce ? " coalesce" : " no-coalesce") + " copy range " + copyRange);
        System.out.flush();
        if (seconds > 0) {
            Thread.sleep(seconds * 1000);
            System.exit(0);
        }
        done.await();
    }

    private static void report(NfQueueGroup group, int first, int last) {
        for (int q = first; q <= last; q++) {
            NfQueueStats.Snapshot s = group.stats(q).snapshot();
            KernelQueueStats k = group.kernelStats(q).orElse(null);
            System.out.printf("queue %d: packets %d (gso %d) payload %d MB, recv calls %d (%.1f packets/call), "
                            + "verdict msgs %d single + %d batch in %d sends, enobufs %d, verdict errors %d%s%n",
                    q, s.packets(), s.gsoPackets(), s.payloadBytes() >> 20, s.receiveCalls(),
                    s.receiveCalls() == 0 ? 0.0 : (double) s.packets() / s.receiveCalls(),
                    s.verdictMessages(), s.batchVerdictMessages(), s.sendCalls(), s.enobufs(), s.verdictErrors(),
                    k == null ? "" : ", kernel queue_dropped " + k.queueDropped() + " user_dropped " + k.userDropped());
        }
        System.out.flush();
    }
}

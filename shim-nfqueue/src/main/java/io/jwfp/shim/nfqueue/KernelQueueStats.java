package io.jwfp.shim.nfqueue;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/net/netfilter/nfnetlink_queue}: the kernel's own view of a queue.
 *
 * @param queueNumber  queue number
 * @param portId       netlink port id of the bound socket
 * @param queueTotal   packets currently waiting for a verdict
 * @param copyMode     NFQNL_COPY_* in force
 * @param copyRange    copy range in force
 * @param queueDropped packets dropped because the queue was full (queue max length reached, no fail-open)
 * @param userDropped  packets dropped because they could not be delivered to the socket (receive buffer full)
 * @param idSequence   last packet id handed out
 */
public record KernelQueueStats(int queueNumber, long portId, long queueTotal, int copyMode, long copyRange,
        long queueDropped, long userDropped, long idSequence) {

    /** Parses the whole file; lines that do not have the expected shape are skipped. */
    public static List<KernelQueueStats> parse(String procFile) {
        List<KernelQueueStats> out = new ArrayList<>();
        for (String line : procFile.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                out.add(new KernelQueueStats(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Integer.parseInt(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                        Long.parseLong(f[7])));
            } catch (NumberFormatException e) {
                // not a data line
            }
        }
        return out;
    }
}

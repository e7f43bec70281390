package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpToken;
import io.jwfp.engine.value.UnixUsers;
import io.jwfp.shim.nfqueue.SockDiag;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is behind a local socket, for the ALE layers: the socket (uid, inode) from sock_diag, the process from the
 * {@code /proc/PID/fd} links that name the inode, the executable from {@code /proc/PID/exe}. Asked once per new flow
 * (never per packet) and cached: by inode (the process of a socket does not change; a stale entry after a PID is
 * reused would need the socket inode to be reused too) and tokens by uid.
 *
 * <p>The {@code /proc} walk is the expensive part (OpenSnitch measured 20–80 ms on busy desktops). One walk records
 * every socket inode it sees, so the next new flows of already-running programs hit the cache; a miss walks again.
 *
 * <p>Thread-safe (synchronized): queue threads share one resolver.
 */
public final class ProcessResolver implements AutoCloseable {
    private static final int MAX_CACHED = 8192;

    private final SockDiag diag;
    private final Path proc;
    private final Map<Long, ProcessInfo> byInode = lru();
    private final Map<Long, Long> pidByInode = new HashMap<>();
    private final Map<Integer, FwpToken> tokens = new HashMap<>();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong scans = new AtomicLong();
    private final AtomicLong unresolved = new AtomicLong();

    /**
     * @param diag a sock_diag socket in the shim's namespace, or null to resolve only users (from the queue's uid)
     * @param proc the proc file system ({@code /proc}; tests pass a fake tree)
     */
    public ProcessResolver(SockDiag diag, Path proc) {
        this.diag = diag;
        this.proc = proc;
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> e) {
                return size() > MAX_CACHED;
            }
        };
    }

    /**
     * The process of the local socket of a TCP/UDP flow (local side first), or, when the socket cannot be found, just
     * the user {@code queueUid} (from NFQA_UID; -1 when the queue did not report one). Null when nothing is known.
     */
    public synchronized ProcessInfo resolve(int protocol, boolean v6, long lhi, long llo, int lport, long rhi, long rlo,
                                            int rport, int queueUid) {
        lookups.incrementAndGet();
        long socket = diag == null ? -1 : diag.lookup(protocol, v6, lhi, llo, lport, rhi, rlo, rport);
        if (socket < 0) {
            unresolved.incrementAndGet();
            return queueUid < 0 ? null : new ProcessInfo(-1, null, null, token(queueUid), 0);
        }
        int uid = queueUid >= 0 ? queueUid : (int) (socket >>> 32);
        long inode = socket & 0xFFFF_FFFFL;
        if (inode == 0) return new ProcessInfo(-1, null, null, token(uid), 0);
        ProcessInfo cached = byInode.get(inode);
        if (cached != null) return cached;
        Long pid = pidByInode.get(inode);
        if (pid == null) {
            scan();
            pid = pidByInode.get(inode);
        }
        ProcessInfo info;
        String path = pid == null ? null : executable(pid);
        if (path == null) {
            unresolved.incrementAndGet();
            info = new ProcessInfo(pid == null ? -1 : pid, null, null, token(uid), inode);
        } else {
            info = new ProcessInfo(pid, path, AppIds.encode(path), token(uid), inode);
        }
        byInode.put(inode, info);
        return info;
    }

    /** The token of a uid (cached; the first call reads /etc/passwd and /etc/group). */
    public synchronized FwpToken token(int uid) {
        FwpToken t = tokens.get(uid);
        if (t == null) {
            t = UnixUsers.token("uid:" + Integer.toUnsignedString(uid));
            tokens.put(uid, t);
        }
        return t;
    }

    /** Walks /proc/PID/fd and records which process holds each socket inode. */
    private void scan() {
        scans.incrementAndGet();
        pidByInode.clear();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> isNumber(p.getFileName().toString()))) {
            for (Path p : pids) {
                long pid = Long.parseLong(p.getFileName().toString());
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(p.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target;
                        try {
                            target = Files.readSymbolicLink(fd).toString();
                        } catch (IOException | UnsupportedOperationException e) {
                            continue; // closed meanwhile
                        }
                        if (target.startsWith("socket:[") && target.endsWith("]")) {
                            pidByInode.putIfAbsent(Long.parseLong(target.substring(8, target.length() - 1)), pid);
                        }
                    }
                } catch (IOException e) {
                    // the process exited, or is not ours to read
                }
            }
        } catch (IOException e) {
            // no /proc: processes stay unknown
        }
    }

    private String executable(long pid) {
        try {
            String exe = Files.readSymbolicLink(proc.resolve(Long.toString(pid)).resolve("exe")).toString();
            // A replaced binary reads "/usr/bin/x (deleted)": the app id is still the path it was started from.
            return exe.endsWith(" (deleted)") ? exe.substring(0, exe.length() - 10) : exe;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // kernel thread, or the process exited
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return true;
    }

    /** Counters for status: lookups, /proc walks, lookups without a process. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("socketLookup", diag == null ? "unavailable (sock_diag)" : "sock_diag");
        m.put("lookups", lookups.get());
        m.put("procScans", scans.get());
        m.put("unresolved", unresolved.get());
        return m;
    }

    @Override
    public synchronized void close() {
        if (diag != null) diag.close();
    }
}

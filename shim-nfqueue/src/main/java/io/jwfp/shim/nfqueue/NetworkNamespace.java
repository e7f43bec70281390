package io.jwfp.shim.nfqueue;

import io.jwfp.shim.nfqueue.natives.Constants;
import io.jwfp.shim.nfqueue.natives.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code inside a Linux network namespace without leaving the JVM.
 *
 * <p>{@code setns(CLONE_NEWNET)} moves only the calling kernel task, and a Java platform thread is exactly one
 * task, so a freshly started platform thread can enter a namespace, create sockets there and die, leaving every
 * other JVM thread where it was. A socket keeps the namespace it was created in for its whole life, whichever
 * thread later reads or writes it; that is why {@link NfQueue} only needs the namespace while it creates its
 * netlink socket, and why tests can open client and server sockets "inside" a namespace from the test JVM.
 *
 * <p>Never call {@link #enterOnCurrentThread} on a pooled or virtual thread: the pool would carry the namespace
 * into unrelated work.
 */
public final class NetworkNamespace {
    private NetworkNamespace() {}

    /** The bind-mount {@code ip netns add NAME} creates. */
    public static Path named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
        }
        return Path.of("/run/netns", name);
    }

    /**
     * Runs {@code task} on a new platform thread that first joins the namespace at {@code nsPath}
     * (an nsfs file such as {@code /run/netns/NAME} or {@code /proc/PID/ns/net}) and waits for its result.
     * Exceptions thrown by {@code task} are rethrown as they are.
     */
    public static <T> T call(Path nsPath, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(() -> {
            enterOnCurrentThread(nsPath);
            return task.call();
        });
        Thread t = Thread.ofPlatform().name("jwfp-netns-" + nsPath.getFileName()).daemon(true).start(future);
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } finally {
            t.join();
        }
    }

    /** Like {@link #call} for tasks without a result. */
    public static void run(Path nsPath, ThrowingRunnable task) throws Exception {
        call(nsPath, () -> {
            task.run();
            return null;
        });
    }

    /** A {@link Runnable} that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Moves the calling platform thread into the network namespace at {@code nsPath}. Only for threads that
     * are dedicated to that namespace from now on.
     *
     * @throws NfQueueException if the file cannot be opened or {@code setns} is refused (e.g. no CAP_SYS_ADMIN)
     */
    public static void enterOnCurrentThread(Path nsPath) throws NfQueueException {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("setns on a virtual thread would move its carrier thread; use a platform thread");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibC.allocateCaptureState(arena);
            MemorySegment path = arena.allocateFrom(nsPath.toString());
            int fd = LibC.open(state, path, Constants.O_RDONLY | Constants.O_CLOEXEC, 0);
            if (fd < 0) {
                throw new NfQueueException("cannot open network namespace " + nsPath + ": "
                        + LibC.describeErrno(LibC.errno(state)), LibC.errno(state));
            }
            try {
                if (LibC.setns(state, fd, Constants.CLONE_NEWNET) != 0) {
                    int err = LibC.errno(state);
                    throw new NfQueueException("cannot enter network namespace " + nsPath + ": "
                            + LibC.describeErrno(err)
                            + (err == Constants.EINVAL ? " (is it really a network namespace file?)" : ""), err);
                }
            } finally {
                LibC.close(state, fd);
            }
        }
    }
}

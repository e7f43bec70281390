package io.jwfp.bfe;

import io.jwfp.engine.model.FwpmDisplayData;
import java.util.UUID;

/**
 * FWPM_SESSION0: how a client opens the engine. {@code sessionKey}, {@code processId}, {@code username} and
 * {@code uid} are filled in by BFE (from the caller, or from a management socket's peer credentials).
 *
 * @param sessionKey           assigned by BFE
 * @param displayData          the client's name for itself
 * @param flags                {@link #FWPM_SESSION_FLAG_DYNAMIC} makes every object added through the session
 *                             dynamic: deleted when the session closes
 * @param txnWaitTimeoutInMSec how long a transaction waits for another session's write lock; 0 = 15 s
 * @param processId            the client's process id
 * @param uid                  the client's user id
 * @param username             the client's user name
 */
public record FwpmSession(UUID sessionKey, FwpmDisplayData displayData, int flags, long txnWaitTimeoutInMSec,
                          long processId, int uid, String username) {
    public static final int FWPM_SESSION_FLAG_DYNAMIC = 0x00000001;
    /** Default transaction wait: 15 s, as Windows. */
    public static final long DEFAULT_TXN_WAIT_MS = 15_000;

    public FwpmSession {
        if (displayData == null) displayData = FwpmDisplayData.of("");
    }

    /** A static session (objects outlive it) with a name. */
    public static FwpmSession named(String name) {
        return new FwpmSession(null, FwpmDisplayData.of(name), 0, 0, ProcessHandle.current().pid(), -1, null);
    }

    /** A dynamic session: its objects vanish when it closes. */
    public static FwpmSession dynamic(String name) {
        return new FwpmSession(null, FwpmDisplayData.of(name), FWPM_SESSION_FLAG_DYNAMIC, 0,
                ProcessHandle.current().pid(), -1, null);
    }

    public boolean isDynamic() {
        return (flags & FWPM_SESSION_FLAG_DYNAMIC) != 0;
    }

    FwpmSession withIdentity(UUID key, long pid, int uid, String username) {
        return new FwpmSession(key, displayData, flags, txnWaitTimeoutInMSec, pid, uid, username);
    }
}

package io.jwfp.shim.nfqueue.live;

import io.jwfp.engine.value.FwpToken;

/**
 * The process and user behind a local socket, as the ALE layers show them: FWPM_CONDITION_ALE_APP_ID (the encoded
 * executable path), FWPM_CONDITION_ALE_USER_ID (a token for the uid) and the PROCESS_ID / PROCESS_PATH metadata.
 * Immutable; cached per socket inode.
 *
 * @param pid    the process id, or -1 when the socket's process could not be found (then {@code path} is null)
 * @param path   the executable path ({@code /proc/PID/exe}), or null
 * @param appId  {@code AppIds.encode(path)}, or null
 * @param token  the user's token, or null when the uid is unknown
 * @param inode  the socket inode, or 0
 */
public record ProcessInfo(long pid, String path, byte[] appId, FwpToken token, long inode) {}

package io.jwfp.engine.value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The identity behind FWPM_CONDITION_ALE_USER_ID on Linux: a uid and its groups, seen as security identifiers the way
 * Samba maps Unix ids ({@code S-1-22-1-<uid>} for users, {@code S-1-22-2-<gid>} for groups), plus Everyone
 * ({@code S-1-1-0}) and, for uid 0, LocalSystem ({@code S-1-5-18}) and Administrators ({@code S-1-5-32-544}).
 * Immutable; shims cache one per uid so classify allocates nothing.
 */
public final class FwpToken {
    private final int uid;
    private final int[] gids;
    private final String userName;
    private final String[] sids;

    public FwpToken(int uid, int[] gids, String userName) {
        this.uid = uid;
        this.gids = gids.clone();
        this.userName = userName;
        List<String> s = new ArrayList<>();
        s.add(userSid(uid));
        for (int g : this.gids) s.add(groupSid(g));
        s.add("S-1-1-0");
        if (uid == 0) {
            s.add("S-1-5-18");
            s.add("S-1-5-32-544");
        }
        this.sids = s.toArray(String[]::new);
    }

    /** The SID jwfp uses for a Unix user id. */
    public static String userSid(int uid) {
        return "S-1-22-1-" + Integer.toUnsignedString(uid);
    }

    /** The SID jwfp uses for a Unix group id. */
    public static String groupSid(int gid) {
        return "S-1-22-2-" + Integer.toUnsignedString(gid);
    }

    public int uid() {
        return uid;
    }

    public int[] gids() {
        return gids.clone();
    }

    public String userName() {
        return userName;
    }

    /** True if the token carries a SID (user, group or well-known). */
    public boolean hasSid(String sid) {
        for (String s : sids) if (s.equals(sid)) return true;
        return false;
    }

    String[] sidsUnsafe() {
        return sids;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FwpToken t && t.uid == uid && Arrays.equals(t.gids, gids);
    }

    @Override
    public int hashCode() {
        return uid * 31 + Arrays.hashCode(gids);
    }

    @Override
    public String toString() {
        return (userName != null ? userName + " " : "") + "uid=" + Integer.toUnsignedString(uid);
    }
}

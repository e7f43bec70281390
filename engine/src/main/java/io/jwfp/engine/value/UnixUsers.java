package io.jwfp.engine.value;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** User and group names from /etc/passwd and /etc/group, resolved at management time only (never per packet). */
public final class UnixUsers {
    private UnixUsers() {}

    /** The SID for {@code uid:N}, {@code gid:N}, {@code user:NAME}, {@code group:NAME}, a bare user name or a SID. */
    public static String sid(String spec) {
        String s = spec.trim();
        if (s.toUpperCase(java.util.Locale.ROOT).startsWith("S-1-")) return s.toUpperCase(java.util.Locale.ROOT);
        if (s.startsWith("uid:")) return FwpToken.userSid(number(s.substring(4), "uid"));
        if (s.startsWith("gid:")) return FwpToken.groupSid(number(s.substring(4), "gid"));
        if (s.startsWith("group:")) return FwpToken.groupSid(groupId(s.substring(6)));
        if (s.startsWith("user:")) s = s.substring(5);
        if (s.chars().allMatch(Character::isDigit) && !s.isEmpty()) return FwpToken.userSid(number(s, "uid"));
        return FwpToken.userSid(userId(s));
    }

    /** A token for {@code uid:N}, a number or a user name, with the user's groups from /etc/group. */
    public static FwpToken token(String spec) {
        String s = spec.trim();
        if (s.startsWith("uid:")) s = s.substring(4);
        if (s.startsWith("user:")) s = s.substring(5);
        int uid = !s.isEmpty() && s.chars().allMatch(Character::isDigit) ? number(s, "uid") : userId(s);
        String name = userName(uid);
        List<Integer> gids = new ArrayList<>();
        String[] pw = passwdLine(uid);
        if (pw != null) gids.add(Integer.parseInt(pw[3]));
        if (name != null) {
            for (String[] g : lines("/etc/group")) {
                if (g.length > 3 && List.of(g[3].split(",")).contains(name)) gids.add(Integer.parseInt(g[2]));
            }
        }
        return new FwpToken(uid, gids.stream().distinct().mapToInt(Integer::intValue).toArray(), name);
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseUnsignedInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a " + what);
        }
    }

    private static int userId(String name) {
        for (String[] p : lines("/etc/passwd")) if (p.length > 2 && p[0].equals(name)) return Integer.parseInt(p[2]);
        throw new IllegalArgumentException("unknown user '" + name + "' (expected uid:N, gid:N, user:NAME, group:NAME or a SID)");
    }

    private static int groupId(String name) {
        for (String[] p : lines("/etc/group")) if (p.length > 2 && p[0].equals(name)) return Integer.parseInt(p[2]);
        throw new IllegalArgumentException("unknown group '" + name + "'");
    }

    /** The user name of a uid, or null. */
    public static String userName(int uid) {
        String[] p = passwdLine(uid);
        return p == null ? null : p[0];
    }

    private static String[] passwdLine(int uid) {
        for (String[] p : lines("/etc/passwd")) {
            if (p.length > 3 && p[2].equals(Integer.toUnsignedString(uid))) return p;
        }
        return null;
    }

    private static List<String[]> lines(String file) {
        try {
            List<String[]> out = new ArrayList<>();
            for (String l : Files.readAllLines(Path.of(file))) if (!l.startsWith("#")) out.add(l.split(":", -1));
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}

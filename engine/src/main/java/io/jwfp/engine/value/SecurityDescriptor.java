package io.jwfp.engine.value;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a Windows security descriptor a filter condition uses: the DACL, checked for FWP_ACTRL_MATCH_FILTER
 * (the CC right, 0x1). ACEs are evaluated in order; the first allow or deny ACE whose SID the token carries decides;
 * none means no access, so the condition is false. Accepts SDDL such as {@code O:LSD:(A;;CC;;;S-1-22-1-1000)} and the
 * aliases WD (Everyone), SY (LocalSystem) and BA (Administrators).
 */
public final class SecurityDescriptor {
    /** One ACE: allow or deny FWP_ACTRL_MATCH_FILTER to a SID. */
    public record Ace(boolean allow, String sid) {}

    private static final Pattern ACE = Pattern.compile("\\(([AD]);[^;]*;([^;]*);[^;]*;[^;]*;([^)]*)\\)");
    private final String sddl;
    private final List<Ace> aces;

    private SecurityDescriptor(String sddl, List<Ace> aces) {
        this.sddl = sddl;
        this.aces = List.copyOf(aces);
    }

    /** Parses the DACL of an SDDL string; throws IllegalArgumentException when there is none to use. */
    public static SecurityDescriptor parse(String sddl) {
        int d = sddl.indexOf("D:");
        if (d < 0) throw new IllegalArgumentException("security descriptor has no DACL (D:...): " + sddl);
        List<Ace> aces = new ArrayList<>();
        Matcher m = ACE.matcher(sddl.substring(d + 2));
        int consumed = 0;
        String dacl = sddl.substring(d + 2);
        while (m.find()) {
            String rights = m.group(2).toUpperCase(Locale.ROOT);
            boolean grantsMatch = rights.contains("CC") || rights.contains("GA") || rights.equals("0X1")
                    || rights.contains("GX");
            if (grantsMatch) aces.add(new Ace(m.group(1).equals("A"), alias(m.group(3).trim())));
            consumed = m.end();
        }
        if (aces.isEmpty() && consumed == 0 && !dacl.isBlank() && !dacl.startsWith("P")) {
            throw new IllegalArgumentException("cannot read the ACEs of security descriptor: " + sddl);
        }
        return new SecurityDescriptor(sddl, aces);
    }

    /** A descriptor allowing the given SIDs. */
    public static SecurityDescriptor allowing(List<String> sids) {
        StringBuilder sb = new StringBuilder("O:LSD:");
        for (String s : sids) sb.append("(A;;CC;;;").append(s).append(')');
        return parse(sb.toString());
    }

    private static String alias(String sid) {
        return switch (sid.toUpperCase(Locale.ROOT)) {
            case "WD" -> "S-1-1-0";
            case "SY" -> "S-1-5-18";
            case "BA" -> "S-1-5-32-544";
            default -> sid;
        };
    }

    public String sddl() {
        return sddl;
    }

    public List<Ace> aces() {
        return aces;
    }

    /** The access check: does the DACL grant FWP_ACTRL_MATCH_FILTER to this token? */
    public boolean grants(FwpToken token) {
        String[] sids = token.sidsUnsafe();
        for (int i = 0, n = aces.size(); i < n; i++) {
            Ace a = aces.get(i);
            for (String s : sids) {
                if (s.equals(a.sid())) return a.allow();
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityDescriptor s && s.aces.equals(aces);
    }

    @Override
    public int hashCode() {
        return aces.hashCode();
    }

    @Override
    public String toString() {
        return sddl;
    }
}

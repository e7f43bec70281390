package io.jwfp.engine.index;

import io.jwfp.engine.compile.ConditionSet;
import io.jwfp.engine.compile.Intervals;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the filters of one sublayer that can match a classification without walking them all, the way nftables sets
 * keep the cost flat as rules grow.
 *
 * <p>One field is chosen per sublayer: the one whose conditions split the filters best. Each filter whose conditions
 * on that field are interval-shaped (equalities, ranges, prefixes, comparisons over integers and addresses) is placed
 * in the elementary intervals of the field's key space it covers; every other filter goes to the {@code always} list.
 * A lookup binary-searches the incoming key and returns two rank-sorted lists, the interval's filters and the
 * {@code always} ones; the arbiter merges them in rank order, so arbitration order is unchanged. A filter found this
 * way is still matched in full. Sublayers with few filters are not indexed: everything is in {@code always}.
 */
public final class FilterIndex {
    /** Below this many filters a plain walk is as fast. */
    static final int MIN_FILTERS = 16;

    private static final int[] NONE = new int[0];

    private final int field;
    private final int keyType;
    private final long[] startHi;
    private final long[] startLo;
    private final int[][] lists;
    private final int[] always;

    private FilterIndex(int field, int keyType, long[] startHi, long[] startLo, int[][] lists, int[] always) {
        this.field = field;
        this.keyType = keyType;
        this.startHi = startHi;
        this.startLo = startLo;
        this.lists = lists;
        this.always = always;
    }

    /** The indexed FWPS field index, or -1 when the sublayer is walked linearly. */
    public int field() {
        return field;
    }

    /** Ranks of filters that must always be tried, ascending. */
    public int[] always() {
        return always;
    }

    /** Ranks of the indexed filters whose conditions on the field accept the incoming key, ascending. */
    public int[] lookup(FwpsIncomingValues in) {
        if (field < 0 || in.typeCode(field) != keyType) return NONE;
        long hi = in.keyHi(field), lo = in.keyLo(field);
        int a = 0, b = startHi.length - 1;
        // find the last interval start <= key; startHi/Lo[0] is always 0
        while (a < b) {
            int m = (a + b + 1) >>> 1;
            if (Keys.compare(startHi[m], startLo[m], hi, lo) <= 0) a = m;
            else b = m - 1;
        }
        return lists[a];
    }

    /** Builds the index for filters in rank order. */
    public static FilterIndex build(CompiledFilter[] filters) {
        int n = filters.length;
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        if (n < MIN_FILTERS) return new FilterIndex(-1, -1, new long[] {0}, new long[] {0}, new int[][] {NONE}, all);

        // Candidate fields: every field some filter tests with interval-shaped conditions.
        Map<Integer, long[][]> byField = new HashMap<>();
        Map<Integer, Integer> typeOf = new HashMap<>();
        for (int r = 0; r < n; r++) {
            ConditionSet cs = filters[r].conditions();
            for (int g = 0; g < cs.groupCount(); g++) {
                int f = cs.groupField(g);
                long[] iv = cs.keyIntervals(f);
                if (iv == null) continue;
                Integer t = typeOf.putIfAbsent(f, cs.keyType(f));
                if (t != null && t != cs.keyType(f)) continue;
                byField.computeIfAbsent(f, k -> new long[n][])[r] = iv;
            }
        }
        FilterIndex best = null;
        double bestCost = n; // a plain walk
        for (var e : byField.entrySet()) {
            FilterIndex idx = build(e.getKey(), typeOf.get(e.getKey()), e.getValue(), n);
            if (idx == null) continue;
            double cost = idx.expectedCandidates();
            if (cost < bestCost * 0.8) {
                best = idx;
                bestCost = cost;
            }
        }
        return best != null ? best : new FilterIndex(-1, -1, new long[] {0}, new long[] {0}, new int[][] {NONE}, all);
    }

    private static FilterIndex build(int field, int keyType, long[][] sets, int n) {
        // Elementary interval starts.
        TreeSet<long[]> starts = new TreeSet<>((x, y) -> Keys.compare(x[0], x[1], y[0], y[1]));
        starts.add(new long[] {0, 0});
        List<Integer> alwaysList = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            long[] s = sets[r];
            if (s == null) {
                alwaysList.add(r);
                continue;
            }
            for (int i = 0; i < s.length; i += 4) {
                starts.add(new long[] {s[i], s[i + 1]});
                if (!(s[i + 2] == -1L && s[i + 3] == -1L)) {
                    long nlo = s[i + 3] + 1, nhi = nlo == 0 ? s[i + 2] + 1 : s[i + 2];
                    starts.add(new long[] {nhi, nlo});
                }
            }
        }
        int m = starts.size();
        long[] sh = new long[m], sl = new long[m];
        int k = 0;
        for (long[] s : starts) {
            sh[k] = s[0];
            sl[k++] = s[1];
        }
        // A filter covering more than half the elementary intervals gains nothing from indexing.
        List<List<Integer>> cells = new ArrayList<>(m);
        for (int i = 0; i < m; i++) cells.add(null);
        for (int r = 0; r < n; r++) {
            long[] s = sets[r];
            if (s == null) continue;
            int covered = 0;
            int[] from = new int[s.length / 4], to = new int[s.length / 4];
            for (int i = 0, j = 0; i < s.length; i += 4, j++) {
                from[j] = find(sh, sl, s[i], s[i + 1]);
                to[j] = find(sh, sl, s[i + 2], s[i + 3]);
                covered += to[j] - from[j] + 1;
            }
            if (covered > Math.max(8, m / 2)) {
                alwaysList.add(r);
                continue;
            }
            for (int j = 0; j < from.length; j++) {
                for (int c = from[j]; c <= to[j]; c++) {
                    List<Integer> l = cells.get(c);
                    if (l == null) cells.set(c, l = new ArrayList<>(2));
                    l.add(r);
                }
            }
        }
        int[][] lists = new int[m][];
        for (int i = 0; i < m; i++) {
            List<Integer> l = cells.get(i);
            lists[i] = l == null ? NONE : l.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        }
        int[] always = alwaysList.stream().mapToInt(Integer::intValue).sorted().toArray();
        if (always.length == n) return null;
        return new FilterIndex(field, keyType, sh, sl, lists, always);
    }

    private static int find(long[] sh, long[] sl, long hi, long lo) {
        int a = 0, b = sh.length - 1;
        while (a < b) {
            int mid = (a + b + 1) >>> 1;
            if (Keys.compare(sh[mid], sl[mid], hi, lo) <= 0) a = mid;
            else b = mid - 1;
        }
        return a;
    }

    /** Average number of filters a lookup yields (interval lists averaged over intervals, plus the always list). */
    double expectedCandidates() {
        long total = 0;
        for (int[] l : lists) total += l.length;
        return always.length + (double) total / lists.length;
    }

    @Override
    public String toString() {
        return field < 0 ? "linear(" + always.length + ")"
                : "index(field " + field + ", " + lists.length + " intervals, " + always.length + " always, "
                + Arrays.stream(lists).mapToInt(l -> l.length).max().orElse(0) + " max per interval)";
    }

    static double size(long[] set) {
        return Intervals.size(set);
    }
}

package io.jwfp.engine.index;

import io.jwfp.engine.compile.ConditionSet;
import io.jwfp.engine.compile.Intervals;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the filters of one sublayer that can match a classification without walking them all, the way nftables sets
 * keep the cost flat as rules grow.
 *
 * <p>The index is a cascade of up to {@link #MAX_LEVELS} levels, each on one field, chosen greedily: the first level
 * takes the field whose conditions split the filters best, the next level the best field for the filters the first
 * could not place, and so on; filters no level can place are in the {@code always} list. A filter lives in exactly one
 * level or in {@code always}. Two kinds of level:
 * <ul>
 *   <li><b>interval</b>: for keyed fields (integers, addresses) whose conditions are interval-shaped (equalities,
 *   ranges, prefixes, comparisons, NOT_EQUAL). The field's key space is cut into elementary intervals; a filter is
 *   listed in every interval it accepts. A lookup binary-searches the incoming key.</li>
 *   <li><b>exact blob</b>: for byte-blob fields (the app id) whose conditions are all FWP_MATCH_EQUAL. A hash table
 *   from blob to filters; a lookup hashes the incoming blob (no copy, no allocation).</li>
 * </ul>
 * A lookup yields one rank-sorted list per level plus {@code always}; the arbiter merges them in rank order, so the
 * arbitration order is unchanged. A candidate is still matched in full: a level only proves that the filters it does
 * not return cannot match (every condition of the indexed field fails on the incoming value, including when that value
 * is FWP_EMPTY or of another type). Sublayers with fewer than {@link #MIN_FILTERS} filters are walked: everything is in
 * {@code always}.
 */
public final class FilterIndex {
    /** Below this many filters a plain walk is as fast. */
    static final int MIN_FILTERS = 16;
    /** The most fields one sublayer's index uses. */
    public static final int MAX_LEVELS = 4;
    /** A level must cut the walk of the filters it is built for by at least this much. */
    private static final double MIN_GAIN = 0.8;

    private static final int[] NONE = new int[0];
    private static final Level[] NO_LEVELS = new Level[0];

    private final Level[] levels;
    private final int[] always;

    private FilterIndex(Level[] levels, int[] always) {
        this.levels = levels;
        this.always = always;
    }

    /** The field of the first (most selective) level, or -1 when the sublayer is walked linearly. */
    public int field() {
        return levels.length == 0 ? -1 : levels[0].field;
    }

    /** The number of indexed fields (0 for a linear walk). */
    public int levelCount() {
        return levels.length;
    }

    /** The FWPS field index a level is keyed on. */
    public int levelField(int level) {
        return levels[level].field;
    }

    /** Ranks of filters that must always be tried, ascending. */
    public int[] always() {
        return always;
    }

    /** Ranks, ascending, of the filters of a level whose conditions on its field accept the incoming value. */
    public int[] lookup(int level, FwpsIncomingValues in) {
        return levels[level].lookup(in);
    }

    /** The first level's candidates ({@code lookup(0, in)}), or none when the sublayer is not indexed. */
    public int[] lookup(FwpsIncomingValues in) {
        return levels.length == 0 ? NONE : levels[0].lookup(in);
    }

    /** Builds the index for filters in rank order. */
    public static FilterIndex build(CompiledFilter[] filters) {
        int n = filters.length;
        if (n < MIN_FILTERS) return linear(n);

        boolean[] placed = new boolean[n];
        int remaining = n;
        List<Level> levels = new ArrayList<>();
        while (levels.size() < MAX_LEVELS && remaining >= MIN_FILTERS) {
            Level best = null;
            double bestCost = remaining * MIN_GAIN;
            for (Level candidate : candidates(filters, placed)) {
                double cost = candidate.expectedCandidates() + (remaining - candidate.indexed);
                if (cost < bestCost) {
                    best = candidate;
                    bestCost = cost;
                }
            }
            if (best == null) break;
            for (int r : best.members) placed[r] = true;
            remaining -= best.indexed;
            levels.add(best);
        }
        if (levels.isEmpty()) return linear(n);
        int[] always = new int[remaining];
        for (int r = 0, k = 0; r < n; r++) if (!placed[r]) always[k++] = r;
        return new FilterIndex(levels.toArray(NO_LEVELS), always);
    }

    private static FilterIndex linear(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        return new FilterIndex(NO_LEVELS, all);
    }

    /** One candidate level per field that some not-yet-placed filter tests in an indexable way. */
    private static List<Level> candidates(CompiledFilter[] filters, boolean[] placed) {
        int n = filters.length;
        Map<Integer, long[][]> intervals = new LinkedHashMap<>();
        Map<Integer, Integer> keyTypes = new HashMap<>();
        Map<Integer, byte[][][]> blobs = new LinkedHashMap<>();
        for (int r = 0; r < n; r++) {
            if (placed[r]) continue;
            ConditionSet cs = filters[r].conditions();
            for (int g = 0; g < cs.groupCount(); g++) {
                int f = cs.groupField(g);
                long[] iv = cs.keyIntervals(f);
                if (iv != null) {
                    Integer t = keyTypes.putIfAbsent(f, cs.keyType(f));
                    if (t != null && t != cs.keyType(f)) continue;
                    intervals.computeIfAbsent(f, k -> new long[n][])[r] = iv;
                    continue;
                }
                byte[][] eq = cs.equalBlobs(f);
                if (eq != null) blobs.computeIfAbsent(f, k -> new byte[n][][])[r] = eq;
            }
        }
        List<Level> out = new ArrayList<>();
        for (var e : intervals.entrySet()) {
            Level l = IntervalLevel.build(e.getKey(), keyTypes.get(e.getKey()), e.getValue());
            if (l != null) out.add(l);
        }
        for (var e : blobs.entrySet()) {
            Level l = BlobLevel.build(e.getKey(), e.getValue());
            if (l != null) out.add(l);
        }
        return out;
    }

    private static int[] sortedDistinct(List<Integer> l) {
        return l == null ? NONE : l.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    }

    /** One indexed field. */
    private abstract static sealed class Level permits IntervalLevel, BlobLevel {
        final int field;
        /** The ranks this level holds (each appears in at least one of its lists). */
        final int[] members;
        final int indexed;

        Level(int field, int[] members) {
            this.field = field;
            this.members = members;
            this.indexed = members.length;
        }

        abstract int[] lookup(FwpsIncomingValues in);

        /**
         * The number of filters a lookup is expected to yield for traffic that hits the level's filters: the list
         * lengths averaged with each list weighted by its length ({@code Σ len² / Σ len}). A plain average over
         * intervals or values would hide a crowded value (many rules on port 443) among many sparse ones.
         */
        abstract double expectedCandidates();

        static double weightedMean(int[][] lists) {
            double sum = 0, squares = 0;
            for (int[] l : lists) {
                if (l == null) continue;
                sum += l.length;
                squares += (double) l.length * l.length;
            }
            return sum == 0 ? 0 : squares / sum;
        }
    }

    /**
     * Elementary intervals of a keyed field's 128-bit key space. Large levels also get a directory on the top bits of
     * the key, so a lookup binary-searches a handful of neighbouring starts instead of all of them.
     */
    private static final class IntervalLevel extends Level {
        /** Directory size: 2^DIR_BITS buckets, for levels with more than DIR_MIN intervals. */
        static final int DIR_BITS = 12, DIR_MIN = 64;

        private final int keyType;
        private final long[] startHi;
        private final long[] startLo;
        private final int[][] lists;
        /** True when every start fits in 64 bits (all but IPv6 keys): the search compares the low halves only. */
        private final boolean narrow;
        /** dir[b]..dir[b+1] bound the answer for keys of bucket b; null for small levels. */
        private final int[] dir;
        private final boolean dirOnHi;
        private final int dirShift;

        private IntervalLevel(int field, int[] members, int keyType, long[] startHi, long[] startLo, int[][] lists) {
            super(field, members);
            this.keyType = keyType;
            this.startHi = startHi;
            this.startLo = startLo;
            this.lists = lists;
            int width = keyWidth(keyType);
            boolean n = width <= 64;
            for (long h : startHi) n &= h == 0;
            this.narrow = n;
            int m = startLo.length;
            if (m > DIR_MIN && width >= DIR_BITS) {
                dirOnHi = width > 64;
                dirShift = (dirOnHi ? 128 : width) - DIR_BITS;
                dir = new int[(1 << DIR_BITS) + 1];
                for (int b = 0; b < 1 << DIR_BITS; b++) {
                    long bh = dirOnHi ? (long) b << dirShift : 0, bl = dirOnHi ? 0 : (long) b << dirShift;
                    dir[b] = find(startHi, startLo, bh, bl, 0, m - 1);
                }
                dir[1 << DIR_BITS] = m - 1;
            } else {
                dir = null;
                dirOnHi = false;
                dirShift = 0;
            }
        }

        /** The number of significant key bits of a type (its sortable key never exceeds them). */
        static int keyWidth(int typeCode) {
            DataType t = DataType.ofCode(typeCode);
            if (t == null) return 128;
            return switch (t) {
                case FWP_UINT8 -> 8;
                case FWP_UINT16 -> 16;
                case FWP_UINT32 -> 32;
                case FWP_BYTE_ARRAY6_TYPE -> 48;
                case FWP_BYTE_ARRAY16_TYPE -> 128;
                default -> 64;
            };
        }

        @Override
        int[] lookup(FwpsIncomingValues in) {
            if (in.typeCode(field) != keyType) return NONE;
            long hi = in.keyHi(field), lo = in.keyLo(field);
            int a = 0, b = startLo.length - 1;
            if (dir != null) {
                int bucket = (int) Math.min((dirOnHi ? hi : lo) >>> dirShift, (1 << DIR_BITS) - 1);
                if (dirOnHi || hi == 0) {
                    a = dir[bucket];
                    b = dir[bucket + 1];
                }
            }
            if (narrow && hi == 0) {
                long[] sl = startLo;
                while (a < b) {
                    int mid = (a + b + 1) >>> 1;
                    if (Long.compareUnsigned(sl[mid], lo) <= 0) a = mid;
                    else b = mid - 1;
                }
                return lists[a];
            }
            return lists[find(startHi, startLo, hi, lo, a, b)];
        }

        @Override
        double expectedCandidates() {
            return weightedMean(lists);
        }

        /**
         * Builds the level from the key sets of the filters that have one (null elsewhere). A filter spanning more than
         * {@code max(16, m/8)} of the m elementary intervals is left out (it gains little and would be copied into
         * many lists), and so are the widest filters once the lists would hold more than {@code 16n + 1024} entries.
         */
        static IntervalLevel build(int field, int keyType, long[][] sets) {
            int n = sets.length;
            TreeSet<long[]> starts = new TreeSet<>((x, y) -> Keys.compare(x[0], x[1], y[0], y[1]));
            starts.add(new long[] {0, 0});
            for (long[] s : sets) {
                if (s == null) continue;
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
            // Cells each filter covers, then admission narrowest first.
            int[][] from = new int[n][], to = new int[n][];
            int[] covered = new int[n];
            List<Integer> order = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                long[] s = sets[r];
                if (s == null) continue;
                from[r] = new int[s.length / 4];
                to[r] = new int[s.length / 4];
                for (int i = 0, j = 0; i < s.length; i += 4, j++) {
                    from[r][j] = find(sh, sl, s[i], s[i + 1]);
                    to[r][j] = find(sh, sl, s[i + 2], s[i + 3]);
                    covered[r] += to[r][j] - from[r][j] + 1;
                }
                order.add(r);
            }
            order.sort((a, b) -> Integer.compare(covered[a], covered[b]));
            int perFilter = Math.max(16, m / 8);
            long budget = 16L * n + 1024, used = 0;
            List<List<Integer>> cells = new ArrayList<>(m);
            for (int i = 0; i < m; i++) cells.add(null);
            List<Integer> members = new ArrayList<>();
            for (int r : order) {
                if (covered[r] > perFilter || used + covered[r] > budget) break;
                used += covered[r];
                members.add(r);
                for (int j = 0; j < from[r].length; j++) {
                    for (int c = from[r][j]; c <= to[r][j]; c++) {
                        List<Integer> l = cells.get(c);
                        if (l == null) cells.set(c, l = new ArrayList<>(2));
                        l.add(r);
                    }
                }
            }
            if (members.isEmpty()) return null;
            int[][] lists = new int[m][];
            for (int i = 0; i < m; i++) lists[i] = sortedDistinct(cells.get(i));
            return new IntervalLevel(field, sortedDistinct(members), keyType, sh, sl, lists);
        }

        @Override
        public String toString() {
            return "field " + field + ": " + lists.length + " intervals" + (dir != null ? " (directory)" : "") + ", "
                    + indexed + " filters, " + Arrays.stream(lists).mapToInt(l -> l.length).max().orElse(0)
                    + " max per interval";
        }
    }

    /** Exact byte-blob values (FWP_MATCH_EQUAL on an app id) in an open-addressing hash table. */
    private static final class BlobLevel extends Level {
        private final byte[][] keys;
        private final int[][] lists;
        private final int mask;
        private final int distinct;

        private BlobLevel(int field, int[] members, byte[][] keys, int[][] lists, int distinct) {
            super(field, members);
            this.keys = keys;
            this.lists = lists;
            this.mask = keys.length - 1;
            this.distinct = distinct;
        }

        private static int hash(byte[] b) {
            int h = Arrays.hashCode(b);
            return h ^ (h >>> 16);
        }

        @Override
        int[] lookup(FwpsIncomingValues in) {
            if (in.typeCode(field) != DataType.FWP_BYTE_BLOB_TYPE.code()) return NONE;
            byte[] v = (byte[]) in.ref(field);
            for (int i = hash(v) & mask; ; i = (i + 1) & mask) {
                byte[] k = keys[i];
                if (k == null) return NONE;
                if (Arrays.equals(k, v)) return lists[i];
            }
        }

        @Override
        double expectedCandidates() {
            return weightedMean(lists);
        }

        static BlobLevel build(int field, byte[][][] equalValues) {
            Map<ByteKey, List<Integer>> byValue = new LinkedHashMap<>();
            List<Integer> members = new ArrayList<>();
            for (int r = 0; r < equalValues.length; r++) {
                if (equalValues[r] == null) continue;
                members.add(r);
                for (byte[] v : equalValues[r]) byValue.computeIfAbsent(new ByteKey(v), k -> new ArrayList<>()).add(r);
            }
            if (members.isEmpty()) return null;
            int size = Integer.highestOneBit(Math.max(4, byValue.size() * 2 - 1)) << 1;
            byte[][] keys = new byte[size][];
            int[][] lists = new int[size][];
            for (var e : byValue.entrySet()) {
                byte[] k = e.getKey().bytes;
                int i = hash(k) & (size - 1);
                while (keys[i] != null) i = (i + 1) & (size - 1);
                keys[i] = k;
                lists[i] = sortedDistinct(e.getValue());
            }
            return new BlobLevel(field, sortedDistinct(members), keys, lists, byValue.size());
        }

        @Override
        public String toString() {
            return "field " + field + ": " + distinct + " exact values, " + indexed + " filters";
        }
    }

    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static int find(long[] sh, long[] sl, long hi, long lo) {
        return find(sh, sl, hi, lo, 0, sh.length - 1);
    }

    /** The last interval start <= key within [a, b], which must hold it; sh/sl[0] is always 0. */
    private static int find(long[] sh, long[] sl, long hi, long lo, int a, int b) {
        while (a < b) {
            int mid = (a + b + 1) >>> 1;
            if (Keys.compare(sh[mid], sl[mid], hi, lo) <= 0) a = mid;
            else b = mid - 1;
        }
        return a;
    }

    /** The number of filters a lookup is expected to yield: each level's expectation plus the always list. */
    double expectedCandidates() {
        double e = always.length;
        for (Level l : levels) e += l.expectedCandidates();
        return e;
    }

    @Override
    public String toString() {
        if (levels.length == 0) return "linear(" + always.length + ")";
        StringBuilder sb = new StringBuilder("index(");
        for (Level l : levels) sb.append(l).append("; ");
        return sb.append(always.length).append(" always)").toString();
    }

    static double size(long[] set) {
        return Intervals.size(set);
    }
}

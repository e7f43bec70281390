package io.jwfp.engine.compile;

import io.jwfp.engine.value.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sets of 128-bit unsigned keys as sorted disjoint inclusive intervals, packed 4 longs each
 * ({@code fromHi, fromLo, toHi, toLo}). Used to index filters and to measure how narrow a condition is.
 */
public final class Intervals {
    private Intervals() {}

    static final long[] ALL = {0, 0, -1L, -1L};

    static long[] above(long hi, long lo, boolean inclusive) {
        if (!inclusive) {
            if (hi == -1L && lo == -1L) return new long[0];
            long nlo = lo + 1, nhi = nlo == 0 ? hi + 1 : hi;
            return new long[] {nhi, nlo, -1L, -1L};
        }
        return new long[] {hi, lo, -1L, -1L};
    }

    static long[] below(long hi, long lo, boolean inclusive) {
        if (!inclusive) {
            if (hi == 0 && lo == 0) return new long[0];
            long nlo = lo - 1, nhi = lo == 0 ? hi - 1 : hi;
            return new long[] {0, 0, nhi, nlo};
        }
        return new long[] {0, 0, hi, lo};
    }

    /** The complement of a sorted interval set within [0, 2^128). */
    static long[] complement(long[] set) {
        List<long[]> out = new ArrayList<>();
        long curHi = 0, curLo = 0;
        boolean open = true;
        for (int i = 0; i < set.length; i += 4) {
            if (open && io.jwfp.engine.value.Keys.compare(curHi, curLo, set[i], set[i + 1]) < 0) {
                long eLo = set[i + 1] - 1, eHi = set[i + 1] == 0 ? set[i] - 1 : set[i];
                out.add(new long[] {curHi, curLo, eHi, eLo});
            }
            if (set[i + 2] == -1L && set[i + 3] == -1L) {
                open = false;
                break;
            }
            curLo = set[i + 3] + 1;
            curHi = curLo == 0 ? set[i + 2] + 1 : set[i + 2];
        }
        if (open) out.add(new long[] {curHi, curLo, -1L, -1L});
        return flatten(out);
    }

    /** The union of interval sets, normalized (sorted, merged). */
    public static long[] union(List<long[]> sets) {
        List<long[]> all = new ArrayList<>();
        for (long[] s : sets) for (int i = 0; i < s.length; i += 4) all.add(Arrays.copyOfRange(s, i, i + 4));
        all.sort(Comparator.<long[]>comparingLong(a -> a[0] ^ Long.MIN_VALUE).thenComparingLong(a -> a[1] ^ Long.MIN_VALUE));
        List<long[]> merged = new ArrayList<>();
        for (long[] iv : all) {
            if (!merged.isEmpty()) {
                long[] last = merged.get(merged.size() - 1);
                // adjacent or overlapping: last.to + 1 >= iv.from
                long nLo = last[3] + 1, nHi = nLo == 0 ? last[2] + 1 : last[2];
                boolean lastIsMax = last[2] == -1L && last[3] == -1L;
                if (lastIsMax || io.jwfp.engine.value.Keys.compare(nHi, nLo, iv[0], iv[1]) >= 0) {
                    if (io.jwfp.engine.value.Keys.compare(iv[2], iv[3], last[2], last[3]) > 0) {
                        last[2] = iv[2];
                        last[3] = iv[3];
                    }
                    continue;
                }
            }
            merged.add(iv.clone());
        }
        return flatten(merged);
    }

    private static long[] flatten(List<long[]> l) {
        long[] out = new long[l.size() * 4];
        for (int i = 0; i < l.size(); i++) System.arraycopy(l.get(i), 0, out, i * 4, 4);
        return out;
    }

    /** True if (maskHi, maskLo) is a contiguous run of ones from the top of the type's width. */
    static boolean isPrefixMask(long maskHi, long maskLo, int typeCode) {
        if (typeCode == DataType.FWP_UINT32.code()) {
            int m = (int) maskLo;
            int inv = ~m;
            return (inv & (inv + 1)) == 0;
        }
        long invHi = ~maskHi, invLo = ~maskLo;
        if (maskLo != 0) return maskHi == -1L && ((invLo & (invLo + 1)) == 0);
        return (invHi & (invHi + 1)) == 0;
    }

    /**
     * The number of keys in a set as a double (approximate for huge sets): the size an automatic weight and the
     * index use to rank conditions.
     */
    public static double size(long[] set) {
        double n = 0;
        for (int i = 0; i < set.length; i += 4) {
            double hi = unsigned(set[i + 2]) - unsigned(set[i]);
            double lo = unsigned(set[i + 3]) - unsigned(set[i + 1]);
            n += hi * 18446744073709551616.0 + lo + 1;
        }
        return n;
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : v + 18446744073709551616.0;
    }
}

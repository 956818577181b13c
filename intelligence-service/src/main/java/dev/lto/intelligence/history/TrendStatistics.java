package dev.lto.intelligence.history;

import java.util.Arrays;

/**
 * The trend test behind {@code /api/v1/tradeoffs/trends}: a Mann–Kendall test for a monotonic
 * trend in a series of bucket means, and the Theil–Sen slope for its size. Both are rank-based,
 * so one odd bucket (a handful of unusual jobs) neither creates nor hides a trend, and neither
 * assumes the bucket means are normally distributed.
 *
 * <p>p-values are two-sided. Without ties and for n ≤ {@value #EXACT_MAX_N} the exact null
 * distribution of S is used (all n! orderings equally likely: the Mahonian numbers); otherwise
 * the normal approximation with the tie-corrected variance and a continuity correction.
 */
final class TrendStatistics {

    static final int EXACT_MAX_N = 60;

    /**
     * @param n        points tested
     * @param s        Kendall's S: concordant minus discordant pairs
     * @param pValue   two-sided p-value of S under "no trend"
     * @param slope    Theil–Sen slope (median pairwise slope), per unit of x
     */
    record Result(int n, long s, double pValue, double slope) {
    }

    private TrendStatistics() {
    }

    /** @param x strictly increasing positions (bucket indexes); {@code y} the values, same length, n ≥ 2 */
    static Result test(double[] x, double[] y) {
        int n = x.length;
        if (n != y.length || n < 2) {
            throw new IllegalArgumentException("need two or more points of equal-length x and y");
        }
        long s = 0;
        double[] slopes = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s += Long.signum(Double.compare(y[j], y[i]));
                slopes[k++] = (y[j] - y[i]) / (x[j] - x[i]);
            }
        }
        return new Result(n, s, pValue(s, y), median(slopes));
    }

    static double pValue(long s, double[] y) {
        int n = y.length;
        double tieTerm = tieTerm(y);
        if (tieTerm == 0 && n <= EXACT_MAX_N) {
            return exactTwoSided(n, s);
        }
        double variance = (n * (n - 1.0) * (2.0 * n + 5.0) - tieTerm) / 18.0;
        if (variance <= 0) {
            return 1.0; // every value equal: no evidence of anything
        }
        double z = s == 0 ? 0 : (s - Math.signum(s)) / Math.sqrt(variance);
        return Math.min(1.0, 2 * upperNormalTail(Math.abs(z)));
    }

    /** Σ t(t−1)(2t+5) over groups of tied values (0 without ties). */
    private static double tieTerm(double[] y) {
        double[] sorted = y.clone();
        Arrays.sort(sorted);
        double term = 0;
        for (int i = 0; i < sorted.length; ) {
            int j = i;
            while (j < sorted.length && sorted[j] == sorted[i]) {
                j++;
            }
            long t = j - i;
            term += t * (t - 1.0) * (2.0 * t + 5.0);
            i = j;
        }
        return term;
    }

    /**
     * P(|S| ≥ |s|) when the n values are a uniformly random ordering. S = n(n−1)/2 − 2·I, with I the
     * number of inversions, whose distribution is built one element at a time: inserting the m-th
     * element adds 0..m−1 inversions with equal probability.
     */
    static double exactTwoSided(int n, long s) {
        int maxInv = n * (n - 1) / 2;
        double[] p = {1.0};
        for (int m = 2; m <= n; m++) {
            double[] next = new double[p.length + m - 1];
            double window = 0;
            for (int inv = 0; inv < next.length; inv++) {
                if (inv < p.length) {
                    window += p[inv];
                }
                if (inv - m >= 0 && inv - m < p.length) {
                    window -= p[inv - m];
                }
                next[inv] = window / m;
            }
            p = next;
        }
        long abs = Math.abs(s);
        double tail = 0;
        for (int inv = 0; inv <= maxInv; inv++) {
            long sOfInv = maxInv - 2L * inv;
            if (Math.abs(sOfInv) >= abs) {
                tail += p[inv];
            }
        }
        return Math.min(1.0, tail);
    }

    /** P(Z ≥ z) for a standard normal Z, via erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
    static double upperNormalTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}

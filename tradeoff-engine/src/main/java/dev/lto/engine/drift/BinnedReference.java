package dev.lto.engine.drift;

import dev.lto.engine.EngineApi;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * One feature's drift reference, fixed when the model is trained: the bin edges (reference quantiles)
 * and the share of the reference rows in each bin. Bin k holds the values x with
 * {@code edges[k-1] < x ≤ edges[k]} (the first bin is open below, the last open above), so a
 * discrete feature whose values are edges keeps each value in one bin.
 *
 * @param feature     what is binned, e.g. {@code na} or {@code yield_risk}
 * @param edges       strictly increasing; {@code edges.length + 1} bins
 * @param proportions the reference share per bin (sums to 1)
 * @param size        m, the number of reference rows: its sampling noise enters the threshold
 */
@EngineApi
public record BinnedReference(@JsonProperty("feature") String feature,
                              @JsonProperty("edges") double[] edges,
                              @JsonProperty("proportions") double[] proportions,
                              @JsonProperty("size") int size) {

    public BinnedReference {
        if (proportions.length != edges.length + 1) {
            throw new IllegalArgumentException(feature + ": " + edges.length + " edges need " + (edges.length + 1) + " proportions");
        }
        for (int k = 1; k < edges.length; k++) {
            if (!(edges[k] > edges[k - 1])) {
                throw new IllegalArgumentException(feature + ": bin edges must increase strictly");
            }
        }
        if (size < 1) {
            throw new IllegalArgumentException(feature + ": a reference needs rows");
        }
    }

    /**
     * Bins by the reference's own quantiles: the k/bins quantiles for k = 1…bins−1 (the ⌈k·m/bins⌉-th
     * smallest value), duplicates merged, the maximum dropped (it would leave the last bin empty).
     * A feature with at most {@code bins} distinct values gets one bin per value instead, so a
     * categorical input (job class, wavelength line) is never split or merged arbitrarily. A
     * constant feature gets two bins (the value, above it), the second with reference share 0.
     */
    public static BinnedReference fit(String feature, double[] values, int bins) {
        if (values.length == 0) {
            throw new IllegalArgumentException(feature + ": no reference values");
        }
        if (bins < 2) {
            throw new IllegalArgumentException("at least 2 bins");
        }
        double[] v = values.clone();
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException(feature + ": reference value " + x + " is not finite");
            }
        }
        Arrays.sort(v);
        int m = v.length;
        double[] distinct = Arrays.stream(v).distinct().toArray();
        double[] edges;
        if (distinct.length == 1) {
            edges = distinct;
        } else if (distinct.length <= bins) {
            edges = Arrays.copyOf(distinct, distinct.length - 1);
        } else {
            double[] q = new double[bins - 1];
            for (int k = 1; k < bins; k++) {
                q[k - 1] = v[(int) Math.ceil((double) k * m / bins) - 1];
            }
            edges = Arrays.stream(q).distinct().filter(e -> e < v[m - 1]).toArray();
        }
        double[] counts = new double[edges.length + 1];
        for (double x : v) {
            counts[bin(edges, x)]++;
        }
        for (int k = 0; k < counts.length; k++) {
            counts[k] /= m;
        }
        return new BinnedReference(feature, edges, counts, m);
    }

    public int bins() {
        return edges.length + 1;
    }

    public int bin(double x) {
        return bin(edges, x);
    }

    /** Shares of {@code window} per bin; non-finite values are counted in no bin and not in n. */
    public double[] shares(double[] window) {
        double[] c = new double[bins()];
        int n = 0;
        for (double x : window) {
            if (Double.isFinite(x)) {
                c[bin(x)]++;
                n++;
            }
        }
        for (int k = 0; k < c.length; k++) {
            c[k] = n == 0 ? 0 : c[k] / n;
        }
        return c;
    }

    /** Index of the first edge ≥ x, i.e. the bin (edges[k-1], edges[k]] that holds x. */
    private static int bin(double[] edges, double x) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinnedReference r && feature.equals(r.feature) && Arrays.equals(edges, r.edges)
                && Arrays.equals(proportions, r.proportions) && size == r.size;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * feature.hashCode() + Arrays.hashCode(edges)) + Arrays.hashCode(proportions)) + size;
    }

    @Override
    public String toString() {
        return "BinnedReference[" + feature + ", edges=" + Arrays.toString(edges) + ", proportions=" + Arrays.toString(proportions)
                + ", size=" + size + "]";
    }
}

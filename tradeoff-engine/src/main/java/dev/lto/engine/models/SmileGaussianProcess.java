package dev.lto.engine.models;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import smile.math.kernel.GaussianKernel;
import smile.math.kernel.MercerKernel;
import smile.regression.GaussianProcessRegression;

/**
 * Exact Gaussian-process regression (Smile, GPL-3.0; only this class names Smile) with an RBF
 * kernel over the standardised features, one GP per signal on the same representative subset.
 *
 * <p>Why one variance for all signals: with the same kernel, noise and inputs the posterior
 * variance k(x,x) − k*ᵀ(K + σ²I)⁻¹k* does not depend on the targets, and with normalised
 * targets Smile returns it scaled by each signal's standard deviation. So the O(m²) variance is
 * computed once (signal 0) and rescaled; the five other signals only pay the O(m) mean.
 */
public final class SmileGaussianProcess implements EpistemicModel {

    private static final Logger log = LoggerFactory.getLogger(SmileGaussianProcess.class);

    /** Largest difference to Smile's own answer (mean and sd, in target units) the serving path may have. */
    static final double SERVING_TOLERANCE = 1e-6;

    private final GaussianProcessRegression<double[]>[] gps;
    /** The fast path, or null when it did not reproduce Smile on the probe rows (then Smile serves). */
    private final Serving serving;

    private SmileGaussianProcess(GaussianProcessRegression<double[]>[] gps) {
        this(gps, SERVING_TOLERANCE);
    }

    /** @param tolerance what the serving path may differ from Smile on the probe rows */
    private SmileGaussianProcess(GaussianProcessRegression<double[]>[] gps, double tolerance) {
        this.gps = gps;
        Serving candidate = null;
        try {
            candidate = Serving.of(gps);
            double diff = candidate.differenceFromSmile(gps);
            if (!(diff <= tolerance)) {
                log.warn("GP serving path differs from Smile by {} (> {}) on probe rows; serving with Smile", diff, tolerance);
                candidate = null;
            }
        }
        catch (RuntimeException ex) { // e.g. our Cholesky meets a matrix Smile's LAPACK factorised: Smile still serves
            log.warn("GP serving path unavailable ({}); serving with Smile", ex.getMessage());
            candidate = null;
        }
        this.serving = candidate;
    }

    /** The same trained GPs with another serving tolerance (tests: a negative one forces the fallback to Smile). */
    SmileGaussianProcess withTolerance(double tolerance) {
        return new SmileGaussianProcess(gps, tolerance);
    }

    /** Whether predictions come from the fast path (tests). */
    boolean fastPath() {
        return serving != null;
    }

    @SuppressWarnings("unchecked")
    public static SmileGaussianProcess fit(double[][] x, double[][] y, ModelSettings.Gp cfg) {
        int[] idx = subset(x.length, cfg.subset(), cfg.seed());
        double[][] xs = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            xs[i] = x[idx[i]];
        }
        double scale = cfg.lengthScale() > 0 ? cfg.lengthScale() : medianDistance(xs, cfg.seed());
        GaussianKernel kernel = new GaussianKernel(scale);
        var options = new GaussianProcessRegression.Options(cfg.noise(), true);
        int k = y[0].length;
        GaussianProcessRegression<double[]>[] gps = new GaussianProcessRegression[k];
        for (int s = 0; s < k; s++) {
            double[] ys = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                ys[i] = y[idx[i]][s];
            }
            gps[s] = GaussianProcessRegression.fit(xs, ys, kernel, options);
        }
        return new SmileGaussianProcess(gps);
    }

    /** A seeded random subset of {@code m} of {@code n} indices (all when n ≤ m), sorted. */
    static int[] subset(int n, int m, long seed) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (n <= m) {
            return all;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = Arrays.copyOf(all, m);
        Arrays.sort(out);
        return out;
    }

    /** Median pairwise Euclidean distance of (up to 400 sampled) points: the usual RBF length-scale heuristic. */
    static double medianDistance(double[][] x, long seed) {
        int[] idx = subset(x.length, 400, seed);
        double[] d = new double[idx.length * (idx.length - 1) / 2];
        int c = 0;
        for (int a = 0; a < idx.length; a++) {
            for (int b = a + 1; b < idx.length; b++) {
                double s = 0;
                for (int j = 0; j < x[0].length; j++) {
                    double t = x[idx[a]][j] - x[idx[b]][j];
                    s += t * t;
                }
                d[c++] = Math.sqrt(s);
            }
        }
        if (c == 0) {
            return 1;
        }
        Arrays.sort(d, 0, c);
        return Math.max(1e-3, d[c / 2]);
    }

    @Override
    public void predict(double[][] x, double[][] mean, double[][] sd) {
        if (serving != null) {
            serving.predict(x, mean, sd);
        }
        else {
            predictWithSmile(x, mean, sd);
        }
    }

    /** Smile's own prediction: the reference the serving path is checked against. */
    void predictWithSmile(double[][] x, double[][] mean, double[][] sd) {
        predictWithSmile(gps, x, mean, sd);
    }

    private static void predictWithSmile(GaussianProcessRegression<double[]>[] gps, double[][] x, double[][] mean, double[][] sd) {
        double[] musd = new double[2];
        for (int i = 0; i < x.length; i++) {
            gps[0].predict(x[i], musd);
            mean[i][0] = musd[0];
            double normalisedSd = gps[0].sd > 0 ? musd[1] / gps[0].sd : musd[1];
            sd[i][0] = musd[1];
            for (int s = 1; s < gps.length; s++) {
                mean[i][s] = gps[s].predict(x[i]);
                sd[i][s] = normalisedSd * gps[s].sd;
            }
        }
    }

    /**
     * The same posterior as Smile's {@code predict}, computed with less work per row: Smile
     * evaluates the kernel vector k* once per signal (six times) and gets the variance
     * k(x,x) − k*ᵀ(K + σ²I)⁻¹k* from a full Cholesky solve (forward and back substitution, 2·m²
     * operations). Here k* is evaluated once, each signal's mean is k*·w (Smile's weights), and the
     * variance is k(x,x) − ‖L⁻¹k*‖² with L⁻¹ (L the Cholesky factor of K + σ²I) computed once when
     * the model is built or loaded: m²/2 operations in independent dot products.
     */
    private record Serving(double[][] points, MercerKernel<double[]> kernel, double[][] weights,
                           double[] targetMean, double[] targetSd, double[] lowerInverse) {

        static Serving of(GaussianProcessRegression<double[]>[] gps) {
            double[][] points = gps[0].regressors;
            int m = points.length;
            double[][] w = new double[gps.length][];
            double[] mu = new double[gps.length];
            double[] sd = new double[gps.length];
            for (int s = 0; s < gps.length; s++) {
                w[s] = gps[s].w;
                mu[s] = gps[s].mean;
                sd[s] = gps[s].sd;
            }
            // A = K + σ²I (Smile's noise on the diagonal), L = chol(A) packed by rows, then L⁻¹ packed the same way.
            double[] l = new double[m * (m + 1) / 2];
            for (int i = 0; i < m; i++) {
                int ri = i * (i + 1) / 2;
                for (int j = 0; j <= i; j++) {
                    int rj = j * (j + 1) / 2;
                    double a = gps[0].kernel.k(points[i], points[j]) + (i == j ? gps[0].noise : 0);
                    double v = a - dot(l, ri, l, rj, j);
                    if (i == j) {
                        if (!(v > 0)) {
                            throw new IllegalStateException("K + noise·I is not positive definite at row " + i);
                        }
                        l[ri + i] = Math.sqrt(v);
                    }
                    else {
                        l[ri + j] = v / l[rj + j];
                    }
                }
            }
            // Row i of L⁻¹ = (e_i − Σ_{k<i} L[i][k] · row k of L⁻¹) / L[i][i]; rows of L⁻¹ are zero right of the diagonal.
            double[] inv = new double[l.length];
            for (int i = 0; i < m; i++) {
                int ri = i * (i + 1) / 2;
                inv[ri + i] = 1;
                for (int k = 0; k < i; k++) {
                    double c = l[ri + k];
                    int rk = k * (k + 1) / 2;
                    for (int j = 0; j <= k; j++) {
                        inv[ri + j] -= c * inv[rk + j];
                    }
                }
                double d = l[ri + i];
                for (int j = 0; j <= i; j++) {
                    inv[ri + j] /= d;
                }
            }
            return new Serving(points, gps[0].kernel, w, mu, sd, inv);
        }

        void predict(double[][] x, double[][] mean, double[][] sd) {
            int m = points.length;
            double[] k = new double[m];
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < m; j++) {
                    k[j] = kernel.k(x[i], points[j]);
                }
                for (int s = 0; s < weights.length; s++) {
                    mean[i][s] = dot(k, 0, weights[s], 0, m) * targetSd[s] + targetMean[s];
                }
                double q = 0;
                for (int a = 0; a < m; a++) {
                    double v = dot(lowerInverse, a * (a + 1) / 2, k, 0, a + 1);
                    q += v * v;
                }
                double normalisedSd = Math.sqrt(Math.max(0, kernel.k(x[i], x[i]) - q));
                for (int s = 0; s < weights.length; s++) {
                    sd[i][s] = normalisedSd * targetSd[s];
                }
            }
        }

        /** Largest |difference| to Smile's prediction on probe rows: training points and points between them. */
        double differenceFromSmile(GaussianProcessRegression<double[]>[] gps) {
            int m = points.length;
            int d = points[0].length;
            int probes = Math.min(16, m);
            double[][] x = new double[2 * probes][];
            for (int i = 0; i < probes; i++) {
                x[i] = points[i * m / probes];
                double[] mid = new double[d];
                double[] other = points[(i * m / probes + m / 2) % m];
                for (int j = 0; j < d; j++) {
                    mid[j] = 0.5 * (x[i][j] + other[j]) + 0.1 * (j % 3 - 1);
                }
                x[probes + i] = mid;
            }
            int signals = weights.length;
            double[][] m1 = new double[x.length][signals];
            double[][] s1 = new double[x.length][signals];
            double[][] m2 = new double[x.length][signals];
            double[][] s2 = new double[x.length][signals];
            predict(x, m1, s1);
            predictWithSmile(gps, x, m2, s2);
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                for (int s = 0; s < signals; s++) {
                    worst = Math.max(worst, Math.abs(m1[i][s] - m2[i][s]));
                    if (Double.isFinite(s2[i][s])) { // Smile gives NaN where rounding makes the variance negative; we give 0
                        worst = Math.max(worst, Math.abs(s1[i][s] - s2[i][s]));
                    }
                }
            }
            return worst;
        }

        /** Σ a[ai + t]·b[bi + t], t < n, in four independent sums (the adds of one chain would wait on each other). */
        private static double dot(double[] a, int ai, double[] b, int bi, int n) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int t = 0;
            for (; t + 3 < n; t += 4) {
                s0 += a[ai + t] * b[bi + t];
                s1 += a[ai + t + 1] * b[bi + t + 1];
                s2 += a[ai + t + 2] * b[bi + t + 2];
                s3 += a[ai + t + 3] * b[bi + t + 3];
            }
            for (; t < n; t++) {
                s0 += a[ai + t] * b[bi + t];
            }
            return (s0 + s1) + (s2 + s3);
        }
    }

    @Override
    public int size() {
        return gps[0].regressors.length;
    }

    @Override
    public byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(gps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #serialize()} wrote; the store checks the file's sha256 before this runs. */
    @SuppressWarnings("unchecked")
    public static SmileGaussianProcess deserialize(byte[] data) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            in.setObjectInputFilter(info -> {
                Class<?> c = info.serialClass();
                if (c == null || c.isArray() || c.isPrimitive() || c.getName().startsWith("smile.")
                        || c.getName().startsWith("java.lang.") || c.getName().startsWith("java.util.")) {
                    return java.io.ObjectInputFilter.Status.ALLOWED;
                }
                return Serializable.class.isAssignableFrom(c) ? java.io.ObjectInputFilter.Status.UNDECIDED
                        : java.io.ObjectInputFilter.Status.REJECTED;
            });
            return new SmileGaussianProcess((GaussianProcessRegression<double[]>[]) in.readObject());
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read the GP artifact", e);
        }
    }
}

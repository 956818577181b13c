package dev.lto.intelligence.models;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import smile.math.kernel.GaussianKernel;
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
final class SmileGaussianProcess implements EpistemicModel {

    private final GaussianProcessRegression<double[]>[] gps;

    private SmileGaussianProcess(GaussianProcessRegression<double[]>[] gps) {
        this.gps = gps;
    }

    @SuppressWarnings("unchecked")
    static SmileGaussianProcess fit(double[][] x, double[][] y, ModelProperties.Gp cfg) {
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
    static SmileGaussianProcess deserialize(byte[] data) {
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

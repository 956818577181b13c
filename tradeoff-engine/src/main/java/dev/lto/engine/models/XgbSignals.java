package dev.lto.engine.models;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One XGBoost booster per signal ({@code reg:logistic}: the sigmoid link keeps predictions in
 * [0,1] and the objective accepts any target in [0,1]).
 *
 * <p>Serving evaluates the boosters' trees in Java ({@link XgbForest}), which is checked against
 * XGBoost's own {@code inplace_predict} on probe rows whenever a model is built or loaded; if the
 * two disagree by more than {@link #AGREEMENT} (or the model uses a feature the Java walk does not
 * reproduce) serving stays on {@code inplace_predict}. TreeSHAP, training and storage always use
 * XGBoost.
 */
public final class XgbSignals {

    private static final Logger log = LoggerFactory.getLogger(XgbSignals.class);
    /**
     * Largest |Java − XGBoost| accepted on a probe prediction in [0,1]. The two sum the same float
     * leaf values in the same order; what can differ is one ulp of {@code logf}/{@code expf} in the
     * base margin and sigmoid (≈ 1e-7), far below the 4 decimals the API reports.
     */
    static final double AGREEMENT = 1e-6;
    /** Probe rows for the load-time check: standardised features, so ±3 covers the training range and beyond. */
    private static final int PROBES = 256;

    private final Booster[] boosters;
    private final int features;
    /** The Java copy of the trees, or null when it failed its check. */
    private final XgbForest forest;

    private XgbSignals(Booster[] boosters, int features) {
        this.boosters = boosters;
        this.features = features;
        for (Booster b : boosters) {
            try {
                // A serving prediction is one row or one request's batch; OpenMP threads only spin-wait
                // on shared cores (docs/benchmarks.md), and nthread is not stored with a model.
                b.setParam("nthread", 1);
            } catch (XGBoostError e) {
                throw new IllegalStateException(e);
            }
        }
        this.forest = javaForest();
    }

    private XgbForest javaForest() {
        try {
            List<byte[]> json = new ArrayList<>();
            for (Booster b : boosters) {
                json.add(b.toByteArray("json"));
            }
            XgbForest f = XgbForest.parse(json, features);
            float[] probe = probes(PROBES, features);
            double[][] expected = predictNative(probe, PROBES);
            double[][] actual = f.predict(probe, PROBES);
            double worst = maxAbsDifference(expected, actual);
            if (worst > AGREEMENT) {
                log.warn("XGBoost trees in Java differ from inplace_predict by {} on probe rows; serving with inplace_predict", worst);
                return null;
            }
            return f;
        } catch (XGBoostError | RuntimeException e) {
            log.warn("XGBoost trees cannot be evaluated in Java ({}); serving with inplace_predict", e.getMessage());
            return null;
        }
    }

    /** Seeded rows: every ±3 range of every feature, plus all-zero (the training mean) and NaN (missing) rows. */
    static float[] probes(int n, int d) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(0x5847_42L);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = i == 0 ? 0f : i == 1 ? Float.NaN : (float) (6 * r.nextDouble() - 3);
            }
        }
        return x;
    }

    static double maxAbsDifference(double[][] a, double[][] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return worst;
    }

    /** Whether serving uses the Java trees (else XGBoost's inplace_predict). */
    boolean servesInJava() {
        return forest != null;
    }

    public static XgbSignals train(float[] x, int n, int d, double[][] y, ModelSettings.Xgboost cfg) {
        try {
            Booster[] b = new Booster[y[0].length];
            for (int s = 0; s < b.length; s++) {
                float[] label = new float[n];
                for (int i = 0; i < n; i++) {
                    label[i] = (float) y[i][s];
                }
                DMatrix train = new DMatrix(x, n, d, Float.NaN);
                try {
                    train.setLabel(label);
                    Map<String, Object> params = new HashMap<>();
                    params.put("objective", cfg.objective());
                    params.put("max_depth", cfg.maxDepth());
                    params.put("eta", cfg.eta());
                    params.put("subsample", cfg.subsample());
                    params.put("colsample_bytree", cfg.colsampleBytree());
                    params.put("min_child_weight", cfg.minChildWeight());
                    params.put("tree_method", "hist");
                    params.put("nthread", cfg.threads());
                    params.put("seed", 17 + s);
                    params.put("verbosity", 0);
                    b[s] = XGBoost.train(train, params, cfg.trees(), Map.of(), null, null);
                } finally {
                    train.dispose();
                }
            }
            return new XgbSignals(b, d);
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost training failed", e);
        }
    }

    /** Predictions in [0,1], rows × signals. */
    double[][] predict(float[] x, int n) {
        return forest != null ? forest.predict(x, n) : predictNative(x, n);
    }

    /** XGBoost's own prediction ({@code inplace_predict}, no DMatrix): the reference the Java trees are checked against. */
    double[][] predictNative(float[] x, int n) {
        double[][] out = new double[n][boosters.length];
        try {
            for (int s = 0; s < boosters.length; s++) {
                float[][] p = boosters[s].inplace_predict(x, n, features, Float.NaN);
                for (int i = 0; i < n; i++) {
                    out[i][s] = p[i][0];
                }
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost prediction failed", e);
        }
        return out;
    }

    /**
     * TreeSHAP contributions ({@code predictContrib}): per signal, rows × (features + 1), the last
     * column the bias; each row sums to the raw margin (log-odds under reg:logistic).
     */
    float[][][] contributions(float[] x, int n) {
        try {
            DMatrix m = new DMatrix(x, n, features, Float.NaN);
            try {
                float[][][] out = new float[boosters.length][][];
                for (int s = 0; s < boosters.length; s++) {
                    out[s] = boosters[s].predictContrib(m, 0);
                }
                return out;
            } finally {
                m.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost contributions failed", e);
        }
    }

    public int signals() {
        return boosters.length;
    }

    /** UBJSON model of signal {@code s}. */
    public byte[] serialize(int s) {
        try {
            return boosters[s].toByteArray("ubj");
        } catch (XGBoostError e) {
            throw new IllegalStateException(e);
        }
    }

    public static XgbSignals load(byte[][] models, int features) {
        try {
            Booster[] b = new Booster[models.length];
            for (int s = 0; s < models.length; s++) {
                b[s] = XGBoost.loadModel(models[s]);
            }
            return new XgbSignals(b, features);
        } catch (XGBoostError e) {
            throw new IllegalStateException("cannot load XGBoost model", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void dispose() {
        for (Booster b : boosters) {
            b.dispose();
        }
    }
}

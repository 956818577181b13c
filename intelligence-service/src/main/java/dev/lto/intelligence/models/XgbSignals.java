package dev.lto.intelligence.models;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One XGBoost booster per signal ({@code reg:logistic}: the sigmoid link keeps predictions in
 * [0,1] and the objective accepts any target in [0,1]). Prediction uses {@code inplace_predict},
 * which skips DMatrix construction (the dominant cost of a one-row prediction in xgboost4j).
 */
final class XgbSignals {

    private final Booster[] boosters;
    private final int features;

    private XgbSignals(Booster[] boosters, int features) {
        this.boosters = boosters;
        this.features = features;
    }

    static XgbSignals train(float[] x, int n, int d, double[][] y, ModelProperties.Xgboost cfg) {
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

    int signals() {
        return boosters.length;
    }

    /** UBJSON model of signal {@code s}. */
    byte[] serialize(int s) {
        try {
            return boosters[s].toByteArray("ubj");
        } catch (XGBoostError e) {
            throw new IllegalStateException(e);
        }
    }

    static XgbSignals load(byte[][] models, int features) {
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

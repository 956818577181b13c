package dev.lto.engine.models;

import java.util.List;

/**
 * The engine's raw answer for one job, before it becomes the contract's shape: per signal the
 * score and calibrated 95% interval, the widest calibrated half-width (the uncertainty score), the
 * Mahalanobis D², the flags, which cascade stage answered, and why physics is recommended (empty
 * when it is not).
 */
public record Estimate(double[] score, double[] low, double[] high, double uncertainty, double mahalanobis2,
                boolean outOfDistribution, boolean unmodelledMetadata, boolean highUncertainty,
                boolean recommendPhysics, Stage stage, List<String> reasons, double jobFactor, boolean mayBeCritical) {

    /** Half-width of signal j's interval: the larger side, so clipping at 0 or 1 does not shrink it. */
    double halfWidth(int j) {
        return Math.max(score[j] - low[j], high[j] - score[j]);
    }

    /** max_j |y_j − ŷ_j| / half-width_j: the job is inside its joint 95% band when this is ≤ {@link #jobFactor}. */
    public double jobScore(double[] truth) {
        double m = 0;
        for (int j = 0; j < score.length; j++) {
            double h = halfWidth(j);
            m = Math.max(m, h > 0 ? Math.abs(truth[j] - score[j]) / h : (truth[j] == score[j] ? 0 : Double.POSITIVE_INFINITY));
        }
        return m;
    }

    /**
     * The joint factor κ that makes "every signal within κ × its half-width" hold for 1 − α of
     * calibration jobs (split conformal on {@link #jobScore}): with six signals at 95% each, a job
     * leaves some interval by chance far more often than 5%; κ restores a 5% job-level chance rate.
     */
    public static double jobFactor(List<Estimate> est, List<double[]> truths, double alpha) {
        double[] r = new double[est.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = est.get(i).jobScore(truths.get(i));
        }
        return Calibration.conformalQuantile(r, alpha);
    }
}

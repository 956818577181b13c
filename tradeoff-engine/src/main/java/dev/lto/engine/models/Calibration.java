package dev.lto.engine.models;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the calibration and validation splits fixed: ensemble weights per learned target, the
 * split-conformal quantile per signal (of |y − ŷ| / s, s the combined uncertainty scale), the
 * physics-flag threshold on the widest calibrated half-width, and the settings they were computed with.
 *
 * @param weights        per learned target (intermediate or signal), the weights of the XGBoost, MLP
 *                       and GP means, fitted on the validation split (sum 1)
 * @param conformalQ     per signal; +∞ (stored as a very large number) when the calibration set is too small for α
 * @param flagThreshold  τ: a job whose widest calibrated half-width reaches τ is high-uncertainty
 * @param routeThreshold the cascade lets this model answer a job only when its widest calibrated
 *                       half-width is below this (tuned on validation); else physics-lite answers
 * @param jobFactor      κ of the job-level anomaly rule ({@link Estimate#jobFactor}), on calibration jobs
 * @param cascadeQ       per signal, the conformal quantile on the calibration jobs the cascade routes to this
 *                       model (its intervals when it answers inside the cascade); null: use {@code conformalQ}
 * @param cascadeJobFactor κ on those same jobs
 */
public record Calibration(
        @JsonProperty("weights") double[][] weights,
        @JsonProperty("alpha") double alpha,
        @JsonProperty("conformal_q") double[] conformalQ,
        @JsonProperty("calibration_jobs") int calibrationJobs,
        @JsonProperty("flag_threshold") double flagThreshold,
        @JsonProperty("flag_threshold_source") String flagThresholdSource,
        @JsonProperty("scale_floor") double scaleFloor,
        @JsonProperty("mc_passes") int mcPasses,
        @JsonProperty("dropout") double dropout,
        @JsonProperty("route_threshold") double routeThreshold,
        @JsonProperty("route_threshold_source") String routeThresholdSource,
        @JsonProperty("job_factor") double jobFactor,
        @JsonProperty("cascade_conformal_q") double[] cascadeQ,
        @JsonProperty("cascade_job_factor") double cascadeJobFactor) {

    public Calibration withFlag(double tau, String source) {
        return new Calibration(weights, alpha, conformalQ, calibrationJobs, tau, source, scaleFloor, mcPasses, dropout,
                routeThreshold, routeThresholdSource, jobFactor, cascadeQ, cascadeJobFactor);
    }

    public Calibration withRoute(double tau, String source) {
        return new Calibration(weights, alpha, conformalQ, calibrationJobs, flagThreshold, flagThresholdSource, scaleFloor,
                mcPasses, dropout, tau, source, jobFactor, cascadeQ, cascadeJobFactor);
    }

    public Calibration withJobFactor(double kappa) {
        return new Calibration(weights, alpha, conformalQ, calibrationJobs, flagThreshold, flagThresholdSource, scaleFloor,
                mcPasses, dropout, routeThreshold, routeThresholdSource, kappa, cascadeQ, cascadeJobFactor);
    }

    public Calibration withCascade(double[] q, double kappa) {
        return new Calibration(weights, alpha, conformalQ, calibrationJobs, flagThreshold, flagThresholdSource, scaleFloor,
                mcPasses, dropout, routeThreshold, routeThresholdSource, jobFactor, q, kappa);
    }

    /** Stand-in for an infinite conformal quantile (fewer than ⌈(n+1)(1−α)⌉ calibration points): interval = [0, 1]. */
    public static final double UNBOUNDED = 1e9;

    /**
     * Split-conformal quantile (Vovk et al.; Angelopoulos &amp; Bates 2021 §1): the ⌈(n+1)(1−α)⌉-th
     * smallest calibration score, which gives coverage ≥ 1−α for exchangeable test points.
     */
    public static double conformalQuantile(double[] scores, double alpha) {
        int n = scores.length;
        int k = (int) Math.ceil((n + 1) * (1 - alpha));
        if (k > n || n == 0) {
            return UNBOUNDED;
        }
        double[] s = scores.clone();
        java.util.Arrays.sort(s);
        return s[k - 1];
    }
}

package dev.lto.intelligence.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.intelligence.campaign.CampaignSample;
import dev.lto.simulator.spi.LiteEstimate;
import java.util.List;
import java.util.Locale;

/**
 * Split-conformal intervals for the physics-lite stage: per signal the quantile q_j of
 * |y − ŷ_lite| / (e_j + floor) over calibration jobs (e_j the estimator's own error estimate), and
 * the flag threshold on the widest calibrated half-width below which lite answers are trusted.
 * Fitted from stored campaign jobs that carry a lite estimate; needs no learned model, so a fresh
 * install has it from its reference data before any training.
 *
 * @param fidelity  the most common fidelity label of the calibration jobs' lite estimates (labels are per
 *                  job: source points and mask pixels its lite run used); another lite configuration voids q
 * @param jobFactor κ of the job-level anomaly rule ({@link Estimate#jobFactor}), on the same calibration jobs
 */
record LiteCalibration(
        @JsonProperty("conformal_q") double[] conformalQ,
        @JsonProperty("floor") double floor,
        @JsonProperty("flag_threshold") double flagThreshold,
        @JsonProperty("flag_threshold_source") String flagThresholdSource,
        @JsonProperty("calibration_jobs") int calibrationJobs,
        @JsonProperty("fidelity") String fidelity,
        @JsonProperty("job_factor") double jobFactor) {

    /** Half-widths of the calibrated 95% interval around a lite answer, per signal, each ≤ 1. */
    double[] halfWidths(LiteEstimate e) {
        double[] h = new double[conformalQ.length];
        for (int j = 0; j < h.length; j++) {
            h[j] = Math.min(1, conformalQ[j] * (e.errorEstimate()[j] + floor));
        }
        return h;
    }

    /**
     * Fits the quantiles on {@code cal} and the flag threshold on {@code val}: below the widest
     * half-width of every validation critical job that lite misses by more than the tolerance
     * (times {@code margin}), capped at {@code maxFlag}. Jobs without a lite estimate are skipped.
     */
    static LiteCalibration fit(List<CampaignSample> cal, List<CampaignSample> val, double alpha, double floor,
                               double maxFlag, double margin) {
        List<CampaignSample> c = cal.stream().filter(s -> s.lite() != null).toList();
        if (c.isEmpty()) {
            throw new IllegalArgumentException("no calibration job carries a physics-lite estimate");
        }
        int k = c.getFirst().signals().length;
        double[] q = new double[k];
        for (int j = 0; j < k; j++) {
            double[] scores = new double[c.size()];
            for (int i = 0; i < c.size(); i++) {
                LiteEstimate e = c.get(i).lite();
                scores[i] = Math.abs(c.get(i).signals()[j] - e.signals().toArray()[j]) / (e.errorEstimate()[j] + floor);
            }
            q[j] = Calibration.conformalQuantile(scores, alpha);
        }
        // Labels are per job (the source points and mask pixels a job's lite run really used): keep the most common.
        String fidelity = c.stream().collect(java.util.stream.Collectors.groupingBy(x -> x.lite().fidelity(),
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
        LiteCalibration provisional = new LiteCalibration(q, floor, maxFlag, "", c.size(), fidelity, 1);
        Cascade liteOnly = new Cascade(null, provisional);
        double kappa = Estimate.jobFactor(c.stream().map(s -> liteOnly.fromLite(s.lite(), s.parameters(), null)).toList(),
                c.stream().map(CampaignSample::signals).toList(), alpha);
        double minMiss = Double.POSITIVE_INFINITY;
        int misses = 0;
        for (CampaignSample s : val) {
            if (s.lite() == null || !s.critical()) {
                continue;
            }
            double[] y = s.lite().signals().toArray();
            if (EnsembleTrainer.maxError(y, s.signals()) > Evaluation.TOLERANCE) {
                misses++;
                minMiss = Math.min(minMiss, max(provisional.halfWidths(s.lite())));
            }
        }
        double tau = maxFlag;
        String source = String.format(Locale.ROOT, "configured cap %.3f (no validation critical lite miss below it; %d misses)",
                maxFlag, misses);
        if (misses > 0 && margin * minMiss < tau) {
            tau = margin * minMiss;
            source = String.format(Locale.ROOT, "tuned on validation: %.2f × %.4f, the smallest half-width among %d critical lite misses",
                    margin, minMiss, misses);
        }
        return new LiteCalibration(q, floor, tau, source, c.size(), fidelity, kappa);
    }

    static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}

package dev.lto.engine.models;

import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Criticality;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.simulator.spi.LiteEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Calibration of the physics-lite stage, fitted from stored campaign jobs that carry a lite
 * estimate (so a fresh install has it from its reference data before any training):
 * <ul>
 * <li><b>risk</b> per signal r_j = e_j + s_j: e_j the estimator's own error estimate, s_j the largest
 * change of signal j when one intermediate's unit score moves by its {@code unitResolution} (the 99th
 * percentile of |lite − truth| of that intermediate on the calibration jobs) and the signals are
 * recomposed by the adapter. s_j is large where the formulas are steep in an intermediate physics-lite
 * only knows to its own resolution (e.g. a nearly flat image's I_edge·NILS);</li>
 * <li><b>intervals</b>: split conformal on calibration jobs, per signal q_j = the 95% quantile of
 * |y − ŷ| / (r_j + floor); half-width q_j·(r_j + floor). Where physics-lite's ŷ_j lies inside (0, 1),
 * q_j is fitted on the calibration jobs whose ŷ_j lies inside too ({@code conformalQInterior}: a
 * Mondrian split by group). Signals that clamp at 0 or 1 on most jobs (yield_risk: 0 or 1 on ≈ 95 % of
 * them, on both paths) otherwise get a pooled q_j of 0, and the few jobs in between, where lite and
 * the job's path really differ, a zero-width interval (docs/ml.md §14);</li>
 * <li><b>physics flag</b>: physics is recommended when r_j ≥ θ_j for some signal, θ_j = margin × the
 * smallest r_j among the tuning jobs (calibration and validation) that are critical and that
 * physics-lite missed by more than the tolerance on signal j, provided that θ_j flags at most
 * {@code flagBudget} of the tuning jobs; otherwise (or without such a job) the signal has no θ, and
 * its misses are counted in the source as not separable by the risk.</li>
 * </ul>
 *
 * @param fidelity  the most common fidelity label of the calibration jobs' lite estimates (labels are per
 *                  job: source points and mask pixels its lite run used); another lite configuration voids q
 * @param jobFactor κ of the job-level anomaly rule ({@link Estimate#jobFactor}), on the same calibration jobs
 * @param conformalQInterior q_j for predictions inside (0, 1), fitted on the calibration jobs whose lite
 *                  prediction of signal j is inside; unbounded (half-width 1) when fewer than ⌈1/α⌉ − 1 of
 *                  them exist; null in calibrations stored before it (then q_j applies everywhere)
 */
public record LiteCalibration(
        @JsonProperty("conformal_q") double[] conformalQ,
        @JsonProperty("floor") double floor,
        @JsonProperty("flag_thresholds") double[] flagThresholds,
        @JsonProperty("flag_threshold_source") String flagThresholdSource,
        @JsonProperty("calibration_jobs") int calibrationJobs,
        @JsonProperty("fidelity") String fidelity,
        @JsonProperty("job_factor") double jobFactor,
        @JsonProperty("unit_resolution") double[] unitResolution,
        @JsonProperty("conformal_q_interior") double[] conformalQInterior) {

    /** Without the interior quantiles (tests, routing stubs): q_j applies everywhere. */
    public LiteCalibration(double[] conformalQ, double floor, double[] flagThresholds, String flagThresholdSource,
                           int calibrationJobs, String fidelity, double jobFactor, double[] unitResolution) {
        this(conformalQ, floor, flagThresholds, flagThresholdSource, calibrationJobs, fidelity, jobFactor, unitResolution, null);
    }

    /** Whether a signal value is strictly inside the signals' range (not clamped at 0 or 1). */
    static boolean interior(double v) {
        return v > 0 && v < 1;
    }

    /** The smallest per-signal flag threshold (for confidence levels and display). */
    public double flagThreshold() {
        double m = Calibration.UNBOUNDED;
        for (double t : flagThresholds) {
            m = Math.min(m, t);
        }
        return m;
    }

    /** r_j = e_j + s_j (see the class comment); s_j = 0 without a composer or unit resolutions. */
    double[] risk(LiteEstimate e, dev.lto.contracts.JobParameters job, SignalComposer composer) {
        double[] r = e.errorEstimate().clone();
        if (composer == null || unitResolution == null || e.intermediates() == null) {
            return r;
        }
        double[] u = e.intermediates().unitScores();
        double[] y = composer.compose(job, u);
        for (int t = 0; t < u.length; t++) {
            for (double sign : new double[] {-1, 1}) {
                double[] v = u.clone();
                v[t] = Math.max(0, Math.min(1, v[t] + sign * unitResolution[t]));
                double[] yv = composer.compose(job, v);
                for (int j = 0; j < r.length; j++) {
                    r[j] = Math.max(r[j], e.errorEstimate()[j] + Math.abs(yv[j] - y[j]));
                }
            }
        }
        return r;
    }

    /** Half-widths of the calibrated 95% interval, per signal, each ≤ 1, from the risks and the lite scores y. */
    double[] halfWidths(double[] risk, double[] y) {
        double[] h = new double[conformalQ.length];
        for (int j = 0; j < h.length; j++) {
            double q = conformalQInterior != null && interior(y[j]) ? conformalQInterior[j] : conformalQ[j];
            h[j] = Math.min(1, q * (risk[j] + floor));
        }
        return h;
    }

    /** The first signal whose risk reaches its flag threshold, or -1. */
    int flaggedSignal(double[] risk) {
        for (int j = 0; j < risk.length; j++) {
            if (risk[j] >= flagThresholds[j]) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Fits on {@code cal} (quantiles, unit resolutions, κ) and tunes the flag on {@code cal} and
     * {@code val} together (critical misses are rare; every one of them counts). Jobs without a lite
     * estimate are skipped.
     */
    public static LiteCalibration fit(List<CampaignSample> cal, List<CampaignSample> val, double alpha, double floor,
                               double margin, double flagBudget, SignalComposer composer) {
        List<CampaignSample> c = cal.stream().filter(s -> s.lite() != null).toList();
        if (c.isEmpty()) {
            throw new IllegalArgumentException("no calibration job carries a physics-lite estimate");
        }
        int k = c.getFirst().signals().length;
        double[] resolution = null;
        if (composer != null && c.stream().allMatch(s -> s.intermediates() != null && s.lite().intermediates() != null)) {
            resolution = new double[dev.lto.simulator.spi.SignalIntermediates.SIZE];
            for (int t = 0; t < resolution.length; t++) {
                double[] d = new double[c.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = Math.abs(c.get(i).lite().intermediates().unitScores()[t] - c.get(i).intermediates().unitScores()[t]);
                }
                java.util.Arrays.sort(d);
                resolution[t] = d[Math.min(d.length - 1, (int) Math.ceil(0.99 * d.length) - 1)];
            }
        }
        LiteCalibration risksOnly = new LiteCalibration(new double[k], floor, unbounded(k), "", c.size(), "", 1, resolution);
        double[] q = new double[k];
        List<double[]> calRisk = c.stream().map(s -> risksOnly.risk(s.lite(), s.parameters(), composer)).toList();
        for (int j = 0; j < k; j++) {
            double[] scores = new double[c.size()];
            for (int i = 0; i < c.size(); i++) {
                scores[i] = Math.abs(c.get(i).signals()[j] - c.get(i).lite().signals().toArray()[j]) / (calRisk.get(i)[j] + floor);
            }
            q[j] = Calibration.conformalQuantile(scores, alpha);
        }
        double[] qInterior = new double[k];
        for (int j = 0; j < k; j++) {
            List<Double> scores = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                double y = c.get(i).lite().signals().toArray()[j];
                if (interior(y)) {
                    scores.add(Math.abs(c.get(i).signals()[j] - y) / (calRisk.get(i)[j] + floor));
                }
            }
            qInterior[j] = Calibration.conformalQuantile(scores.stream().mapToDouble(Double::doubleValue).toArray(), alpha);
        }
        // Labels are per job (the source points and mask pixels a job's lite run really used): keep the most common.
        String fidelity = c.stream().collect(java.util.stream.Collectors.groupingBy(x -> x.lite().fidelity(),
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
        LiteCalibration provisional = new LiteCalibration(q, floor, unbounded(k), "", c.size(), fidelity, 1, resolution, qInterior);
        Cascade liteOnly = new Cascade(null, provisional, composer);
        double kappa = Estimate.jobFactor(c.stream().map(s -> liteOnly.fromLite(s.lite(), s.parameters(), null)).toList(),
                c.stream().map(CampaignSample::signals).toList(), alpha);

        List<CampaignSample> tuning = new ArrayList<>(c);
        val.stream().filter(s -> s.lite() != null).forEach(tuning::add);
        List<double[]> risks = tuning.stream().map(s -> provisional.risk(s.lite(), s.parameters(), composer)).toList();
        double[] theta = unbounded(k);
        int[] misses = new int[k];
        int[] unflaggable = new int[k];
        for (int j = 0; j < k; j++) {
            double candidate = Calibration.UNBOUNDED;
            for (int i = 0; i < tuning.size(); i++) {
                CampaignSample s = tuning.get(i);
                if (s.critical() && Math.abs(s.lite().signals().toArray()[j] - s.signals()[j]) > Criticality.ACCURACY_TOLERANCE) {
                    misses[j]++;
                    candidate = Math.min(candidate, margin * risks.get(i)[j]);
                }
            }
            // A threshold that would send more than the budget of all jobs to physics on this signal alone does not
            // separate the misses from the rest: the signal keeps no threshold and its misses are reported.
            int flagged = 0;
            for (double[] r : risks) {
                flagged += r[j] >= candidate ? 1 : 0;
            }
            if (misses[j] > 0 && (double) flagged / tuning.size() <= flagBudget) {
                theta[j] = candidate;
            } else {
                unflaggable[j] = misses[j];
            }
        }
        String source = String.format(Locale.ROOT, "tuned on %d calibration + validation jobs: %s × the smallest risk among"
                + " the critical jobs physics-lite missed on each signal (misses per signal %s), where that flags at most %s"
                + " of the jobs; misses on signals where it would flag more are not separable by the risk and stay"
                + " unflagged (%s)", tuning.size(), margin, java.util.Arrays.toString(misses),
                String.format(Locale.ROOT, "%.0f%%", 100 * flagBudget), java.util.Arrays.toString(unflaggable));
        return new LiteCalibration(q, floor, theta, source, c.size(), fidelity, kappa, resolution, qInterior);
    }

    private static double[] unbounded(int k) {
        double[] t = new double[k];
        java.util.Arrays.fill(t, Calibration.UNBOUNDED);
        return t;
    }
}

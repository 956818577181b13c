package dev.lto.intelligence.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.contracts.AlertSeverity;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Actual against predicted for one job: per signal the preflight score and 95% interval, the
 * simulated value and whether it fell inside; the profile's limits re-checked on the actual
 * signals. Two separate reasons make a job anomalous:
 * <ul>
 * <li><b>prediction missed</b>: the job as a whole left its prediction, i.e. some signal is farther
 * from its score than κ × its 95% half-width, κ the prediction's {@code job_interval_factor} (a joint
 * rule calibrated so that a sound job is flagged by chance 5% of the time; per signal at 95%, six
 * signals would flag ≈ 7–26% of sound jobs). A prediction without κ (older models) uses κ = 1;</li>
 * <li><b>limit broken</b>: the actual signals break a blocking limit of the profile.</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Evaluation(
        @JsonProperty("evaluated_at") Instant evaluatedAt,
        @JsonProperty("model_version") String modelVersion,
        boolean anomaly,
        @JsonProperty("prediction_missed") boolean predictionMissed,
        @JsonProperty("limit_broken") boolean limitBroken,
        @JsonProperty("job_score") double jobScore,
        @JsonProperty("job_interval_factor") double jobIntervalFactor,
        @JsonProperty("signals_inside") int signalsInside,
        List<SignalCheck> signals,
        @JsonProperty("actual_violations") List<ConstraintViolation> actualViolations,
        List<String> reasons) {

    record SignalCheck(String signal, double predicted, @JsonProperty("ci_low") double ciLow,
                       @JsonProperty("ci_high") double ciHigh, double actual, double error, boolean inside) {
    }

    /**
     * Predictions are served and stored to 4 decimals, so a score or bound is known to ± half a unit in
     * that place: an actual value that close to its score (or bound) is no miss. Without it a signal the
     * adapter composes exactly (a closed-form cost term: calibrated half-width 0) would be "missed" by
     * the rounding of its score alone, and every job with one would be flagged.
     */
    static final double STORED_PRECISION = 0.5e-4 + 1e-12;

    static Evaluation of(SignalPredictions predicted, String modelVersion, Double jobFactor, String profile,
                         TradeoffSignals actual, ConstraintEvaluator constraints, Set<AlertSeverity> blocking) {
        SignalEstimate[] p = predicted.toArray();
        double[] a = actual.toArray();
        double kappa = jobFactor == null ? 1 : jobFactor;
        List<SignalCheck> checks = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int inside = 0;
        double jobScore = 0;
        for (int i = 0; i < p.length; i++) {
            boolean in = a[i] >= p[i].ciLow() - STORED_PRECISION && a[i] <= p[i].ciHigh() + STORED_PRECISION;
            inside += in ? 1 : 0;
            String name = TradeoffSignals.NAMES.get(i);
            checks.add(new SignalCheck(name, p[i].score(), p[i].ciLow(), p[i].ciHigh(), a[i], round(a[i] - p[i].score()), in));
            // Half-width: the larger side, so an interval clipped at 0 or 1 keeps its width (as calibrated).
            double h = Math.max(p[i].score() - p[i].ciLow(), p[i].ciHigh() - p[i].score());
            double err = Math.abs(a[i] - p[i].score());
            double r = err <= STORED_PRECISION ? 0 : h > 0 ? err / h : Double.POSITIVE_INFINITY;
            jobScore = Math.max(jobScore, r);
            if (r > kappa) {
                reasons.add(String.format(Locale.ROOT, "prediction missed: %s actual %.3f is %.2f half-widths from the"
                                + " predicted %.3f (95%% interval %.3f–%.3f; the job-level band is %.2f half-widths)",
                        name, a[i], r, p[i].score(), p[i].ciLow(), p[i].ciHigh(), kappa));
            }
        }
        boolean missed = !reasons.isEmpty();
        SignalEstimate[] exact = new SignalEstimate[a.length];
        for (int i = 0; i < a.length; i++) {
            exact[i] = new SignalEstimate(a[i], a[i], a[i]);
        }
        List<ConstraintViolation> violations = constraints.evaluate(profile, SignalPredictions.fromArray(exact)).violations();
        boolean broken = false;
        for (ConstraintViolation v : violations) {
            if (blocking.contains(v.severity())) {
                broken = true;
                reasons.add(String.format(Locale.ROOT, "limit broken: actual %s %.3f breaks %s %.3f (%s) of profile '%s'",
                        v.signal(), v.value(), v.constraint(), v.limit(), v.severity(), profile));
            }
        }
        return new Evaluation(Instant.now(), modelVersion, !reasons.isEmpty(), missed, broken, round(jobScore), kappa, inside,
                checks, violations, reasons);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}

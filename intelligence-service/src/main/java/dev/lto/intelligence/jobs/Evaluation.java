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
 * signals. Anomalous when a signal left its interval or the actual signals break a blocking limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Evaluation(
        @JsonProperty("evaluated_at") Instant evaluatedAt,
        @JsonProperty("model_version") String modelVersion,
        boolean anomaly,
        @JsonProperty("signals_inside") int signalsInside,
        List<SignalCheck> signals,
        @JsonProperty("actual_violations") List<ConstraintViolation> actualViolations,
        List<String> reasons) {

    record SignalCheck(String signal, double predicted, @JsonProperty("ci_low") double ciLow,
                       @JsonProperty("ci_high") double ciHigh, double actual, double error, boolean inside) {
    }

    static Evaluation of(SignalPredictions predicted, String modelVersion, String profile, TradeoffSignals actual,
                         ConstraintEvaluator constraints, Set<AlertSeverity> blocking) {
        SignalEstimate[] p = predicted.toArray();
        double[] a = actual.toArray();
        List<SignalCheck> checks = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int inside = 0;
        for (int i = 0; i < p.length; i++) {
            boolean in = a[i] >= p[i].ciLow() && a[i] <= p[i].ciHigh();
            inside += in ? 1 : 0;
            String name = TradeoffSignals.NAMES.get(i);
            checks.add(new SignalCheck(name, p[i].score(), p[i].ciLow(), p[i].ciHigh(), a[i], round(a[i] - p[i].score()), in));
            if (!in) {
                reasons.add(String.format(Locale.ROOT, "%s actual %.3f outside the predicted 95%% interval %.3f–%.3f",
                        name, a[i], p[i].ciLow(), p[i].ciHigh()));
            }
        }
        SignalEstimate[] exact = new SignalEstimate[a.length];
        for (int i = 0; i < a.length; i++) {
            exact[i] = new SignalEstimate(a[i], a[i], a[i]);
        }
        List<ConstraintViolation> violations = constraints.evaluate(profile, SignalPredictions.fromArray(exact)).violations();
        for (ConstraintViolation v : violations) {
            if (blocking.contains(v.severity())) {
                reasons.add(String.format(Locale.ROOT, "actual %s %.3f breaks %s %.3f (%s) of profile '%s'",
                        v.signal(), v.value(), v.constraint(), v.limit(), v.severity(), profile));
            }
        }
        return new Evaluation(Instant.now(), modelVersion, !reasons.isEmpty(), inside, checks, violations, reasons);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}

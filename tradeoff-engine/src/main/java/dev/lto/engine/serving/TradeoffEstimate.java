package dev.lto.engine.serving;

import dev.lto.engine.EngineApi;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.UncertaintyAssessment;
import java.util.List;
import java.util.Map;

/**
 * The model's answer for one job in contract types: the six signals with calibrated 95% intervals,
 * the uncertainty block, feature importance when asked (else null), and the serving version.
 * {@code uncertaintyScore} (widest calibrated half-width), {@code mahalanobis2} and
 * {@code outOfDistribution} explain the flags (D² is null when only physics-lite serves);
 * {@code answeredBy} names the cascade stage that answered and {@code physicsReasons} says why
 * physics is recommended (empty when it is not). {@code physicsLiteSkipped} is null unless the cascade
 * would have asked physics-lite and an interactive request found it busy: then it says so, and the
 * answer is the first stage's own (docs/ml.md §11).
 */
@EngineApi
public record TradeoffEstimate(SignalPredictions predictions, UncertaintyAssessment uncertainty,
                               Map<String, Double> featureImportance, String modelVersion,
                               @JsonProperty("uncertainty_score") double uncertaintyScore,
                               @JsonProperty("mahalanobis_d2") Double mahalanobis2,
                               @JsonProperty("out_of_distribution") boolean outOfDistribution,
                               @JsonProperty("answered_by") String answeredBy,
                               @JsonProperty("physics_reasons") List<String> physicsReasons,
                               @JsonProperty("job_interval_factor") double jobIntervalFactor,
                               @JsonProperty("physics_lite_skipped") String physicsLiteSkipped) {

    public TradeoffEstimate(SignalPredictions predictions, UncertaintyAssessment uncertainty,
                            Map<String, Double> featureImportance, String modelVersion, double uncertaintyScore,
                            Double mahalanobis2, boolean outOfDistribution, String answeredBy, List<String> physicsReasons,
                            double jobIntervalFactor) {
        this(predictions, uncertainty, featureImportance, modelVersion, uncertaintyScore, mahalanobis2, outOfDistribution,
                answeredBy, physicsReasons, jobIntervalFactor, null);
    }

    /** This answer, marked as given without physics-lite because physics-lite was busy. */
    public TradeoffEstimate skippedLite(String why) {
        return new TradeoffEstimate(predictions, uncertainty, featureImportance, modelVersion, uncertaintyScore,
                mahalanobis2, outOfDistribution, answeredBy, physicsReasons, jobIntervalFactor, why);
    }
}

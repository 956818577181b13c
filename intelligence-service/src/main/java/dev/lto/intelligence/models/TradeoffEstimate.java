package dev.lto.intelligence.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.UncertaintyAssessment;
import java.util.Map;

/**
 * The model's answer for one job in contract types: the six signals with calibrated 95% intervals,
 * the uncertainty block, feature importance when asked (else null), and the serving version.
 * {@code uncertaintyScore} (widest calibrated half-width), {@code mahalanobis2} and
 * {@code outOfDistribution} explain the flags.
 */
public record TradeoffEstimate(SignalPredictions predictions, UncertaintyAssessment uncertainty,
                               Map<String, Double> featureImportance, String modelVersion,
                               @JsonProperty("uncertainty_score") double uncertaintyScore,
                               @JsonProperty("mahalanobis_d2") double mahalanobis2,
                               @JsonProperty("out_of_distribution") boolean outOfDistribution) {
}

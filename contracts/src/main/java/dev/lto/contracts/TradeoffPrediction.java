package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The tradeoff engine's answer for one parameter set, in exactly the shape of the seed's
 * {@code /api/v1/tradeoffs/predict} example. {@code feature_importance} is present only when
 * asked for (it costs 20-80× a prediction); its map keeps the most important feature first.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TradeoffPrediction(
        @JsonProperty("job_id") String jobId,
        JobParameters parameters,
        SignalPredictions predictions,
        UncertaintyAssessment uncertainty,
        ConstraintEvaluation constraints,
        @JsonProperty("feature_importance") Map<String, Double> featureImportance,
        @JsonProperty("model_version") String modelVersion,
        @JsonProperty("inference_time_ms") double inferenceTimeMs) {
}

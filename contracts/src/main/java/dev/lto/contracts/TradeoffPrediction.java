package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The tradeoff engine's answer for one parameter set, in exactly the shape of the seed's
 * {@code /api/v1/tradeoffs/predict} example. {@code feature_importance} is present only when
 * asked for (it costs 20-80× a prediction); its map keeps the most important feature first.
 * Two additions follow the seed's fields: {@code answered_by}, the cascade stage that answered
 * ({@code first_stage} or {@code physics_lite}), and {@code physics_reasons}, why a full
 * simulation is recommended (empty when it is not), and {@code job_interval_factor} κ: the job as a
 * whole is inside its prediction when every signal lies within κ × its 95% half-width of the score
 * (a joint rule calibrated so that a sound job leaves it by chance 5% of the time).
 * {@code physics_lite_skipped}, present only on an interactive answer given while physics-lite was
 * busy, says why the first stage answered alone.
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
        @JsonProperty("inference_time_ms") double inferenceTimeMs,
        @JsonProperty("answered_by") String answeredBy,
        @JsonProperty("physics_reasons") List<String> physicsReasons,
        @JsonProperty("job_interval_factor") Double jobIntervalFactor,
        @JsonProperty("physics_lite_skipped") String physicsLiteSkipped) {

    /** Without the interactive path's note (preflight, alternatives, stored answers). */
    public TradeoffPrediction(String jobId, JobParameters parameters, SignalPredictions predictions,
                              UncertaintyAssessment uncertainty, ConstraintEvaluation constraints,
                              Map<String, Double> featureImportance, String modelVersion, double inferenceTimeMs,
                              String answeredBy, List<String> physicsReasons, Double jobIntervalFactor) {
        this(jobId, parameters, predictions, uncertainty, constraints, featureImportance, modelVersion, inferenceTimeMs,
                answeredBy, physicsReasons, jobIntervalFactor, null);
    }

    /** The seed's shape alone, without the cascade's additions. */
    public TradeoffPrediction(String jobId, JobParameters parameters, SignalPredictions predictions,
                              UncertaintyAssessment uncertainty, ConstraintEvaluation constraints,
                              Map<String, Double> featureImportance, String modelVersion, double inferenceTimeMs) {
        this(jobId, parameters, predictions, uncertainty, constraints, featureImportance, modelVersion, inferenceTimeMs,
                null, null, null);
    }
}

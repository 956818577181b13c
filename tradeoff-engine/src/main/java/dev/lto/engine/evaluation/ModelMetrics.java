package dev.lto.engine.evaluation;

import dev.lto.engine.EngineApi;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Measured quality of a model on held-out jobs (ML.md definitions): accuracy = share of
 * (job, signal) pairs with |error| ≤ 0.05; critical accuracy the same over critical jobs; coverage
 * = share of truths inside the 95% interval; missed critical = critical jobs with an error > 0.05
 * on some signal while recommend_physics_simulation was false. {@code job_flag_rate}: share of jobs
 * the job-level anomaly rule (every signal within κ half-widths) would flag against this truth;
 * {@code any_signal_outside_rate}: share with some signal outside its 95% interval (the old rule).
 */
@EngineApi
public record ModelMetrics(
        @JsonProperty("evaluated_on") String evaluatedOn,
        @JsonProperty("jobs") int jobs,
        @JsonProperty("critical_jobs") int criticalJobs,
        @JsonProperty("accuracy") double accuracy,
        @JsonProperty("critical_accuracy") double criticalAccuracy,
        @JsonProperty("coverage") double coverage,
        @JsonProperty("mean_interval_width") double meanIntervalWidth,
        @JsonProperty("critical_misses") int criticalMisses,
        @JsonProperty("missed_critical") int missedCritical,
        @JsonProperty("physics_recommended_share") double physicsRecommendedShare,
        @JsonProperty("out_of_distribution_share") double outOfDistributionShare,
        @JsonProperty("per_signal") Map<String, SignalMetrics> perSignal,
        @JsonProperty("component_accuracy") Map<String, Double> componentAccuracy,
        @JsonProperty("answered_by") Map<String, Double> answeredBy,
        @JsonProperty("job_flag_rate") double jobFlagRate,
        @JsonProperty("any_signal_outside_rate") double anySignalOutsideRate,
        @JsonProperty("gates") List<Gate> gates) {

    /** Per-signal MAE, accuracy, coverage and mean interval width. */
    public record SignalMetrics(@JsonProperty("mae") double mae, @JsonProperty("accuracy") double accuracy,
                                @JsonProperty("coverage") double coverage,
                                @JsonProperty("mean_interval_width") double meanIntervalWidth) {
    }

    /** One promotion gate: what was required, what was measured, whether it passed. */
    public record Gate(@JsonProperty("name") String name, @JsonProperty("target") String target,
                       @JsonProperty("measured") String measured, @JsonProperty("passed") boolean passed) {
    }

    public boolean allGatesPassed() {
        return gates.stream().allMatch(Gate::passed);
    }
}

package dev.lto.intelligence.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.contracts.events.WaferYield;
import dev.lto.intelligence.preflight.Alternative;
import dev.lto.contracts.ConstraintViolation;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/jobs/{id}/report}: everything LTO knows about one job, in the order an
 * engineer reads it: the job and its history, the preflight prediction and gate verdict, how it
 * ran, the actual result, actual against predicted, reviews, measured wafer yield (the latest
 * ingested), progress an external simulator reported, links to pictures.
 * Sections that do not apply yet are absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobReport(
        JobView job,
        TradeoffPrediction prediction,
        Preflight preflight,
        Execution execution,
        SimulationResult result,
        Evaluation evaluation,
        List<PipelineRepository.Review> reviews,
        @JsonProperty("wafer_yield") WaferYield waferYield,
        @JsonProperty("external_progress") List<MetricSnapshot> externalProgress,
        Map<String, String> links) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Preflight(boolean blocked, @JsonProperty("blocking_violations") List<ConstraintViolation> blockingViolations,
                     @JsonProperty("unconfirmed_violations") List<ConstraintViolation> unconfirmedViolations,
                     List<Alternative> alternatives) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Execution(int attempts, @JsonProperty("device_class") String deviceClass, String worker, String source,
                     @JsonProperty("last_error") String lastError) {
    }
}

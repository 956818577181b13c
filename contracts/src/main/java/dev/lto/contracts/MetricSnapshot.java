package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Instant;
import java.util.Map;

/**
 * Live progress of a running job as a simulator reports it (seed {@code stream_metrics}): stage,
 * fraction done in [0, 1], elapsed seconds, and optional device figures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricSnapshot(
        @JsonProperty("job_id") @NotBlank String jobId,
        @NotNull Instant timestamp,
        @JsonProperty("adapter_type") @NotBlank String adapterType,
        @NotBlank String stage,
        @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double progress,
        @JsonProperty("elapsed_s") @NotNull @PositiveOrZero Double elapsedS,
        @JsonProperty("gpu_utilization") @DecimalMin("0.0") @DecimalMax("1.0") Double gpuUtilization,
        @JsonProperty("memory_bytes") @PositiveOrZero Long memoryBytes,
        Map<String, Double> metrics) {

    public MetricSnapshot {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }
}

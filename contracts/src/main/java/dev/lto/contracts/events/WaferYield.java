package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/**
 * Measured wafer yield of the exposure a job simulated (fraction of good dies in [0, 1]); posted
 * to {@code /ingest/yield}, stored joined to the job as the label source for yield risk.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WaferYield(
        @JsonProperty("job_id") @NotBlank String jobId,
        @JsonProperty("yield_fraction") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double yieldFraction,
        @JsonProperty("wafer_id") String waferId,
        @JsonProperty("lot_id") String lotId,
        @JsonProperty("measured_at") @NotNull Instant measuredAt) {
}

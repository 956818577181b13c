package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Instant;

/**
 * Work for a simulation worker, on {@code lto.sim.requests.<device class>}. {@code attempt} counts
 * from 1; the result names it back so a late answer to an abandoned attempt is recognised.
 */
public record SimulationRequested(
        @JsonProperty("job_id") @NotBlank String jobId,
        @NotNull @Positive Integer attempt,
        @NotNull @Valid JobParameters parameters,
        @JsonProperty("adapter_type") @NotBlank String adapterType,
        @JsonProperty("device_class") @NotNull @Pattern(regexp = "cpu|gpu") String deviceClass,
        @JsonProperty("dispatched_at") @NotNull Instant dispatchedAt) {
}

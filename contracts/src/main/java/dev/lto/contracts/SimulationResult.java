package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/** One finished simulation (seed §3.1 {@code SimulationResult}). */
public record SimulationResult(
        @JsonProperty("job_id") @NotBlank String jobId,
        @NotNull @Valid JobParameters parameters,
        @NotNull @Valid SimulationOutputs outputs,
        @JsonProperty("tradeoff_signals") @NotNull @Valid TradeoffSignals tradeoffSignals,
        @JsonProperty("compute_stats") @NotNull @Valid ComputeStats computeStats,
        @NotNull Instant timestamp,
        @JsonProperty("simulator_version") @NotBlank String simulatorVersion,
        @JsonProperty("adapter_type") @NotBlank String adapterType) {
}

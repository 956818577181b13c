package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/** A simulator adapter's health (seed {@code health_check}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdapterHealth(
        @JsonProperty("adapter_type") @NotBlank String adapterType,
        @NotNull HealthStatus status,
        @JsonProperty("simulator_version") String simulatorVersion,
        String device,
        String detail,
        @JsonProperty("checked_at") @NotNull Instant checkedAt) {
}

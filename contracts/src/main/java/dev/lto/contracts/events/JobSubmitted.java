package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/** A validated job submission, as the ingestion edge accepted it. */
public record JobSubmitted(
        @NotNull @Valid JobParameters parameters,
        @JsonProperty("submitted_at") @NotNull Instant submittedAt) {
}

package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A validated job submission, as the ingestion edge accepted it. {@code keyOwner} is the owner of the
 * API key that submitted it (who may cancel it with a submitter key, docs/security.md); null with auth
 * off, and in events written before it existed.
 */
public record JobSubmitted(
        @NotNull @Valid JobParameters parameters,
        @JsonProperty("submitted_at") @NotNull Instant submittedAt,
        @JsonProperty("key_owner") @Size(max = 128) String keyOwner) {
}

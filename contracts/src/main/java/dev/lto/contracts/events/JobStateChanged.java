package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobState;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/**
 * A job moved between states. {@code from} is null for the first state. {@code sequence} counts
 * the job's transitions from 1, so a consumer can order and deduplicate them per job.
 * {@code recommendation} is what the producer advises, when it has something to advise: for
 * BLOCKED, the closest alternative parameters the gate found (the alert engine shows it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStateChanged(
        @JsonProperty("job_id") @NotBlank String jobId,
        JobState from,
        @NotNull JobState to,
        @NotNull Integer sequence,
        @NotNull Instant at,
        String reason,
        String recommendation) {

    /** A change with nothing to recommend. */
    public JobStateChanged(String jobId, JobState from, JobState to, Integer sequence, Instant at, String reason) {
        this(jobId, from, to, sequence, at, reason, null);
    }
}

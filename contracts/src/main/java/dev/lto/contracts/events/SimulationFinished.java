package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.SimulationResult;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Instant;

/**
 * The end of one simulation attempt, on {@code lto.sim.results}: exactly one of {@code result}
 * and {@code error} is set. {@code source} is {@code worker} for our own workers (then
 * {@code attempt} names the request) or {@code ingest} for a result produced outside LTO and
 * posted to {@code /ingest/job} (no attempt).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulationFinished(
        @JsonProperty("job_id") @NotBlank String jobId,
        @Positive Integer attempt,
        @NotNull @Pattern(regexp = "worker|ingest") String source,
        @NotBlank String worker,
        @Valid SimulationResult result,
        String error,
        @JsonProperty("finished_at") @NotNull Instant finishedAt) {

    public SimulationFinished {
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of result and error must be set");
        }
    }

    public boolean failed() {
        return error != null;
    }
}

package dev.lto.intelligence.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobState;
import java.time.Instant;

/** One row of a job's state history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StateChange(
        @JsonProperty("sequence") int sequence,
        @JsonProperty("from") JobState from,
        @JsonProperty("to") JobState to,
        @JsonProperty("at") Instant at,
        @JsonProperty("reason") String reason) {
}

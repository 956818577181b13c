package dev.lto.intelligence.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/jobs/{id}}: parameters, state and the timestamped history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobView(
        @JsonProperty("job_id") String jobId,
        JobState state,
        @JsonProperty("terminal") boolean terminal,
        @JsonProperty("adapter_type") String adapterType,
        @JsonProperty("submitted_at") Instant submittedAt,
        @JsonProperty("completed_at") Instant completedAt,
        JobParameters parameters,
        List<StateChange> history,
        @JsonProperty("conflicting_submissions") Long conflictingSubmissions,
        Map<String, String> links) {
}

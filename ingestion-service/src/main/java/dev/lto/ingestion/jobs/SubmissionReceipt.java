package dev.lto.ingestion.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobState;
import java.time.Instant;
import java.util.Map;

/** What a submitter gets back: the job id to poll, its first state and where to find it. */
record SubmissionReceipt(
        @JsonProperty("job_id") String jobId,
        JobState state,
        @JsonProperty("submitted_at") Instant submittedAt,
        Map<String, String> links) {
}

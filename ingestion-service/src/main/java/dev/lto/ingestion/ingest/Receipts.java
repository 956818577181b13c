package dev.lto.ingestion.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the ingest endpoints answer with 202. {@code event_id} is the id downstream deduplicates on. */
final class Receipts {

    /** An accepted simulation result; {@code links.self} is the job it belongs to. */
    record Result(@JsonProperty("job_id") String jobId,
                  @JsonProperty("event_id") String eventId,
                  @JsonProperty("accepted_at") Instant acceptedAt,
                  Map<String, String> links) {
    }

    /** Accepted progress snapshots: how many, and of which jobs (in first-seen order). */
    record Snapshots(int count,
                     @JsonProperty("job_ids") List<String> jobIds,
                     @JsonProperty("accepted_at") Instant acceptedAt) {
    }

    /** An accepted yield measurement; {@code links.job} is the job it will join (which may not exist yet). */
    record Yield(@JsonProperty("job_id") String jobId,
                 @JsonProperty("event_id") String eventId,
                 @JsonProperty("accepted_at") Instant acceptedAt,
                 Map<String, String> links) {
    }

    private Receipts() {
    }
}

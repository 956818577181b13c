package dev.lto.action.streams;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/**
 * The seed's MetricFrame (§8), field for field; every member is written, null included (a null
 * says "not known", e.g. {@code gpu_utilization} with no GPU worker). Where each value comes
 * from: docs/streams-websocket.md.
 */
@JsonPropertyOrder({"timestamp", "frame_type", "system_health", "active_jobs", "jobs_per_minute", "tradeoff_scores",
        "alerts_active", "gpu_utilization"})
record MetricFrame(
        Instant timestamp,
        @JsonProperty("frame_type") String frameType,
        @JsonProperty("system_health") Double systemHealth,
        @JsonProperty("active_jobs") long activeJobs,
        @JsonProperty("jobs_per_minute") double jobsPerMinute,
        @JsonProperty("tradeoff_scores") Map<String, Score> tradeoffScores,
        @JsonProperty("alerts_active") Long alertsActive,
        @JsonProperty("gpu_utilization") Double gpuUtilization) {

    static final String TYPE = "metrics";

    /** One tradeoff: its current value (null when unknown) and its direction: stable, improving or degrading. */
    record Score(Double current, String trend) {
    }
}

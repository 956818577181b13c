package dev.lto.intelligence.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.WaferYield;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** JSON answers of the history and trends endpoints (snake_case, absent rather than null). */
final class HistoryViews {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Item(@JsonProperty("job_id") String jobId,
                JobState state,
                @JsonProperty("submitted_at") Instant submittedAt,
                @JsonProperty("completed_at") Instant completedAt,
                @JsonProperty("job_class") Integer jobClass,
                @JsonProperty("adapter_type") String adapterType,
                @JsonProperty("submitted_by") String submittedBy,
                Map<String, Object> parameters,
                Map<String, Double> signals,
                @JsonProperty("measured_yield") WaferYield measuredYield,
                Map<String, String> links) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Page(List<Item> items,
                int count,
                long total,
                int limit,
                @JsonProperty("next_cursor") String nextCursor,
                Map<String, String> links) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Bucket(Instant start, long count, Double mean, Double p10, Double p90) {
    }

    /** What the direction was decided on; null members when the test was not run (too few buckets). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TrendTest(String method,
                     @JsonProperty("buckets_tested") int bucketsTested,
                     @JsonProperty("kendall_s") Long kendallS,
                     @JsonProperty("p_value") Double pValue,
                     @JsonProperty("slope_per_bucket") Double slopePerBucket,
                     @JsonProperty("change_over_window") Double changeOverWindow) {
    }

    record SignalTrend(String polarity, String direction, String reason, TrendTest test, List<Bucket> buckets) {
    }

    /** The decision rule's settings, echoed so a reader can check a verdict. */
    record Rule(double alpha, @JsonProperty("min_change") double minChange, @JsonProperty("min_buckets") int minBuckets) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TrendReport(Instant from, Instant to, String bucket,
                       @JsonProperty("bucket_count") int bucketCount,
                       List<JobState> states,
                       @JsonProperty("job_class") Integer jobClass,
                       @JsonProperty("adapter_type") String adapterType,
                       Rule rule,
                       Map<String, SignalTrend> signals) {
    }

    private HistoryViews() {
    }
}

package dev.lto.action.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.AlertSeverity;
import java.time.Instant;
import java.util.Map;

/**
 * An alert as the API shows it: the seed's columns, its dedup state, its status and, once
 * resolved, how long it took ({@code resolution_s}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertView(
        @JsonProperty("alert_id") String alertId,
        String status,
        AlertSeverity severity,
        @JsonProperty("alert_type") String alertType,
        @JsonProperty("job_id") String jobId,
        String message,
        String recommendation,
        @JsonProperty("fired_at") Instant firedAt,
        @JsonProperty("last_seen_at") Instant lastSeenAt,
        Integer occurrences,
        @JsonProperty("acknowledged_at") Instant acknowledgedAt,
        @JsonProperty("acknowledged_by") String acknowledgedBy,
        @JsonProperty("ack_note") String ackNote,
        @JsonProperty("resolved_at") Instant resolvedAt,
        @JsonProperty("resolution_s") Double resolutionSeconds,
        @JsonProperty("was_actionable") Boolean wasActionable,
        String fingerprint,
        String source,
        String service,
        Map<String, String> links) {

    public static AlertView of(Alert a) {
        Double resolution = a.resolutionTime() == null ? null : a.resolutionTime().toMillis() / 1000.0;
        return new AlertView(a.alertId(), a.status(), a.severity(), a.alertType(), a.jobId(), a.message(), a.recommendation(),
                a.firedAt(), a.lastSeenAt(), a.occurrences(), a.acknowledgedAt(), a.acknowledgedBy(), a.ackNote(), a.resolvedAt(),
                resolution, a.wasActionable(), a.fingerprint(), a.source(), a.service(),
                a.jobId() == null ? Map.of("self", "/api/v1/alerts/" + a.alertId())
                        : Map.of("self", "/api/v1/alerts/" + a.alertId(), "job", "/api/v1/jobs/" + a.jobId(),
                                "report", "/api/v1/jobs/" + a.jobId() + "/report"));
    }
}

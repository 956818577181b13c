package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.AlertSeverity;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An alert any service asks the action layer to route, on {@code lto.alerts} (type
 * {@link EventTypes#ALERT_RAISED}). The action layer deduplicates on {@code fingerprint} while the
 * alert is open (default: {@code alert_type} and {@code job_id}) and on the envelope's event id.
 * {@code resolved = true} ends the open alert with that fingerprint (a condition that cleared).
 *
 * @param alertType      what happened, e.g. {@code surrogate_drift}; lower case, digits, {@code _ . -}
 * @param severity       INFO, WARN, CRITICAL or EMERGENCY
 * @param jobId          the job concerned, if any
 * @param message        one sentence for a person
 * @param recommendation what to do about it, if known
 * @param fingerprint    what makes two raises the same alert; null for {@code alert_type/job_id}
 * @param resolved       true to end the open alert with this fingerprint instead of raising one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertRaised(
        @JsonProperty("alert_type") @NotBlank @Size(max = 64) @Pattern(regexp = "[a-z0-9_.-]+") String alertType,
        @NotNull AlertSeverity severity,
        @JsonProperty("job_id") @Size(max = 128) String jobId,
        @NotBlank @Size(max = 2000) String message,
        @Size(max = 2000) String recommendation,
        @Size(max = 256) String fingerprint,
        Boolean resolved) {

    /** The fingerprint the action layer deduplicates on. */
    @JsonIgnore
    public String effectiveFingerprint() {
        return fingerprint != null && !fingerprint.isBlank() ? fingerprint : alertType + "/" + (jobId == null ? "-" : jobId);
    }

    @JsonIgnore
    public boolean isResolution() {
        return Boolean.TRUE.equals(resolved);
    }
}

package dev.lto.action.alerts;

import dev.lto.contracts.AlertSeverity;
import java.time.Duration;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One alert, a row of the seed's {@code alerts} table plus its dedup and routing columns. Open
 * while {@code resolvedAt} is null; active (listed by {@code /api/v1/alerts/active}) while open and
 * not acknowledged. Immutable: every change is a new value saved by {@link AlertEngine}.
 *
 * @param fingerprint what makes two raises the same alert while it is open
 * @param occurrences raises folded into this alert (1 for a fresh one)
 * @param source      {@link AlertSource} name: where it came from
 * @param service     the service it concerns or came from
 */
@Table("alerts")
public record Alert(
        @Id String alertId,
        Instant firedAt,
        Instant acknowledgedAt,
        Instant resolvedAt,
        AlertSeverity severity,
        String jobId,
        String alertType,
        String message,
        String recommendation,
        String acknowledgedBy,
        Boolean wasActionable,
        String fingerprint,
        int occurrences,
        Instant lastSeenAt,
        String source,
        String service,
        String ackNote) {

    public boolean isOpen() {
        return resolvedAt == null;
    }

    public boolean isActive() {
        return resolvedAt == null && acknowledgedAt == null;
    }

    /** FIRING, ACKNOWLEDGED (open, acknowledged) or RESOLVED. */
    public String status() {
        return resolvedAt != null ? "RESOLVED" : acknowledgedAt != null ? "ACKNOWLEDGED" : "FIRING";
    }

    /** Fired to resolved; null while open. */
    public Duration resolutionTime() {
        return resolvedAt == null ? null : Duration.between(firedAt, resolvedAt);
    }

    Alert seenAgain(AlertSeverity worst, String newMessage, String newRecommendation, Instant at) {
        return new Alert(alertId, firedAt, acknowledgedAt, resolvedAt, worst, jobId, alertType, newMessage,
                newRecommendation == null ? recommendation : newRecommendation, acknowledgedBy, wasActionable, fingerprint,
                occurrences + 1, at, source, service, ackNote);
    }

    Alert acknowledged(String by, String note, Instant at, boolean alsoResolve) {
        return new Alert(alertId, firedAt, at, alsoResolve ? at : resolvedAt, severity, jobId, alertType, message, recommendation,
                by, wasActionable, fingerprint, occurrences, lastSeenAt, source, service, note);
    }

    Alert resolved(Instant at) {
        return new Alert(alertId, firedAt, acknowledgedAt, at, severity, jobId, alertType, message, recommendation,
                acknowledgedBy, wasActionable, fingerprint, occurrences, lastSeenAt, source, service, ackNote);
    }

    Alert withFeedback(boolean actionable) {
        return new Alert(alertId, firedAt, acknowledgedAt, resolvedAt, severity, jobId, alertType, message, recommendation,
                acknowledgedBy, actionable, fingerprint, occurrences, lastSeenAt, source, service, ackNote);
    }
}

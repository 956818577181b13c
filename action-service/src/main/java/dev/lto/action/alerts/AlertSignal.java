package dev.lto.action.alerts;

import dev.lto.contracts.AlertSeverity;
import java.time.Instant;
import java.util.Objects;

/**
 * A request to raise (or fold into) an alert.
 *
 * @param sourceId    the id of what caused it (stream event id, webhook alert key); a second signal
 *                    with the same id changes nothing. Null for scheduled checks, which are
 *                    idempotent by fingerprint alone.
 * @param fingerprint one open alert per fingerprint
 */
public record AlertSignal(
        String sourceId,
        String fingerprint,
        AlertSeverity severity,
        String alertType,
        String jobId,
        String message,
        String recommendation,
        AlertSource source,
        String service,
        Instant at) {

    public AlertSignal {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(alertType, "alertType");
        Objects.requireNonNull(source, "source");
        // DuckDB keeps microseconds: the alert returned is then equal to the one read back.
        at = Objects.requireNonNull(at, "at").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}

package dev.lto.action.streams;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lto.action.alerts.Alert;
import dev.lto.action.alerts.AlertEvents;
import dev.lto.contracts.AlertSeverity;
import java.time.Instant;
import org.springframework.context.event.EventListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * Produces {@code /ws/alerts} from the alert engine's events (published after each change
 * committed): an {@link AlertFrame} when an alert fires (a repeat folded into an open alert is not
 * a new alert and sends nothing), an {@link AlertUpdateFrame} when one is acknowledged or resolved.
 * Runs on the thread that changed the alert; it only serialises and queues.
 */
class AlertFrames {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AlertFrames.class);

    /** The seed's AlertFrame (§8), field for field. */
    @JsonPropertyOrder({"timestamp", "frame_type", "alert_id", "severity", "job_id", "message", "recommendation"})
    record AlertFrame(Instant timestamp,
                      @JsonProperty("frame_type") String frameType,
                      @JsonProperty("alert_id") String alertId,
                      AlertSeverity severity,
                      @JsonProperty("job_id") String jobId,
                      String message,
                      String recommendation) {
        static final String TYPE = "alert";
    }

    /**
     * Our second frame type: an alert left the active list. {@code status} ACKNOWLEDGED (someone
     * took it; it may still be open) or RESOLVED (it ended); {@code timestamp} is when.
     */
    @JsonPropertyOrder({"timestamp", "frame_type", "alert_id", "status", "severity", "job_id", "acknowledged_by"})
    record AlertUpdateFrame(Instant timestamp,
                            @JsonProperty("frame_type") String frameType,
                            @JsonProperty("alert_id") String alertId,
                            String status,
                            AlertSeverity severity,
                            @JsonProperty("job_id") String jobId,
                            @JsonProperty("acknowledged_by") String acknowledgedBy) {
        static final String TYPE = "alert_update";
    }

    private final FrameBroadcast alerts;
    private final JsonMapper json;

    AlertFrames(FrameBroadcast alerts, JsonMapper json) {
        this.alerts = alerts;
        this.json = json;
    }

    @EventListener
    void fired(AlertEvents.AlertFired event) {
        Alert a = event.alert();
        send(new AlertFrame(a.firedAt(), AlertFrame.TYPE, a.alertId(), a.severity(), a.jobId(), a.message(), a.recommendation()));
    }

    @EventListener
    void acknowledged(AlertEvents.AlertAcknowledged event) {
        Alert a = event.alert();
        send(new AlertUpdateFrame(a.acknowledgedAt(), AlertUpdateFrame.TYPE, a.alertId(), "ACKNOWLEDGED", a.severity(), a.jobId(),
                a.acknowledgedBy()));
    }

    @EventListener
    void resolved(AlertEvents.AlertResolved event) {
        Alert a = event.alert();
        send(new AlertUpdateFrame(a.resolvedAt(), AlertUpdateFrame.TYPE, a.alertId(), "RESOLVED", a.severity(), a.jobId(),
                a.acknowledgedBy()));
    }

    /** Never throws: the alert is committed; a frame that cannot go out must not fail the caller (a stream consumer, a request). */
    private void send(Object frame) {
        try {
            if (alerts.sessionCount() > 0) {
                alerts.broadcast(json.writeValueAsString(frame));
            }
        } catch (RuntimeException e) {
            log.warn("Alert frame not sent: {}", e.toString());
        }
    }
}

package dev.lto.action.alerts;

import dev.lto.action.events.JobStateObserved;
import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.events.JobStateChanged;
import java.time.Clock;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Alerts from the job pipeline ({@code job.state_changed} on {@code lto.events}): BLOCKED → WARN
 * with the gate's best alternative as the recommendation, ANOMALY_FLAGGED (the actual result broke
 * what was predicted or allowed) → CRITICAL, FAILED (retries spent) → WARN, ESCALATED → CRITICAL.
 * A flagged job's alert ends when its review concludes (CLEARED or ESCALATED). Idempotent on the
 * event id: it runs on the consumer's thread, before the entry is acknowledged.
 */
@Component
class PipelineAlerts {

    static final String BLOCKED = "job_blocked";
    static final String ANOMALY = "job_anomaly";
    static final String FAILED = "job_failed";
    static final String ESCALATED = "job_escalated";

    private final AlertEngine engine;
    private final Clock clock;

    PipelineAlerts(AlertEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    @EventListener
    void on(JobStateObserved observed) {
        JobStateChanged c = observed.change();
        String job = c.jobId();
        String report = "/api/v1/jobs/" + job + "/report";
        switch (c.to()) {
            case BLOCKED -> raise(observed, AlertSeverity.WARN, BLOCKED,
                    "Job " + job + " blocked at preflight: " + orElse(c.reason(), "its constraint profile would be violated"),
                    c.recommendation() != null ? c.recommendation()
                            : "No alternative in the event; see the gate's alternatives in " + report);
            case ANOMALY_FLAGGED -> raise(observed, AlertSeverity.CRITICAL, ANOMALY,
                    "Job " + job + " flagged: " + orElse(c.reason(), "its result disagrees with the prediction"),
                    "Review it: POST /api/v1/jobs/" + job + "/review (start, then clear or escalate); details in " + report);
            case FAILED -> raise(observed, AlertSeverity.WARN, FAILED,
                    "Job " + job + " failed after its retries: " + orElse(c.reason(), "no reason given"),
                    "Check the simulator adapters (GET /api/v1/health/components) and the job's last error in " + report
                            + ", then resubmit");
            case ESCALATED -> {
                engine.resolveForJob(observed.eventId() + "#review", job, AlertSource.PIPELINE, Set.of(ANOMALY), clock.instant());
                raise(observed, AlertSeverity.CRITICAL, ESCALATED,
                        "Job " + job + " escalated by its reviewer: " + orElse(c.reason(), "no note"),
                        "A reviewer judged the anomaly real: check the simulator and the model on this job class; " + report);
            }
            case CLEARED -> engine.resolveForJob(observed.eventId(), job, AlertSource.PIPELINE, Set.of(ANOMALY), clock.instant());
            default -> {
                // other transitions are not alert-worthy
            }
        }
    }

    private void raise(JobStateObserved o, AlertSeverity severity, String type, String message, String recommendation) {
        String job = o.change().jobId();
        engine.raise(new AlertSignal(o.eventId(), type + "/" + job, severity, type, job, message, recommendation,
                AlertSource.PIPELINE, o.producer(), clock.instant()));
    }

    private static String orElse(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }
}

package dev.lto.intelligence.models;

import dev.lto.engine.lifecycle.LifecycleConflict;
import dev.lto.engine.lifecycle.Retraining;
import dev.lto.engine.registry.ModelRegistry;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * What starts a retrain run besides the API: the schedule ({@code lto.models.retrain.cron}, every 24 h)
 * and a drift alert (at most one per {@code lto.models.retrain.drift-cooldown}). A trigger while a run is
 * running is skipped (logged): that run already uses the newest data.
 */
public class RetrainTriggers {

    private static final Logger log = LoggerFactory.getLogger(RetrainTriggers.class);

    private final Retraining retraining;
    private final RetrainProperties props;
    private final Clock clock;
    private final boolean commandMode;
    private Instant lastDriftRun;

    RetrainTriggers(Retraining retraining, RetrainProperties props, Clock clock, boolean commandMode) {
        this.retraining = retraining;
        this.props = props;
        this.clock = clock;
        this.commandMode = commandMode;
    }

    @Scheduled(cron = "${lto.models.retrain.cron:0 0 3 * * *}")
    void scheduled() {
        if (!commandMode) {
            start("schedule", "scheduled retrain (" + props.cron() + ")");
        }
    }

    /**
     * A {@code model_drift} alert was raised for {@code feature}: starts a run unless one started on drift
     * within the cooldown; true when it did.
     */
    public synchronized boolean onDriftAlert(String feature) {
        if (!props.onDrift() || commandMode) {
            return false;
        }
        Instant now = clock.instant();
        if (lastDriftRun != null && now.isBefore(lastDriftRun.plus(props.driftCooldown()))) {
            log.info("Retrain: drift on {} ignored: a drift-started run began at {} (cooldown {})", feature, lastDriftRun,
                    props.driftCooldown());
            return false;
        }
        if (start("drift", "model_drift alert on " + feature)) {
            lastDriftRun = now;
            return true;
        }
        return false;
    }

    private boolean start(String trigger, String reason) {
        try {
            Retraining.Run r = retraining.start(trigger, ModelRegistry.SYSTEM, reason);
            log.info("Retrain: {} started ({})", r.runId(), reason);
            return true;
        } catch (LifecycleConflict e) {
            log.info("Retrain: {} skipped: {}", trigger, e.getMessage());
            return false;
        }
    }
}

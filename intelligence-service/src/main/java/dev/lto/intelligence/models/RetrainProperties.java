package dev.lto.intelligence.models;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retrain runs (docs/ml.md §13), prefix {@code lto.models.retrain}.
 *
 * @param cron              when the scheduled retrain runs (Spring cron; seed §6: every 24 h); {@code -} turns it off
 * @param onDrift           start a run when a {@code model_drift} alert is raised
 * @param driftCooldown     at most one drift-started run per this long (a drifting window keeps alerting)
 * @param notWorseTolerance how far (fraction: 0.005 = 0.5 points) the candidate's accuracy and critical accuracy may
 *                          lie below production's on the candidate's held-out jobs
 */
@ConfigurationProperties("lto.models.retrain")
public record RetrainProperties(@DefaultValue("0 0 3 * * *") String cron,
                                @DefaultValue("true") boolean onDrift,
                                @DefaultValue("6h") Duration driftCooldown,
                                @DefaultValue("0.005") double notWorseTolerance) {

    public RetrainProperties {
        if (!(notWorseTolerance >= 0 && notWorseTolerance < 1)) {
            throw new IllegalArgumentException("lto.models.retrain.not-worse-tolerance must be in [0, 1), got " + notWorseTolerance);
        }
        if (driftCooldown.isNegative()) {
            throw new IllegalArgumentException("lto.models.retrain.drift-cooldown must not be negative, got " + driftCooldown);
        }
    }
}

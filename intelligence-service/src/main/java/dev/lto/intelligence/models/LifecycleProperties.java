package dev.lto.intelligence.models;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The model lifecycle (docs/ml.md, "Lifecycle"), prefix {@code lto.models.lifecycle}.
 *
 * @param rollbackWindow how long a model retired from production stays the rollback candidate (seed §6: 30 days)
 */
@ConfigurationProperties("lto.models.lifecycle")
public record LifecycleProperties(@DefaultValue("30d") Duration rollbackWindow) {

    public LifecycleProperties {
        if (rollbackWindow.isNegative() || rollbackWindow.isZero()) {
            throw new IllegalArgumentException("lto.models.lifecycle.rollback-window must be positive, got " + rollbackWindow);
        }
    }
}

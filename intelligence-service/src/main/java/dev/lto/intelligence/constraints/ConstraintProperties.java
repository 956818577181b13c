package dev.lto.intelligence.constraints;

import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.TradeoffSignals;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Constraint profiles, prefix {@code lto.constraints} (lto-models.yml; documented in docs/ml.md).
 * A job names its profile in {@code constraint_profile}; each limit bounds one signal from below
 * ({@code min}) or above ({@code max}).
 */
@ConfigurationProperties("lto.constraints")
public record ConstraintProperties(@DefaultValue Map<String, Profile> profiles) {

    public ConstraintProperties {
        profiles.forEach((name, p) -> p.limits().forEach(l -> {
            if (!TradeoffSignals.NAMES.contains(l.signal())) {
                throw new IllegalArgumentException("profile " + name + ": unknown signal " + l.signal());
            }
            if (l.min() == null && l.max() == null) {
                throw new IllegalArgumentException("profile " + name + ": limit on " + l.signal() + " has neither min nor max");
            }
        }));
    }

    /**
     * A named set of limits. {@code blockOn} overrides {@code lto.preflight.block-on} for jobs of
     * this profile: {@code confident} or {@code score} (docs/pipeline.md); null = the global setting.
     */
    public record Profile(String description, @DefaultValue List<Limit> limits, BlockOn blockOn) {
    }

    /** One bound: {@code name} identifies it in violations. */
    public record Limit(String name, String signal, Double min, Double max,
                        @DefaultValue("WARN") AlertSeverity severity) {
    }
}

package dev.lto.action.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What {@code /api/v1/health/components} checks ({@code lto.action.health.*}).
 *
 * @param services     service name → base URL; each one's {@code /actuator/health} is called
 * @param streams      streams whose consumer groups and dead-letter queues are reported
 * @param lagDegraded  a group lagging by more entries than this is DEGRADED
 * @param timeout      per-check timeout
 */
@ConfigurationProperties("lto.action.health")
record HealthProperties(
        Map<String, String> services,
        List<String> streams,
        @DefaultValue("1000") long lagDegraded,
        @DefaultValue("2s") Duration timeout) {

    HealthProperties {
        services = services == null ? Map.of() : Map.copyOf(services);
        streams = streams == null ? List.of() : List.copyOf(streams);
    }
}

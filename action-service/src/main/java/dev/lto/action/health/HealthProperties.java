package dev.lto.action.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What {@code /api/v1/health/components} checks ({@code lto.action.health.*}).
 *
 * @param services         service name → base URL; each one's {@code /actuator/health} is called
 * @param streams          streams whose consumer groups and dead-letter queues are reported
 * @param adapterHosts     services (names from {@code services}) that run simulator adapters; each
 *                         one's {@code /api/v1/simulators/health} is asked for its adapters' self-tests
 * @param lagDegraded      a group lagging by more entries than this is DEGRADED
 * @param eventsStaleAfter no event on {@code lto.events} for longer than this is DEGRADED (the
 *                         orchestrator publishes a {@code pipeline.monitored} snapshot every
 *                         monitoring interval, 30 s by default)
 * @param timeout          per-check timeout
 */
@ConfigurationProperties("lto.action.health")
record HealthProperties(
        Map<String, String> services,
        List<String> streams,
        @DefaultValue("intelligence-service") List<String> adapterHosts,
        @DefaultValue("1000") long lagDegraded,
        @DefaultValue("2m") Duration eventsStaleAfter,
        @DefaultValue("2s") Duration timeout) {

    HealthProperties {
        services = services == null ? Map.of() : Map.copyOf(services);
        streams = streams == null ? List.of() : List.copyOf(streams);
        adapterHosts = adapterHosts == null ? List.of() : List.copyOf(adapterHosts);
    }
}

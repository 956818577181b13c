package dev.lto.intelligence.simulation;

import dev.lto.contracts.AdapterHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Actuator health contributor {@code simulators}: DOWN when an adapter's self-test is DOWN (or
 * there is no adapter: no job can be validated or simulated), UNKNOWN when one could not tell,
 * otherwise UP; a DEGRADED adapter stays UP here (actuator has no such status) and is reported as
 * such in the details and at {@code /api/v1/simulators/health}.
 */
@Component("simulators")
class SimulatorsHealthIndicator implements HealthIndicator {

    private final SimulatorHealth health;

    SimulatorsHealthIndicator(SimulatorHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        List<AdapterHealth> adapters = health.current();
        Status status = switch (SimulatorHealth.worst(adapters)) {
            case DOWN -> Status.DOWN;
            case UNKNOWN -> Status.UNKNOWN;
            case UP, DEGRADED, NOT_APPLICABLE -> Status.UP;
        };
        Health.Builder b = Health.status(status);
        if (adapters.isEmpty()) {
            b.withDetail("adapters", "none registered");
        }
        for (AdapterHealth a : adapters) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("status", a.status().name());
            if (a.device() != null) {
                d.put("device", a.device());
            }
            if (a.simulatorVersion() != null) {
                d.put("version", a.simulatorVersion());
            }
            if (a.detail() != null) {
                d.put("detail", a.detail());
            }
            d.put("checked_at", a.checkedAt().toString());
            b.withDetail(a.adapterType(), d);
        }
        return b.build();
    }
}

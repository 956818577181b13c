package dev.lto.intelligence.simulation;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/simulators/health}: each simulator adapter's own self-test in this process
 * (the action service turns each into a component of the system's health).
 */
@RestController
class SimulatorHealthController {

    private final SimulatorHealth health;

    SimulatorHealthController(SimulatorHealth health) {
        this.health = health;
    }

    record SimulatorsHealth(HealthStatus status, @JsonProperty("checked_at") Instant checkedAt, List<AdapterHealth> adapters) {
    }

    @GetMapping("/api/v1/simulators/health")
    SimulatorsHealth simulators() {
        List<AdapterHealth> adapters = health.current();
        return new SimulatorsHealth(SimulatorHealth.worst(adapters), Instant.now(), adapters);
    }
}

package dev.lto.action.health;

import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/health}: the system's health from real checks, summarised and per component. */
@RestController
@RequestMapping("/api/v1/health")
class HealthController {

    private final HealthChecks checks;

    HealthController(HealthChecks checks) {
        this.checks = checks;
    }

    @GetMapping
    SystemHealth health() {
        return checks.summarise(checks.checkAll());
    }

    @GetMapping("/components")
    ComponentsReport components() {
        List<ComponentHealth> components = checks.checkAll();
        return new ComponentsReport(HealthChecks.overall(components), Instant.now(), components);
    }
}

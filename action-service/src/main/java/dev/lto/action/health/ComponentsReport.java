package dev.lto.action.health;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.HealthStatus;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/health/components}: every component's check, and the overall status. */
record ComponentsReport(
        HealthStatus status,
        @JsonProperty("checked_at") Instant checkedAt,
        List<ComponentHealth> components) {
}

package dev.lto.action.health;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.HealthStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/health}: the overall status (the worst of the components), a 0-1 health
 * score (share of components UP, DEGRADED counting half), and a count per status.
 */
record SystemHealth(
        HealthStatus status,
        @JsonProperty("system_health") double systemHealth,
        @JsonProperty("checked_at") Instant checkedAt,
        @JsonProperty("components_by_status") Map<HealthStatus, Long> componentsByStatus,
        @JsonProperty("unhealthy_components") List<String> unhealthyComponents,
        @JsonProperty("active_jobs") long activeJobs) {
}

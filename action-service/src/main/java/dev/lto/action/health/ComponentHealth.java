package dev.lto.action.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.HealthStatus;
import java.time.Instant;
import java.util.Map;

/**
 * One component's health, from a real check made at {@code checked_at}. Public for the alert
 * engine, which turns DOWN services, dead letters and lag into alerts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComponentHealth(
        String name,
        String kind,
        HealthStatus status,
        String detail,
        @JsonProperty("latency_ms") Double latencyMs,
        @JsonProperty("checked_at") Instant checkedAt,
        Map<String, Object> data) {
}

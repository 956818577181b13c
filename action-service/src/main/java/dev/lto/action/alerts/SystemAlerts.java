package dev.lto.action.alerts;

import dev.lto.action.health.ComponentHealth;
import dev.lto.action.health.HealthChecks;
import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.HealthStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * System conditions, from the same checks as {@code /api/v1/health/components}, every
 * {@code check-interval}: Redis or a service DOWN → EMERGENCY, a dead-letter stream with entries →
 * CRITICAL, a consumer group lagging by more than {@code lag-warn} → WARN. Each ends by itself at
 * the first check that finds it clear; a condition that could not be checked this time (e.g. the
 * streams while Redis is down) is left as it was.
 */
@Component
@EnableScheduling
class SystemAlerts {

    private static final Logger log = LoggerFactory.getLogger(SystemAlerts.class);

    private final HealthChecks checks;
    private final AlertEngine engine;
    private final AlertProperties properties;
    private final Clock clock;

    SystemAlerts(HealthChecks checks, AlertEngine engine, AlertProperties properties, Clock clock) {
        this.checks = checks;
        this.engine = engine;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "${lto.action.alerts.check-interval:15s}", fixedDelayString = "${lto.action.alerts.check-interval:15s}")
    void check() {
        try {
            evaluate(checks.checkAll());
        } catch (RuntimeException e) {
            log.warn("System alert check failed: {}", e.toString());
        }
    }

    /** A condition found, by fingerprint. */
    record Condition(AlertSeverity severity, String type, String service, String message, String recommendation) {
    }

    /**
     * Raises what fires and resolves open system alerts whose scope was checked and found clear.
     * A scope is a fingerprint, or a prefix ending in {@code /} covering a stream's groups.
     */
    void evaluate(List<ComponentHealth> components) {
        Map<String, Condition> firing = new LinkedHashMap<>();
        List<String> scopes = new ArrayList<>();
        for (ComponentHealth c : components) {
            if (c.name().equals("redis")) {
                scopes.add("system/redis-down");
                if (c.status() == HealthStatus.DOWN) {
                    firing.put("system/redis-down", new Condition(AlertSeverity.EMERGENCY, "redis_down", "redis",
                            "Redis is down: " + c.detail(), "Start Redis (./lto up starts one) or fix LTO_REDIS_HOST/LTO_REDIS_PORT; "
                            + "nothing is submitted or processed until it answers"));
                }
            } else if (c.kind().equals("service")) {
                String fp = "system/service-down/" + c.name();
                scopes.add(fp);
                if (c.status() == HealthStatus.DOWN) {
                    firing.put(fp, new Condition(AlertSeverity.EMERGENCY, "service_down", c.name(), c.name() + " is down: " + c.detail(),
                            "Restart " + c.name() + " (./lto up) and read its log"));
                }
            } else if (c.kind().equals("stream") && c.data() != null && c.data().get("dlq_length") instanceof Number dlq) {
                String stream = c.name().substring("stream:".length());
                String dlqFp = "system/dead-letters/" + stream;
                scopes.add(dlqFp);
                if (dlq.longValue() > 0) {
                    firing.put(dlqFp, new Condition(AlertSeverity.CRITICAL, "dead_letters", null,
                            dlq.longValue() + " message(s) dead-lettered in " + stream + ".dlq",
                            "Read them (redis-cli XRANGE " + stream + ".dlq - + COUNT 10: x-exception-message says why), fix the "
                                    + "producer or consumer, then delete them (XTRIM " + stream + ".dlq MAXLEN 0)"));
                }
                String lagScope = "system/consumer-lag/" + stream + "/";
                scopes.add(lagScope);
                if (c.data().get("groups") instanceof List<?> groups) {
                    for (Object g : groups) {
                        if (g instanceof Map<?, ?> group && group.get("lag") instanceof Number lag && lag.longValue() > properties.lagWarn()) {
                            String name = String.valueOf(group.get("group"));
                            firing.put(lagScope + name, new Condition(AlertSeverity.WARN, "consumer_lag", null,
                                    "Consumer group " + name + " on " + stream + " lags by " + lag.longValue() + " entries (> "
                                            + properties.lagWarn() + ")",
                                    "Add consumers (scale the service that reads " + stream + ") or find what slows them"));
                        }
                    }
                }
            }
        }
        Instant now = clock.instant();
        firing.forEach((fp, c) -> engine.raise(new AlertSignal(null, fp, c.severity(), c.type(), null, c.message(), c.recommendation(),
                AlertSource.SYSTEM, c.service(), now)));
        for (Alert open : engine.openFrom(AlertSource.SYSTEM)) {
            String fp = open.fingerprint();
            boolean checked = scopes.stream().anyMatch(s -> s.endsWith("/") ? fp.startsWith(s) : fp.equals(s));
            if (checked && !firing.containsKey(fp)) {
                engine.resolve(null, fp, now);
            }
        }
    }
}

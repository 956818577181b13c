package dev.lto.action.health;

import dev.lto.action.events.PipelineActivity;
import dev.lto.contracts.HealthStatus;
import dev.lto.stream.binder.redis.RedisStreamInspector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the real checks behind the health API: Redis PING, each stream's consumer groups (pending,
 * lag) and dead-letter queue, each service's {@code /actuator/health}, and what the action layer
 * has seen on {@code lto.events}. Checks run in parallel, each bounded by the configured timeout.
 */
@Service
@EnableConfigurationProperties(HealthProperties.class)
class HealthChecks {

    private final RedisStreamInspector streams;
    private final PipelineActivity activity;
    private final HealthProperties properties;
    private final JsonMapper json;
    private final HttpClient http;

    HealthChecks(RedisStreamInspector streams, PipelineActivity activity, HealthProperties properties, JsonMapper json) {
        this.streams = streams;
        this.activity = activity;
        this.properties = properties;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    }

    List<ComponentHealth> checkAll() {
        List<ComponentHealth> result = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ComponentHealth>> pending = new ArrayList<>();
            pending.add(pool.submit(this::redis));
            properties.services().forEach((name, url) -> pending.add(pool.submit(() -> service(name, url))));
            boolean redisUp = streams.ping();
            if (redisUp) {
                properties.streams().forEach(stream -> pending.add(pool.submit(() -> stream(stream))));
            }
            for (Future<ComponentHealth> f : pending) {
                try {
                    result.add(f.get());
                } catch (Exception e) {
                    throw new IllegalStateException("health check crashed", e);
                }
            }
        }
        result.add(pipelineActivity());
        return result;
    }

    SystemHealth summarise(List<ComponentHealth> components) {
        Map<HealthStatus, Long> byStatus = new EnumMap<>(HealthStatus.class);
        components.forEach(c -> byStatus.merge(c.status(), 1L, Long::sum));
        double score = components.isEmpty() ? 0
                : (byStatus.getOrDefault(HealthStatus.UP, 0L) + 0.5 * byStatus.getOrDefault(HealthStatus.DEGRADED, 0L)) / components.size();
        List<String> unhealthy = components.stream().filter(c -> c.status() != HealthStatus.UP).map(ComponentHealth::name).toList();
        return new SystemHealth(overall(components), Math.round(score * 1000) / 1000.0, Instant.now(), byStatus, unhealthy,
                activity.activeJobs());
    }

    /** The worst status among the components (UNKNOWN counts as DEGRADED: we could not tell). */
    static HealthStatus overall(List<ComponentHealth> components) {
        return components.stream().map(ComponentHealth::status)
                .map(s -> s == HealthStatus.UNKNOWN ? HealthStatus.DEGRADED : s)
                .max(Comparator.comparingInt(HealthChecks::severity))
                .orElse(HealthStatus.UNKNOWN);
    }

    private static int severity(HealthStatus s) {
        return switch (s) {
            case UP -> 0;
            case DEGRADED, UNKNOWN -> 1;
            case DOWN -> 2;
        };
    }

    private ComponentHealth redis() {
        long start = System.nanoTime();
        boolean up = streams.ping();
        return new ComponentHealth("redis", "message-backbone", up ? HealthStatus.UP : HealthStatus.DOWN,
                up ? "PING answered" : "PING failed: Redis unreachable, nothing can be submitted or processed",
                millisSince(start), Instant.now(), Map.of());
    }

    private ComponentHealth stream(String stream) {
        long start = System.nanoTime();
        long length = streams.streamLength(stream);
        long dlq = streams.deadLetterLength(stream);
        List<Map<String, Object>> groups = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (RedisStreamInspector.GroupInfo g : streams.groups(stream)) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("group", g.name());
            group.put("consumers", g.consumers());
            group.put("pending", g.pending());
            group.put("lag", g.lag());
            groups.add(group);
            if (g.lag() != null && g.lag() > properties.lagDegraded()) {
                problems.add("group " + g.name() + " lags by " + g.lag() + " entries (> " + properties.lagDegraded() + ")");
            }
            if (g.consumers() == 0 && (g.pending() > 0 || (g.lag() != null && g.lag() > 0))) {
                problems.add("group " + g.name() + " has work but no consumer");
            }
        }
        if (dlq > 0) {
            problems.add(dlq + " dead-lettered entr" + (dlq == 1 ? "y" : "ies") + " in " + stream + ".dlq");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("length", length);
        data.put("dlq_length", dlq);
        data.put("groups", groups);
        String detail = problems.isEmpty() ? (groups.isEmpty() ? "no consumer group yet" : "consumers keeping up") : String.join("; ", problems);
        return new ComponentHealth("stream:" + stream, "stream", problems.isEmpty() ? HealthStatus.UP : HealthStatus.DEGRADED,
                detail, millisSince(start), Instant.now(), data);
    }

    private ComponentHealth service(String name, String baseUrl) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                    .timeout(properties.timeout()).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = json.readTree(r.body());
            String status = body.path("status").asString("UNKNOWN");
            HealthStatus mapped = switch (status) {
                case "UP" -> HealthStatus.UP;
                case "DOWN", "OUT_OF_SERVICE" -> HealthStatus.DOWN;
                default -> HealthStatus.UNKNOWN;
            };
            return new ComponentHealth(name, "service", mapped, "actuator health " + status + " (HTTP " + r.statusCode() + ")",
                    millisSince(start), Instant.now(), Map.of("url", baseUrl));
        } catch (Exception e) {
            return new ComponentHealth(name, "service", HealthStatus.DOWN, "not answering at " + baseUrl + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), millisSince(start), Instant.now(), Map.of("url", baseUrl));
        }
    }

    private ComponentHealth pipelineActivity() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("events_by_type", activity.eventsByType());
        data.put("jobs_by_state", activity.jobsByState());
        data.put("active_jobs", activity.activeJobs());
        data.put("duplicates_ignored", activity.duplicatesIgnored());
        data.put("last_event_at", activity.lastEventAt());
        return new ComponentHealth("pipeline-activity", "events", HealthStatus.UP,
                activity.lastEventAt() == null ? "no event seen since this service started" : "events flowing",
                null, Instant.now(), data);
    }

    private static double millisSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
    }
}

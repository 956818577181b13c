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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /**
     * Every check, in parallel; a check that fails or outlives {@code timeout} becomes a DOWN or
     * UNKNOWN component rather than an error of the health API itself.
     */
    List<ComponentHealth> checkAll() {
        List<ComponentHealth> result = new ArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            ComponentHealth redis = bounded(pool.submit(this::redis), "redis", "message-backbone", HealthStatus.DOWN);
            result.add(redis);
            Map<String, Future<ComponentHealth>> pending = new LinkedHashMap<>();
            properties.services().forEach((name, url) -> pending.put(name, pool.submit(() -> service(name, url))));
            if (redis.status() == HealthStatus.UP) {
                properties.streams().forEach(stream -> pending.put("stream:" + stream, pool.submit(() -> stream(stream))));
            }
            pending.forEach((name, f) -> result.add(bounded(f, name, name.startsWith("stream:") ? "stream" : "service",
                    name.startsWith("stream:") ? HealthStatus.UNKNOWN : HealthStatus.DOWN)));
        } finally {
            pool.shutdownNow();
        }
        result.add(pipelineActivity());
        return result;
    }

    private ComponentHealth bounded(Future<ComponentHealth> check, String name, String kind, HealthStatus onFailure) {
        long start = System.nanoTime();
        try {
            return check.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            return new ComponentHealth(name, kind, onFailure, "check did not answer within " + properties.timeout(),
                    millisSince(start), Instant.now(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ComponentHealth(name, kind, HealthStatus.UNKNOWN, "interrupted", millisSince(start), Instant.now(), Map.of());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new ComponentHealth(name, kind, onFailure, "check failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()), millisSince(start), Instant.now(), Map.of());
        }
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
            if (g.lag() == null && length > 0) {
                // Redis cannot tell the lag once entries past the group's position were trimmed or deleted.
                problems.add("group " + g.name() + " lag unknown: entries it had not read may have been trimmed");
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

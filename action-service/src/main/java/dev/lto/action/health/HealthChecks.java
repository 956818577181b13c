package dev.lto.action.health;

import dev.lto.action.events.PipelineActivity;
import dev.lto.contracts.HealthStatus;
import dev.lto.security.ServiceKey;
import dev.lto.stream.binder.redis.RedisStreamInspector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
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
 * lag) and dead-letter queue, each service's {@code /actuator/health}, the self-tests of the
 * simulator adapters in the services that run them ({@code /api/v1/simulators/health}), and what
 * the action layer has seen on {@code lto.events}. Checks run in parallel, each bounded by the
 * configured timeout. A stream nothing consumes and nothing waits on is NOT_APPLICABLE, which
 * counts neither for nor against the overall status and the score.
 */
@Service
@EnableConfigurationProperties(HealthProperties.class)
public class HealthChecks {

    private final RedisStreamInspector streams;
    private final PipelineActivity activity;
    private final HealthProperties properties;
    private final JsonMapper json;
    private final HttpClient http;
    private final Clock clock;
    private final ServiceKey serviceKey;

    HealthChecks(RedisStreamInspector streams, PipelineActivity activity, HealthProperties properties, JsonMapper json,
                 Clock clock, ServiceKey serviceKey) {
        this.serviceKey = serviceKey;
        this.streams = streams;
        this.activity = activity;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    }

    /**
     * Every check, in parallel; a check that fails or outlives {@code timeout} becomes a DOWN or
     * UNKNOWN component rather than an error of the health API itself.
     */
    public List<ComponentHealth> checkAll() {
        List<ComponentHealth> result = new ArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            ComponentHealth redis = bounded(pool.submit(this::redis), "redis", "message-backbone", HealthStatus.DOWN);
            result.add(redis);
            Map<String, Future<ComponentHealth>> pending = new LinkedHashMap<>();
            properties.services().forEach((name, url) -> pending.put(name, pool.submit(() -> service(name, url))));
            Map<String, Future<List<ComponentHealth>>> adapters = new LinkedHashMap<>();
            for (String host : properties.adapterHosts()) {
                String url = properties.services().get(host);
                if (url != null) {
                    adapters.put(host, pool.submit(() -> adapters(host, url)));
                }
            }
            if (redis.status() == HealthStatus.UP) {
                properties.streams().forEach(stream -> pending.put("stream:" + stream, pool.submit(() -> stream(stream))));
            }
            pending.forEach((name, f) -> result.add(bounded(f, name, name.startsWith("stream:") ? "stream" : "service",
                    name.startsWith("stream:") ? HealthStatus.UNKNOWN : HealthStatus.DOWN)));
            // We could not learn the adapters' state: UNKNOWN, not DOWN (their service's own check says whether it is down).
            adapters.forEach((host, f) -> result.addAll(boundedList(f, "adapters@" + host, "simulator-adapter", HealthStatus.UNKNOWN)));
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
                    millisSince(start), clock.instant(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ComponentHealth(name, kind, HealthStatus.UNKNOWN, "interrupted", millisSince(start), clock.instant(), Map.of());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new ComponentHealth(name, kind, onFailure, "check failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()), millisSince(start), clock.instant(), Map.of());
        }
    }

    private List<ComponentHealth> boundedList(Future<List<ComponentHealth>> check, String name, String kind, HealthStatus onFailure) {
        long start = System.nanoTime();
        try {
            return check.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            return List.of(new ComponentHealth(name, kind, onFailure, "check did not answer within " + properties.timeout(),
                    millisSince(start), clock.instant(), Map.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(new ComponentHealth(name, kind, HealthStatus.UNKNOWN, "interrupted", millisSince(start), clock.instant(), Map.of()));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return List.of(new ComponentHealth(name, kind, onFailure, "check failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()), millisSince(start), clock.instant(), Map.of()));
        }
    }

    /** The 0-1 {@code system_health} score of {@code GET /api/v1/health}, from a fresh round of every check. */
    public double systemHealthScore() {
        return summarise(checkAll()).systemHealth();
    }

    /**
     * The summary: overall status, and the score as the share of applicable components UP
     * (DEGRADED counting half). NOT_APPLICABLE components are counted per status but are neither
     * healthy nor unhealthy: they do not raise the score.
     */
    SystemHealth summarise(List<ComponentHealth> components) {
        Map<HealthStatus, Long> byStatus = new EnumMap<>(HealthStatus.class);
        components.forEach(c -> byStatus.merge(c.status(), 1L, Long::sum));
        long applicable = components.size() - byStatus.getOrDefault(HealthStatus.NOT_APPLICABLE, 0L);
        double score = applicable == 0 ? 0
                : (byStatus.getOrDefault(HealthStatus.UP, 0L) + 0.5 * byStatus.getOrDefault(HealthStatus.DEGRADED, 0L)) / applicable;
        List<String> unhealthy = components.stream()
                .filter(c -> c.status() != HealthStatus.UP && c.status() != HealthStatus.NOT_APPLICABLE)
                .map(ComponentHealth::name).toList();
        return new SystemHealth(overall(components), Math.round(score * 1000) / 1000.0, clock.instant(), byStatus, unhealthy,
                activity.activeJobs());
    }

    /**
     * The worst status among the applicable components (UNKNOWN counts as DEGRADED: we could not
     * tell; NOT_APPLICABLE is left out); UNKNOWN when no component applies.
     */
    static HealthStatus overall(List<ComponentHealth> components) {
        return components.stream().map(ComponentHealth::status)
                .filter(s -> s != HealthStatus.NOT_APPLICABLE)
                .map(s -> s == HealthStatus.UNKNOWN ? HealthStatus.DEGRADED : s)
                .max(Comparator.comparingInt(HealthChecks::severity))
                .orElse(HealthStatus.UNKNOWN);
    }

    private static int severity(HealthStatus s) {
        return switch (s) {
            case NOT_APPLICABLE -> -1;
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
                millisSince(start), clock.instant(), Map.of());
    }

    private ComponentHealth stream(String stream) {
        long start = System.nanoTime();
        long length = streams.streamLength(stream);
        long dlq = streams.deadLetterLength(stream);
        List<RedisStreamInspector.GroupInfo> infos = streams.groups(stream);
        List<Map<String, Object>> groups = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (RedisStreamInspector.GroupInfo g : infos) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("group", g.name());
            group.put("consumers", g.consumers());
            group.put("pending", g.pending());
            group.put("lag", g.lag());
            groups.add(group);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("length", length);
        data.put("dlq_length", dlq);
        data.put("groups", groups);
        String dlqProblem = dlq > 0 ? dlq + " dead-lettered entr" + (dlq == 1 ? "y" : "ies") + " in " + stream + ".dlq" : null;

        // Nothing reads this stream: no group, or groups no consumer has ever read from (a binding
        // that is provisioned but never started, e.g. the GPU request queue without a GPU pool).
        boolean unread = infos.stream().allMatch(g -> g.consumers() == 0);
        if (unread) {
            long waiting = 0;
            boolean waitingUnknown = false;
            for (RedisStreamInspector.GroupInfo g : infos) {
                waiting += g.pending();
                if (g.lag() == null) {
                    waitingUnknown |= length > 0;
                } else {
                    waiting += g.lag();
                }
            }
            if (infos.isEmpty()) {
                waiting = length;
            }
            if (waiting == 0 && !waitingUnknown && dlqProblem == null) {
                String detail = infos.isEmpty()
                        ? "not applicable: no consumer group and nothing waiting; nothing uses this stream here"
                        : "not applicable: group " + names(infos) + " is bound but no consumer has read from it, and nothing waits "
                                + "(a pool or feature that is not enabled)";
                return new ComponentHealth("stream:" + stream, "stream", HealthStatus.NOT_APPLICABLE, detail,
                        millisSince(start), clock.instant(), data);
            }
            problems.add(infos.isEmpty()
                    ? length + (length == 1 ? " entry" : " entries") + " but no consumer group reads this stream"
                    : (waitingUnknown ? "entries (how many Redis cannot tell)" : waiting + (waiting == 1 ? " entry" : " entries"))
                            + " waiting in group " + names(infos) + ", from which no consumer has ever read");
        } else {
            for (RedisStreamInspector.GroupInfo g : infos) {
                if (g.lag() != null && g.lag() > properties.lagDegraded()) {
                    problems.add("group " + g.name() + " lags by " + g.lag() + " entries (> " + properties.lagDegraded() + ")");
                }
                if (g.lag() == null && length > 0) {
                    // Redis cannot tell the lag once entries past the group's position were trimmed or deleted.
                    problems.add("group " + g.name() + " lag unknown: entries it had not read may have been trimmed");
                }
            }
        }
        if (dlqProblem != null) {
            problems.add(dlqProblem);
        }
        String detail = problems.isEmpty() ? "consumers keeping up" : String.join("; ", problems);
        return new ComponentHealth("stream:" + stream, "stream", problems.isEmpty() ? HealthStatus.UP : HealthStatus.DEGRADED,
                detail, millisSince(start), clock.instant(), data);
    }

    private static String names(List<RedisStreamInspector.GroupInfo> groups) {
        return String.join(", ", groups.stream().map(RedisStreamInspector.GroupInfo::name).toList());
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
                    millisSince(start), clock.instant(), Map.of("url", baseUrl));
        } catch (Exception e) {
            return new ComponentHealth(name, "service", HealthStatus.DOWN, "not answering at " + baseUrl + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), millisSince(start), clock.instant(), Map.of("url", baseUrl));
        }
    }

    /**
     * One component per simulator adapter of {@code host}, from the adapters' own self-tests
     * ({@code SimulatorInterface.healthCheck()}, served at {@code /api/v1/simulators/health}).
     */
    private List<ComponentHealth> adapters(String host, String baseUrl) throws Exception {
        long start = System.nanoTime();
        String url = baseUrl + "/api/v1/simulators/health";
        HttpResponse<String> r;
        try {
            r = http.send(serviceKey.sign(HttpRequest.newBuilder(URI.create(url))).timeout(properties.timeout()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return List.of(new ComponentHealth("adapters@" + host, "simulator-adapter", HealthStatus.UNKNOWN,
                    "could not ask " + url + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    millisSince(start), clock.instant(), Map.of("url", url)));
        }
        Double latency = millisSince(start);
        if (r.statusCode() != 200) {
            return List.of(new ComponentHealth("adapters@" + host, "simulator-adapter", HealthStatus.UNKNOWN,
                    url + " answered HTTP " + r.statusCode(), latency, clock.instant(), Map.of("url", url)));
        }
        JsonNode adapters = json.readTree(r.body()).path("adapters");
        if (adapters.isEmpty()) {
            return List.of(new ComponentHealth("adapters@" + host, "simulator-adapter", HealthStatus.DOWN,
                    "no simulator adapter registered in " + host + ": no job can be validated or simulated there",
                    latency, clock.instant(), Map.of("url", url)));
        }
        List<ComponentHealth> out = new ArrayList<>();
        for (JsonNode a : adapters) {
            HealthStatus status;
            try {
                status = HealthStatus.valueOf(a.path("status").asString("UNKNOWN"));
            } catch (IllegalArgumentException e) {
                status = HealthStatus.UNKNOWN;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("reported_by", host);
            putText(data, "simulator_version", a.path("simulator_version"));
            putText(data, "device", a.path("device"));
            String detail = a.path("detail").isMissingNode() || a.path("detail").isNull()
                    ? "self-test " + status : a.path("detail").asString();
            Instant checkedAt = a.hasNonNull("checked_at") ? Instant.parse(a.get("checked_at").asString()) : clock.instant();
            out.add(new ComponentHealth("adapter:" + a.path("adapter_type").asString("?") + "@" + host, "simulator-adapter",
                    status, detail, latency, checkedAt, data));
        }
        return out;
    }

    private static void putText(Map<String, Object> data, String key, JsonNode value) {
        if (!value.isMissingNode() && !value.isNull()) {
            data.put(key, value.asString());
        }
    }

    /**
     * What the action layer knows of {@code lto.events}: UP while events keep arriving (the
     * orchestrator publishes a snapshot every monitoring interval even when idle), DEGRADED once
     * none came for {@code events-stale-after}, UNKNOWN while none has been seen since this service
     * started less than that ago.
     */
    private ComponentHealth pipelineActivity() {
        Instant now = clock.instant();
        Instant last = activity.lastEventAt();
        Duration staleAfter = properties.eventsStaleAfter();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("events_by_type", activity.eventsByType());
        data.put("jobs_by_state", activity.jobsByState());
        data.put("active_jobs", activity.activeJobs());
        data.put("duplicates_ignored", activity.duplicatesIgnored());
        data.put("last_event_at", last);
        data.put("stale_after_s", staleAfter.toSeconds());
        HealthStatus status;
        String detail;
        if (last == null) {
            Duration watching = Duration.between(activity.startedAt(), now);
            data.put("watching_s", watching.toSeconds());
            if (watching.compareTo(staleAfter) > 0) {
                status = HealthStatus.DEGRADED;
                detail = "no event on lto.events in the " + seconds(watching) + " since this service started (more than "
                        + seconds(staleAfter) + "): the orchestrator, which publishes a snapshot every monitoring interval, "
                        + "is not running or cannot publish";
            } else {
                status = HealthStatus.UNKNOWN;
                detail = "no event seen yet: this service started " + seconds(watching) + " ago (an event is expected within "
                        + seconds(staleAfter) + ")";
            }
        } else {
            Duration age = Duration.between(last, now);
            data.put("last_event_age_s", Math.max(0, age.toSeconds()));
            if (age.compareTo(staleAfter) > 0) {
                status = HealthStatus.DEGRADED;
                detail = "last event " + seconds(age) + " ago, more than " + seconds(staleAfter)
                        + ": the orchestrator, which publishes a snapshot every monitoring interval, is not running or cannot publish";
            } else {
                status = HealthStatus.UP;
                detail = "events flowing: last one " + seconds(age) + " ago";
            }
        }
        return new ComponentHealth("pipeline-activity", "events", status, detail, null, now, data);
    }

    private static String seconds(Duration d) {
        return Math.max(0, d.toSeconds()) + " s";
    }

    private static double millisSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 10_000.0) / 100.0;
    }
}

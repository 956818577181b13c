package dev.lto.ingestion.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.events.StreamNames;
import dev.lto.stream.binder.redis.RedisStreamInspector;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the edge knows of the work ahead of a new submission: the entries of {@code lto.jobs.submitted}
 * the orchestrator's group has not read (XINFO GROUPS lag) plus the jobs it stored but has not
 * dispatched (the figure it refreshes in Redis every second). Read on a timer of its own every
 * {@code refresh}, never per request; {@link #refusal()} is a field read.
 */
@Component
@EnableConfigurationProperties(BackpressureProperties.class)
class Backpressure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Backpressure.class);

    /**
     * @param streamLag    entries of the submissions stream not delivered to the orchestrator yet
     * @param waitingJobs  jobs stored and not dispatched (SUBMITTED … QUEUED); null when the orchestrator publishes none
     * @param queuedJobs   of those, QUEUED (waiting for a simulation slot)
     */
    record Figures(@JsonProperty("stream_lag") long streamLag, @JsonProperty("waiting_jobs") Long waitingJobs,
                   @JsonProperty("queued_jobs") Long queuedJobs, @JsonProperty("measured_at") Instant measuredAt) {

        long backlog() {
            return streamLag + (waitingJobs == null ? 0 : waitingJobs);
        }
    }

    private final RedisStreamInspector streams;
    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final BackpressureProperties props;
    private final ScheduledExecutorService timer;
    private volatile Figures last;
    private volatile boolean refusing;

    Backpressure(RedisStreamInspector streams, StringRedisTemplate redis, JsonMapper json, BackpressureProperties props) {
        this.streams = streams;
        this.redis = redis;
        this.json = json;
        this.props = props;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("backpressure").daemon(true).unstarted(r));
        if (props.maxBacklog() > 0) {
            timer.scheduleWithFixedDelay(this::refresh, 0, props.refresh().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void refresh() {
        try {
            long lag = streams.group(StreamNames.JOBS_SUBMITTED, StreamNames.INTAKE_GROUP)
                    .map(g -> g.lag() == null ? 0L : g.lag())
                    // No group yet: the orchestrator has read nothing of the stream.
                    .orElseGet(() -> streams.streamLength(StreamNames.JOBS_SUBMITTED));
            Long waiting = null;
            Long queued = null;
            String published = redis.opsForValue().get(StreamNames.PIPELINE_BACKLOG_KEY);
            if (published != null) {
                JsonNode node = json.readTree(published);
                waiting = node.path("waiting_jobs").asLong();
                queued = node.path("queued_jobs").asLong();
            }
            Figures f = new Figures(lag, waiting, queued, Instant.now());
            last = f;
            boolean over = f.backlog() > props.maxBacklog();
            if (over != refusing) {
                refusing = over;
                log.warn(over ? "Backlog {} is above {}: refusing submissions (503, Retry-After {} s) until it drains"
                                : "Backlog {} is back under {}: accepting submissions again",
                        f.backlog(), props.maxBacklog(), props.retryAfter().toSeconds());
            }
        } catch (RuntimeException e) {
            log.debug("Backlog figures not refreshed: {}", e.toString());
        }
    }

    /** The figures that make the edge refuse a submission now, if it should. */
    Optional<Figures> refusal() {
        Figures f = last;
        if (props.maxBacklog() <= 0 || f == null || Duration.between(f.measuredAt(), Instant.now()).compareTo(props.maxAge()) > 0) {
            return Optional.empty();
        }
        return f.backlog() > props.maxBacklog() ? Optional.of(f) : Optional.empty();
    }

    /** Problem members of a refusal. */
    Map<String, Object> describe(Figures f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backlog", f.backlog());
        m.put("max_backlog", props.maxBacklog());
        m.put("stream_lag", f.streamLag());
        if (f.waitingJobs() != null) {
            m.put("waiting_jobs", f.waitingJobs());
            m.put("queued_jobs", f.queuedJobs());
        }
        m.put("measured_at", f.measuredAt().toString());
        return m;
    }

    Duration retryAfter() {
        return props.retryAfter();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

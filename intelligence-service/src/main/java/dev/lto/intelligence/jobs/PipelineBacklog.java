package dev.lto.intelligence.jobs;

import dev.lto.contracts.events.StreamNames;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells the edge how much stored work waits ahead of a new submission: every
 * {@code lto.pipeline.backlog-interval} (1 s) it counts the jobs stored but not dispatched yet
 * (SUBMITTED, VALIDATING, PREFLIGHT, QUEUED) and writes them to the Redis key
 * {@value StreamNames#PIPELINE_BACKLOG_KEY} (expiring after 15 s, so a dead orchestrator's figure
 * does not linger). The ingestion service adds the stream lag and answers 503 above its bound. One
 * cheap count per second here, instead of a query per submission at the edge.
 */
@Component
@ConditionalOnProperty(name = "lto.pipeline.orchestrator", havingValue = "true", matchIfMissing = true)
class PipelineBacklog {

    private static final Logger log = LoggerFactory.getLogger(PipelineBacklog.class);
    private static final Duration EXPIRY = Duration.ofSeconds(15);

    private final JdbcClient jdbc;
    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private long lastWarnNanos;

    PipelineBacklog(JdbcClient jdbc, StringRedisTemplate redis, JsonMapper json) {
        this.jdbc = jdbc;
        this.redis = redis;
        this.json = json;
    }

    Map<String, Object> measure() {
        Map<String, Object> figures = new LinkedHashMap<>();
        long waiting = 0;
        long queued = 0;
        for (var row : jdbc.sql("""
                        SELECT status, count(*) AS n FROM simulation_jobs
                        WHERE status IN ('SUBMITTED', 'VALIDATING', 'PREFLIGHT', 'QUEUED') GROUP BY status""")
                .query((rs, i) -> Map.entry(rs.getString("status"), rs.getLong("n"))).list()) {
            waiting += row.getValue();
            if ("QUEUED".equals(row.getKey())) {
                queued = row.getValue();
            }
        }
        figures.put("waiting_jobs", waiting);
        figures.put("queued_jobs", queued);
        figures.put("at", Instant.now().toString());
        return figures;
    }

    @Scheduled(fixedDelayString = "${lto.pipeline.backlog-interval:1s}")
    void publish() {
        try {
            redis.opsForValue().set(StreamNames.PIPELINE_BACKLOG_KEY, json.writeValueAsString(measure()), EXPIRY);
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastWarnNanos > Duration.ofSeconds(30).toNanos() || lastWarnNanos == 0) {
                lastWarnNanos = now;
                log.warn("Backlog figures not published for the edge ({}); it falls back to the stream lag", e.toString());
            }
        }
    }
}

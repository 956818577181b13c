package dev.lto.intelligence.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.engine.evaluation.LivePerformance;
import dev.lto.intelligence.models.ModelProperties;
import dev.lto.intelligence.performance.LiveObservations;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.stream.binder.redis.RedisStreamInspector;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The monitoring flow (seed §7): every {@code lto.pipeline.monitoring-interval} it measures queue
 * depth, pending and lag per stream group, dead-letter sizes, busy worker slots and jobs per
 * minute, publishes the snapshot to {@code lto.events} ({@code pipeline.monitored}) for the action
 * layer and serves it as gauges ({@code lto_redis_queue_depth}, {@code lto_pipeline_*}), with the seed §9 model and
 * tradeoff gauges over recent work ({@code lto_model_uncertainty_ratio}, {@code lto_yield_risk_current},
 * {@code lto_tradeoff_health_score{tradeoff_type}}).
 */
@Component
@ConditionalOnProperty(name = "lto.pipeline.orchestrator", havingValue = "true", matchIfMissing = true)
class PipelineMonitor {

    static final String BINDING = "pipelineEvents-out-0";
    private static final Logger log = LoggerFactory.getLogger(PipelineMonitor.class);

    private final JdbcClient jdbc;
    private final PipelineRepository pipeline;
    private final PipelineProperties props;
    private final RedisStreamInspector streams;
    private final EventPublisher publisher;
    private final AtomicReference<Snapshot> last = new AtomicReference<>();
    private final AtomicReference<Quality> quality = new AtomicReference<>();
    private final java.util.Set<String> registered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final MeterRegistry meters;
    private final int liveWindow;
    private final LiveObservations observations;
    /** Preflight predictions in the uncertainty-ratio window, and jobs in the yield-risk and tradeoff-health windows. */
    static final int UNCERTAINTY_WINDOW = 500;
    static final int RECENT_JOBS = 100;

    /**
     * Seed §9 model and tradeoff gauges over recent work (docs/observability.md); each gauge is registered once it has a value.
     *
     * @param uncertaintyRatio share of the last {@value #UNCERTAINTY_WINDOW} preflight predictions flagged high-uncertainty
     * @param yieldRisk        mean predicted yield_risk of the last {@value #RECENT_JOBS} preflight predictions
     * @param health           per signal, the mean simulated value over the last {@value #RECENT_JOBS} jobs with a result
     * @param liveAccuracy     ML.md accuracy (share of (job, signal) pairs with |actual − predicted| ≤ 0.05) of the
     *                         last {@code lto.models.live.window} evaluated jobs' preflight predictions
     */
    record Quality(double uncertaintyRatio, double yieldRisk, Map<String, Double> health, double liveAccuracy) {
    }

    /** One stream group's backlog. */
    record StreamBacklog(String stream, String group, long length, long pending, Long lag,
                         @JsonProperty("dead_letters") long deadLetters) {
    }

    /**
     * @param queuedJobs       jobs waiting in QUEUED (decided by the dispatcher, not by stream position)
     * @param queueDepth       queued jobs plus entries not yet delivered on every bound stream group
     * @param busySlots        RUNNING jobs per device class
     * @param jobsPerMinute    jobs that reached the pipeline's end (COMPLETED, ANOMALY_FLAGGED, BLOCKED, REJECTED, FAILED, CANCELLED) per minute over the last 5 minutes
     */
    record Snapshot(Instant at, @JsonProperty("queued_jobs") long queuedJobs, @JsonProperty("queue_depth") long queueDepth,
                    @JsonProperty("busy_slots") Map<String, Integer> busySlots, Map<String, Integer> slots,
                    @JsonProperty("jobs_per_minute") double jobsPerMinute, List<StreamBacklog> streams,
                    @JsonProperty("dead_letters") long deadLetters) {
    }

    PipelineMonitor(JdbcClient jdbc, PipelineRepository pipeline, PipelineProperties props, RedisStreamInspector streams,
                    EventPublisher publisher, MeterRegistry meters, ModelProperties models, LiveObservations observations) {
        this.observations = observations;
        this.liveWindow = models.live().window();
        this.jdbc = jdbc;
        this.pipeline = pipeline;
        this.props = props;
        this.streams = streams;
        this.publisher = publisher;
        Gauge.builder("lto.redis.queue.depth", last, r -> r.get() == null ? Double.NaN : r.get().queueDepth())
                .description("Jobs and messages waiting: QUEUED jobs plus undelivered stream entries").register(meters);
        Gauge.builder("lto.pipeline.jobs.per.minute", last, r -> r.get() == null ? Double.NaN : r.get().jobsPerMinute())
                .description("Jobs reaching the pipeline's end per minute, last 5 minutes").register(meters);
        Gauge.builder("lto.pipeline.dead.letters", last, r -> r.get() == null ? Double.NaN : r.get().deadLetters())
                .description("Entries in the dead-letter streams of the bound groups").register(meters);
        for (String device : List.of("cpu", "gpu")) {
            Gauge.builder("lto.pipeline.busy.slots", last,
                            r -> r.get() == null ? Double.NaN : r.get().busySlots().getOrDefault(device, 0))
                    .tag("device_class", device).description("RUNNING jobs per device class").register(meters);
        }
        this.meters = meters;
    }

    /**
     * Registers each model and tradeoff gauge once it has a value: before the first preflight or the
     * first result the series is absent, not NaN (a NaN would poison averages over time).
     */
    private void registerQualityGauges(Quality q) {
        if (Double.isFinite(q.uncertaintyRatio()) && registered.add("uncertainty")) {
            Gauge.builder("lto.model.uncertainty.ratio", quality, r -> r.get().uncertaintyRatio())
                    .description("Share of the last " + UNCERTAINTY_WINDOW + " preflight predictions flagged high-uncertainty")
                    .register(meters);
        }
        if (Double.isFinite(q.liveAccuracy()) && registered.add("accuracy")) {
            Gauge.builder("lto.model.accuracy.score", quality, r -> r.get().liveAccuracy())
                    .description("Accuracy (|actual - predicted| <= 0.05 per job and signal) of the last " + liveWindow
                            + " completed jobs' preflight predictions")
                    .register(meters);
        }
        if (Double.isFinite(q.yieldRisk()) && registered.add("yield")) {
            Gauge.builder("lto.yield.risk.current", quality, r -> r.get().yieldRisk())
                    .description("Mean predicted yield_risk of the last " + RECENT_JOBS + " preflight predictions").register(meters);
        }
        for (String signal : TradeoffSignals.NAMES) {
            if (Double.isFinite(q.health().getOrDefault(signal, Double.NaN)) && registered.add("health/" + signal)) {
                Gauge.builder("lto.tradeoff.health.score", quality, r -> r.get().health().getOrDefault(signal, Double.NaN))
                        .tag("tradeoff_type", signal)
                        .description("Mean simulated tradeoff signal over the last " + RECENT_JOBS + " jobs with a result")
                        .register(meters);
            }
        }
    }

    Quality measureQuality() {
        Double uncertain = jdbc.sql("""
                SELECT avg(CASE WHEN high_uncertainty THEN 1.0 ELSE 0.0 END) FROM (SELECT high_uncertainty FROM tradeoff_predictions
                  WHERE prediction_type = 'preflight' ORDER BY predicted_at DESC LIMIT ?)""")
                .param(UNCERTAINTY_WINDOW).query(Double.class).optional().orElse(null);
        Double yieldRisk = jdbc.sql("""
                SELECT avg(pred_yield_risk) FROM (SELECT pred_yield_risk FROM tradeoff_predictions
                  WHERE prediction_type = 'preflight' ORDER BY predicted_at DESC LIMIT ?)""")
                .param(RECENT_JOBS).query(Double.class).optional().orElse(null);
        // Column names are the signal names (constants, not input).
        String columns = String.join(", ", TradeoffSignals.NAMES);
        String means = String.join(", ", TradeoffSignals.NAMES.stream().map(n -> "avg(" + n + ")").toList());
        Map<String, Double> health = jdbc.sql("SELECT " + means + " FROM (SELECT " + columns + " FROM simulation_jobs"
                        + " WHERE overall_health IS NOT NULL ORDER BY completed_at DESC NULLS LAST LIMIT ?)")
                .param(RECENT_JOBS).query((rs, n) -> {
                    Map<String, Double> m = new LinkedHashMap<>();
                    for (int i = 0; i < TradeoffSignals.NAMES.size(); i++) {
                        double v = rs.getDouble(i + 1);
                        m.put(TradeoffSignals.NAMES.get(i), rs.wasNull() ? Double.NaN : v);
                    }
                    return m;
                }).single();
        double live = LivePerformance.lastN(observations.recent(liveWindow), liveWindow).accuracy();
        return new Quality(uncertain == null ? Double.NaN : uncertain, yieldRisk == null ? Double.NaN : yieldRisk, health, live);
    }

    Snapshot measure() {
        long queued = jdbc.sql("SELECT count(*) FROM simulation_jobs WHERE status = 'QUEUED'").query(Long.class).single();
        double perMinute = jdbc.sql("""
                        SELECT count(*) FROM job_state_history WHERE changed_at > ?
                          AND to_state IN ('COMPLETED', 'ANOMALY_FLAGGED', 'BLOCKED', 'REJECTED', 'FAILED', 'CANCELLED')""")
                .param(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(5)).query(Long.class).single() / 5.0;
        List<StreamBacklog> backlog = new ArrayList<>();
        long undelivered = 0;
        long dead = 0;
        for (var s : streams.boundGroups()) {
            backlog.add(new StreamBacklog(s.stream(), s.group(), s.length(), s.pending(), s.lag(), s.deadLetterLength()));
            undelivered += s.lag() == null ? 0 : s.lag();
            dead += s.deadLetterLength();
        }
        Map<String, Integer> running = pipeline.runningByDeviceClass();
        return new Snapshot(Instant.now(), queued, queued + undelivered,
                Map.of("cpu", running.getOrDefault("cpu", 0), "gpu", running.getOrDefault("gpu", 0)),
                Map.of("cpu", props.cpuSlots(), "gpu", props.gpuSlots()), perMinute, backlog, dead);
    }

    @Scheduled(fixedDelayString = "${lto.pipeline.monitoring-interval:30s}", initialDelayString = "${lto.pipeline.monitoring-interval:30s}")
    void monitor() {
        try {
            Snapshot s = measure();
            last.set(s);
            publisher.publish(BINDING, new EventEnvelope<>("pipeline/" + s.at().toEpochMilli(), EventTypes.PIPELINE_MONITORED, 1,
                    s.at(), "pipeline", "intelligence-service", Map.of(), s));
        } catch (RuntimeException e) {
            log.warn("Monitoring round failed: {}", e.toString());
        }
        try {
            Quality q = measureQuality();
            quality.set(q);
            registerQualityGauges(q);
        } catch (RuntimeException e) {
            log.warn("Model and tradeoff gauges not refreshed: {}", e.toString());
        }
    }
}

package dev.lto.action.streams;

import dev.lto.action.alerts.AlertEngine;
import dev.lto.action.events.PipelineActivity;
import dev.lto.action.health.HealthChecks;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.json.JsonMapper;

/**
 * Produces {@code /ws/metrics}: a MetricFrame every {@code metrics-interval}, at a fixed rate on a
 * thread of its own. Building a frame only reads values kept fresh elsewhere (the health score and
 * the tradeoff trends are refreshed on their own threads, since their checks wait on the network),
 * and handing it to the clients only queues it, so neither a slow check nor a slow client moves
 * the beat.
 */
class MetricStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricStream.class);

    private final FrameBroadcast metrics;
    private final FrameBroadcast alerts;
    private final HealthChecks health;
    private final PipelineActivity activity;
    private final TradeoffTrends trends;
    private final AlertEngine alertEngine;
    private final StreamProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private volatile Double systemHealth;
    private ScheduledExecutorService beat;
    private ScheduledExecutorService refreshers;

    MetricStream(FrameBroadcast metrics, FrameBroadcast alerts, HealthChecks health, PipelineActivity activity,
                 TradeoffTrends trends, AlertEngine alertEngine, StreamProperties properties, JsonMapper json, Clock clock) {
        this.metrics = metrics;
        this.alerts = alerts;
        this.health = health;
        this.activity = activity;
        this.trends = trends;
        this.alertEngine = alertEngine;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    MetricFrame frame() {
        return new MetricFrame(clock.instant().truncatedTo(ChronoUnit.MILLIS), MetricFrame.TYPE, systemHealth,
                activity.activeJobs(), Math.round(activity.jobsPerMinute() * 100) / 100.0, trends.scores(),
                alertsActive(), activity.gpuUtilization());
    }

    /** Null when the alert store cannot answer: the frame still goes out, saying it does not know. */
    private Long alertsActive() {
        try {
            return (long) alertEngine.active(Set.of(), Set.of()).size();
        } catch (RuntimeException e) {
            log.debug("Active alerts not counted: {}", e.toString());
            return null;
        }
    }

    private void tick() {
        try {
            if (metrics.sessionCount() > 0) {
                metrics.broadcast(json.writeValueAsString(frame()));
            }
        } catch (RuntimeException e) {
            log.warn("Metric frame not produced: {}", e.toString());
        }
    }

    private void refreshHealth() {
        try {
            systemHealth = health.systemHealthScore();
        } catch (RuntimeException e) {
            systemHealth = null; // unknown, not the last value
            log.debug("Health score not refreshed: {}", e.toString());
        }
    }

    @Override
    public void start() {
        long interval = properties.metricsInterval().toMillis();
        beat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ws-metrics-beat").daemon().factory());
        refreshers = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("ws-metrics-refresh-", 0).daemon().factory());
        refreshers.scheduleWithFixedDelay(this::refreshHealth, 0, properties.healthRefresh().toMillis(), TimeUnit.MILLISECONDS);
        refreshers.scheduleWithFixedDelay(trends::refresh, 0, properties.trendRefresh().toMillis(), TimeUnit.MILLISECONDS);
        // Fixed delay, not fixed rate: after a hiccup (a GC pause) the next frame still comes a whole
        // interval later rather than early to catch up; a tick's own work is well under a millisecond.
        beat.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
        // Serialise once now: the first frame must not pay for loading the JSON machinery.
        try {
            json.writeValueAsString(frame());
        } catch (RuntimeException e) {
            log.debug("Warm-up frame failed: {}", e.toString());
        }
        long ping = properties.pingInterval().toMillis();
        beat.scheduleAtFixedRate(() -> {
            metrics.ping();
            alerts.ping();
        }, ping, ping, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        beat.shutdownNow();
        refreshers.shutdownNow();
        metrics.closeAll();
        alerts.closeAll();
        beat = null;
    }

    @Override
    public boolean isRunning() {
        return beat != null;
    }
}

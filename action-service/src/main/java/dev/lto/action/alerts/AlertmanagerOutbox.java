package dev.lto.action.alerts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers alerts to Alertmanager ({@code POST /api/v2/alerts}) through a durable outbox: a
 * fired or resolved alert is queued in the same transaction that changed it, and the row leaves
 * the queue only once Alertmanager answered 2xx. A failed push is retried with exponential
 * back-off ({@code retry-min} doubling to {@code retry-max}), so nothing that fired while
 * Alertmanager was down is lost. Open alerts are also re-sent every {@code refire-interval}
 * (Alertmanager ends an alert that is not refreshed), straight from the table. Alerts imported
 * from Alertmanager are never pushed back. One thread does all pushing, so pushes stay in order.
 */
@Component
@EnableConfigurationProperties(AlertProperties.class)
class AlertmanagerOutbox implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AlertmanagerOutbox.class);
    private static final int BATCH = 500;

    enum Change { FIRED, RESOLVED }

    private final JdbcClient jdbc;
    private final AlertProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http;
    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alertmanager-outbox");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private volatile String lastError;

    AlertmanagerOutbox(JdbcClient jdbc, AlertProperties properties, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    }

    @Override
    public void afterPropertiesSet() {
        if (!properties.alertmanagerEnabled()) {
            log.info("No lto.action.alerts.alertmanager-url: alerts are not sent to Alertmanager");
            return;
        }
        long poll = properties.pollInterval().toMillis();
        pusher.scheduleWithFixedDelay(this::deliverQuietly, poll, poll, TimeUnit.MILLISECONDS);
        long refire = properties.refireInterval().toMillis();
        pusher.scheduleWithFixedDelay(this::refireQuietly, refire, refire, TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        pusher.shutdownNow();
    }

    /** Queues a change; call inside the transaction that made it. */
    void enqueue(Alert alert, Change change) {
        if (!properties.alertmanagerEnabled() || AlertSource.ALERTMANAGER.column().equals(alert.source())) {
            return;
        }
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        jdbc.sql("INSERT INTO alertmanager_outbox (alert_id, change, enqueued_at, attempts, next_attempt_at) VALUES (?, ?, ?, 0, ?)")
                .params(alert.alertId(), change.name(), now, now).update();
    }

    /** Pushes what is due now rather than at the next poll (called after each committed change). */
    void wake() {
        if (properties.alertmanagerEnabled() && wakeQueued.compareAndSet(false, true)) {
            pusher.execute(() -> {
                wakeQueued.set(false);
                deliverQuietly();
            });
        }
    }

    /** Rows still waiting for Alertmanager, and the last delivery error (for health and tests). */
    long pending() {
        return jdbc.sql("SELECT count(*) FROM alertmanager_outbox").query(Long.class).single();
    }

    String lastError() {
        return lastError;
    }

    private void deliverQuietly() {
        try {
            while (deliverBatch() == BATCH) {
                // a full batch went out: there may be more
            }
        } catch (RuntimeException e) {
            log.warn("Alertmanager outbox delivery failed: {}", e.toString());
        }
    }

    /** One batch of due rows: pushed together, deleted on 2xx, pushed back with back-off otherwise. */
    int deliverBatch() {
        Instant now = clock.instant();
        record Row(long seq, String alertId, int attempts) {
        }
        List<Row> due = jdbc.sql("""
                        SELECT seq, alert_id, attempts FROM alertmanager_outbox
                        WHERE next_attempt_at <= ? ORDER BY seq LIMIT ?""")
                .params(LocalDateTime.ofInstant(now, ZoneOffset.UTC), BATCH)
                .query((rs, i) -> new Row(rs.getLong("seq"), rs.getString("alert_id"), rs.getInt("attempts"))).list();
        if (due.isEmpty()) {
            return 0;
        }
        Set<String> ids = new LinkedHashSet<>();
        due.forEach(r -> ids.add(r.alertId()));
        List<Alert> alerts = jdbc.sql("SELECT * FROM alerts WHERE alert_id IN (:ids)").param("ids", List.copyOf(ids))
                .query(AlertRows::alert).list();
        List<Long> seqs = due.stream().map(Row::seq).toList();
        String error = push(alerts, now);
        if (error == null) {
            jdbc.sql("DELETE FROM alertmanager_outbox WHERE seq IN (:seqs)").param("seqs", seqs).update();
            lastError = null;
        } else {
            int attempts = due.stream().mapToInt(Row::attempts).max().orElse(0) + 1;
            Duration backOff = backOff(attempts);
            jdbc.sql("""
                            UPDATE alertmanager_outbox SET attempts = attempts + 1, next_attempt_at = :next, last_error = :error
                            WHERE seq IN (:seqs)""")
                    .param("next", LocalDateTime.ofInstant(now.plus(backOff), ZoneOffset.UTC))
                    .param("error", error.length() > 500 ? error.substring(0, 500) : error)
                    .param("seqs", seqs).update();
            if (!error.equals(lastError)) {
                log.warn("Alertmanager did not take {} alert(s) ({}); retrying in {}", alerts.size(), error, backOff);
            }
            lastError = error;
            return 0;
        }
        return due.size();
    }

    Duration backOff(int attempts) {
        long ms = properties.retryMin().toMillis() << Math.min(20, Math.max(0, attempts - 1));
        return Duration.ofMillis(Math.min(ms, properties.retryMax().toMillis()));
    }

    private void refireQuietly() {
        try {
            refire();
        } catch (RuntimeException e) {
            log.warn("Re-sending open alerts to Alertmanager failed: {}", e.toString());
        }
    }

    /** Re-sends every open alert LTO raised, so Alertmanager keeps them firing. */
    void refire() {
        List<Alert> open = jdbc.sql("SELECT * FROM alerts WHERE resolved_at IS NULL AND source <> ? ORDER BY fired_at")
                .param(AlertSource.ALERTMANAGER.column()).query(AlertRows::alert).list();
        Instant now = clock.instant();
        for (int i = 0; i < open.size(); i += BATCH) {
            String error = push(open.subList(i, Math.min(open.size(), i + BATCH)), now);
            if (error != null) {
                log.warn("Re-sending open alerts to Alertmanager failed ({}); next try in {}", error, properties.refireInterval());
                return;
            }
        }
    }

    /** POSTs the alerts' current state; null on success, else what went wrong. */
    private String push(List<Alert> alerts, Instant now) {
        if (alerts.isEmpty()) {
            return null;
        }
        List<Map<String, Object>> body = new ArrayList<>();
        for (Alert a : alerts) {
            body.add(postable(a, now));
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(trimmed(properties.alertmanagerUrl()) + "/api/v2/alerts"))
                    .timeout(properties.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2 ? null : "HTTP " + r.statusCode() + ": " + r.body();
        } catch (java.io.IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** One alert as Alertmanager's API v2 {@code postableAlert}. */
    Map<String, Object> postable(Alert a, Instant now) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", a.alertType());
        labels.put("severity", a.severity().name());
        labels.put("alert_type", a.alertType());
        if (a.jobId() != null) {
            labels.put("job_id", a.jobId());
        }
        if (a.service() != null) {
            labels.put("service", a.service());
        }
        labels.put("origin", "lto");
        labels.put("alert_id", a.alertId());
        Map<String, String> annotations = new LinkedHashMap<>();
        if (a.message() != null) {
            annotations.put("message", a.message());
        }
        if (a.recommendation() != null) {
            annotations.put("recommendation", a.recommendation());
        }
        annotations.put("occurrences", Integer.toString(a.occurrences()));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("labels", labels);
        p.put("annotations", annotations);
        p.put("startsAt", a.firedAt().toString());
        p.put("endsAt", (a.resolvedAt() != null ? a.resolvedAt() : now.plus(properties.endsAfter())).toString());
        p.put("generatorURL", trimmed(properties.publicUrl()) + "/api/v1/alerts/" + a.alertId());
        return p;
    }

    private static String trimmed(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

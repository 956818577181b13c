package dev.lto.action.alerts;

import dev.lto.contracts.AlertSeverity;
import dev.lto.platform.web.ConflictException;
import dev.lto.platform.web.NotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one writer of the alert store. Raises, deduplicates (one open alert per fingerprint,
 * repeats counted), resolves, acknowledges and records feedback; every change is one transaction
 * that also enqueues the Alertmanager delivery, and is announced as an {@link AlertEvents} event
 * after it committed. Writes are serialised: the dedup check and the insert must not interleave.
 */
@Service
public class AlertEngine {

    private static final SecureRandom IDS = new SecureRandom();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AlertEngine.class);

    private final AlertRepository alerts;
    private final JdbcAggregateTemplate aggregates;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AlertmanagerOutbox outbox;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ReentrantLock writes = new ReentrantLock();

    AlertEngine(AlertRepository alerts, JdbcAggregateTemplate aggregates, JdbcClient jdbc, TransactionTemplate tx,
                AlertmanagerOutbox outbox, ApplicationEventPublisher events, MeterRegistry meters, Clock clock) {
        this.alerts = alerts;
        this.aggregates = aggregates;
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Opens an alert, or folds the signal into the open alert of the same fingerprint (occurrences
     * + 1, the worse severity, the latest message). Empty when the signal's source id was applied
     * before (a redelivery).
     */
    public Optional<Alert> raise(AlertSignal s) {
        List<Object> announce = new ArrayList<>();
        Optional<Alert> result = locked(() -> tx.execute(status -> {
            if (s.sourceId() != null && !firstTime(s.sourceId())) {
                return Optional.<Alert>empty();
            }
            Optional<Alert> open = alerts.findOpen(s.fingerprint());
            Alert saved;
            if (open.isPresent()) {
                Alert a = open.get();
                AlertSeverity worst = a.severity().compareTo(s.severity()) >= 0 ? a.severity() : s.severity();
                saved = aggregates.update(a.seenAgain(worst, s.message() == null ? a.message() : s.message(), s.recommendation(), s.at()));
            } else {
                String id = newId();
                while (alerts.existsById(id)) {
                    id = newId(); // 32 random bits, as the seed's alert_ids have: collisions happen over a long history
                }
                saved = aggregates.insert(new Alert(id, s.at(), null, null, s.severity(), s.jobId(), s.alertType(), s.message(),
                        s.recommendation(), null, null, s.fingerprint(), 1, s.at(), s.source().column(), s.service(), null));
                outbox.enqueue(saved, AlertmanagerOutbox.Change.FIRED);
                announce.add(new AlertEvents.AlertFired(saved));
            }
            if (s.sourceId() != null) {
                markSource(s.sourceId(), saved.alertId());
            }
            return Optional.of(saved);
        }));
        announce.forEach(this::afterCommit);
        return result;
    }

    /** Ends the open alert with this fingerprint, if any. Empty when none is open or the source id was applied before. */
    public Optional<Alert> resolve(String sourceId, String fingerprint, Instant at) {
        Optional<Alert> result = locked(() -> tx.execute(status -> {
            if (sourceId != null && !firstTime(sourceId)) {
                return Optional.<Alert>empty();
            }
            Optional<Alert> open = alerts.findOpen(fingerprint);
            open.ifPresent(a -> {
                if (sourceId != null) {
                    markSource(sourceId, a.alertId());
                }
            });
            return open.map(a -> endAlert(a, at));
        }));
        result.ifPresent(a -> afterCommit(new AlertEvents.AlertResolved(a)));
        return result;
    }

    /** Ends every open alert of {@code source} for this job (the job moved on). */
    List<Alert> resolveForJob(String sourceId, String jobId, AlertSource source, Set<String> alertTypes, Instant at) {
        List<Alert> ended = locked(() -> tx.execute(status -> {
            if (sourceId != null && !firstTime(sourceId)) {
                return List.<Alert>of();
            }
            List<Alert> done = alerts.findOpenForJob(jobId, source.column()).stream()
                    .filter(a -> alertTypes.contains(a.alertType()))
                    .map(a -> endAlert(a, at)).toList();
            if (sourceId != null) {
                markSource(sourceId, done.isEmpty() ? null : done.getFirst().alertId());
            }
            return done;
        }));
        ended.forEach(a -> afterCommit(new AlertEvents.AlertResolved(a)));
        return ended;
    }

    private Alert endAlert(Alert a, Instant at) {
        Alert done = aggregates.update(a.resolved(at.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
        outbox.enqueue(done, AlertmanagerOutbox.Change.RESOLVED);
        return done;
    }

    /**
     * Acknowledges an active alert. A pipeline alert has no condition that could clear, so
     * acknowledging it also ends it.
     *
     * @throws NotFoundException for an unknown id
     * @throws ConflictException when it is already acknowledged or resolved (with its current state)
     */
    public Alert acknowledge(String alertId, String by, String note) {
        Alert done = locked(() -> tx.execute(status -> {
            Alert a = alerts.findById(alertId).orElseThrow(() -> unknown(alertId));
            if (!a.isActive()) {
                throw new ConflictException("alert " + alertId + " is already " + a.status().toLowerCase(java.util.Locale.ROOT)
                        + "; only a firing alert can be acknowledged", state(a));
            }
            boolean ends = AlertSource.PIPELINE.column().equals(a.source());
            Alert acked = aggregates.update(a.acknowledged(by, note, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS), ends));
            if (ends) {
                outbox.enqueue(acked, AlertmanagerOutbox.Change.RESOLVED);
            }
            return acked;
        }));
        afterCommit(new AlertEvents.AlertAcknowledged(done));
        if (done.resolvedAt() != null) {
            afterCommit(new AlertEvents.AlertResolved(done));
        }
        return done;
    }

    /** Records whether the alert was worth acting on (any state; a second answer replaces the first). */
    public Alert feedback(String alertId, boolean wasActionable) {
        return locked(() -> tx.execute(status -> {
            Alert a = alerts.findById(alertId).orElseThrow(() -> unknown(alertId));
            return aggregates.update(a.withFeedback(wasActionable));
        }));
    }

    /** Open, unacknowledged alerts, newest first; empty filter sets match everything. */
    public List<Alert> active(Set<AlertSeverity> severities, Set<String> types) {
        return alerts.findActive().stream()
                .filter(a -> severities.isEmpty() || severities.contains(a.severity()))
                .filter(a -> types.isEmpty() || types.contains(a.alertType()))
                .toList();
    }

    public Optional<Alert> find(String alertId) {
        return alerts.findById(alertId);
    }

    /** Open alerts (acknowledged or not), oldest first. */
    List<Alert> open() {
        return alerts.findOpen();
    }

    List<Alert> openFrom(AlertSource source) {
        return alerts.findOpenFrom(source.column());
    }

    static Map<String, Object> state(Alert a) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("alert_id", a.alertId());
        s.put("status", a.status());
        s.put("acknowledged_at", a.acknowledgedAt());
        s.put("acknowledged_by", a.acknowledgedBy());
        s.put("resolved_at", a.resolvedAt());
        s.values().removeIf(java.util.Objects::isNull);
        return s;
    }

    private static NotFoundException unknown(String alertId) {
        return new NotFoundException("no alert " + alertId);
    }

    private boolean firstTime(String sourceId) {
        return jdbc.sql("SELECT count(*) FROM alert_sources WHERE source_id = ?").param(sourceId).query(Long.class).single() == 0;
    }

    private void markSource(String sourceId, String alertId) {
        jdbc.sql("INSERT INTO alert_sources (source_id, alert_id, processed_at) VALUES (?, ?, ?)")
                .params(sourceId, alertId, java.time.LocalDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)).update();
    }

    private void afterCommit(Object event) {
        if (event instanceof AlertEvents.AlertFired fired) {
            Counter.builder("lto.alert.fired").description("Alerts fired (a repeat folded into an open alert is not counted)")
                    .tag("severity", fired.alert().severity().name()).tag("alert_type", fired.alert().alertType())
                    .register(meters).increment();
        }
        outbox.wake();
        try {
            events.publishEvent(event);
        } catch (RuntimeException e) {
            // The change is committed; a failing listener (e.g. a WebSocket push) must not turn it into an error.
            log.warn("A listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
        }
    }

    private <T> T locked(Supplier<T> work) {
        writes.lock();
        try {
            return work.get();
        } finally {
            writes.unlock();
        }
    }

    static String newId() {
        byte[] b = new byte[4];
        IDS.nextBytes(b);
        return "alert_" + HexFormat.of().formatHex(b);
    }
}

package dev.lto.action.events;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps every job state event in {@code job_state_events} of {@code action.duckdb}, once per job and
 * sequence number: delivery is at least once (a reclaimed entry after a crash, an outbox that publishes
 * again), so a repeat is ignored by the primary key rather than stored twice. Runs on the consumer's
 * thread before the entry is acknowledged, so an event is acknowledged only once it is stored.
 */
@Component
class JobEventLog {

    private final JdbcClient jdbc;
    private final Clock clock;

    JobEventLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventListener
    void on(JobStateObserved observed) {
        var c = observed.change();
        jdbc.sql("""
                INSERT INTO job_state_events (job_id, seq, event_id, from_state, to_state, changed_at, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(c.jobId(), c.sequence(), observed.eventId(), c.from() == null ? null : c.from().name(), c.to().name(),
                        LocalDateTime.ofInstant(c.at(), ZoneOffset.UTC), LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .update();
    }
}

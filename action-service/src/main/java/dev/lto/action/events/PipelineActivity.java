package dev.lto.action.events;

import dev.lto.contracts.JobState;
import dev.lto.contracts.events.JobStateChanged;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * What the action layer has seen on {@code lto.events}: distinct events per type, the latest
 * state of each job, and when the last event arrived. Deduplicates on event id (delivery is at
 * least once) within a bounded window.
 */
@Component
public class PipelineActivity {

    private static final int DEDUP_WINDOW = 200_000;

    private final Map<String, Boolean> recentEventIds = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > DEDUP_WINDOW;
                }
            });
    private final Map<String, JobState> latestState = new ConcurrentHashMap<>();
    private final Map<String, Integer> latestSequence = new ConcurrentHashMap<>();
    private final Map<String, Long> eventsByType = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Clock clock;
    private final Instant startedAt;
    private volatile Instant lastEventAt;
    private volatile long duplicates;

    PipelineActivity(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** Records an event once; returns false for a duplicate delivery. */
    boolean record(String eventId, String type) {
        if (recentEventIds.putIfAbsent(eventId, Boolean.TRUE) != null) {
            duplicates++;
            return false;
        }
        eventsByType.merge(type, 1L, Long::sum);
        meters.counter("lto.events.consumed", "type", type).increment();
        lastEventAt = clock.instant();
        return true;
    }

    void jobStateChanged(JobStateChanged change) {
        latestSequence.compute(change.jobId(), (id, seq) -> {
            if (seq == null || change.sequence() > seq) {
                latestState.put(id, change.to());
                return change.sequence();
            }
            return seq;
        });
    }

    /** When the last distinct event arrived; null when none has since this service started. */
    public Instant lastEventAt() {
        return lastEventAt;
    }

    /** When this view started watching (the service's start). */
    public Instant startedAt() {
        return startedAt;
    }

    public long duplicatesIgnored() {
        return duplicates;
    }

    public Map<String, Long> eventsByType() {
        return Map.copyOf(eventsByType);
    }

    /** Jobs per latest known state. */
    public Map<JobState, Long> jobsByState() {
        Map<JobState, Long> counts = new EnumMap<>(JobState.class);
        latestState.values().forEach(s -> counts.merge(s, 1L, Long::sum));
        return counts;
    }

    /** Jobs whose latest known state is not an end state. */
    public long activeJobs() {
        return latestState.values().stream().filter(s -> !s.isTerminal()).count();
    }
}

package dev.lto.action.events;

import dev.lto.contracts.JobState;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.JobStateChanged;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What the action layer has seen on {@code lto.events}: distinct events per type, the latest state of
 * each job in flight, how many jobs reached each end state, and when the last event arrived.
 * Deduplicates on event id (delivery is at least once) within a bounded window.
 */
@Component
public class PipelineActivity {

    private static final int DEDUP_WINDOW = 200_000;
    private static final int ENDED_WINDOW = 50_000;
    /** The window of {@link #jobsPerMinute()}: the orchestrator's {@code lto_pipeline_jobs_per_minute} uses 5 minutes too. */
    static final Duration THROUGHPUT_WINDOW = Duration.ofMinutes(5);
    /** How long a reported GPU utilization counts in {@link #gpuUtilization()}. */
    static final Duration GPU_REPORT_WINDOW = Duration.ofSeconds(30);
    static final int RECENT_NOTABLE = 50;
    /** States in which a job reached the pipeline's end, the same set the orchestrator counts. */
    private static final EnumSet<JobState> END_STATES = EnumSet.of(JobState.COMPLETED, JobState.ANOMALY_FLAGGED,
            JobState.BLOCKED, JobState.REJECTED, JobState.FAILED, JobState.CANCELLED);
    /** States an engineer wants to look at: the console lists the latest jobs that entered them. */
    private static final EnumSet<JobState> NOTABLE = EnumSet.of(JobState.BLOCKED, JobState.ANOMALY_FLAGGED, JobState.ESCALATED);

    private final Map<String, Boolean> recentEventIds = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > DEDUP_WINDOW;
                }
            });
    /**
     * Jobs not at an end state, with their latest state and sequence. A job that reaches an end state leaves this
     * map for a count per end state and a bounded memory of its id (nothing follows an end state, so only a late,
     * older event could still come for it): the view holds the jobs in flight, not every job ever seen.
     */
    private final Map<String, Latest> inFlight = new ConcurrentHashMap<>();
    private final Map<JobState, LongAdder> ended = new ConcurrentHashMap<>();
    private final Map<String, Boolean> recentlyEnded;
    private final Map<String, Long> eventsByType = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Clock clock;
    private final Instant startedAt;
    private volatile Instant lastEventAt;
    private volatile long duplicates;
    private final Deque<Instant> endedAt = new ArrayDeque<>();
    private final Deque<NotableJob> notable = new ArrayDeque<>();
    private final Map<String, GpuReport> gpuByJob = new ConcurrentHashMap<>();

    /** A job that entered a state worth an engineer's look (blocked, flagged, escalated). */
    public record NotableJob(String jobId, JobState state, Instant at, String reason) {
    }

    private record GpuReport(double utilization, Instant at) {
    }

    private record Latest(JobState state, int sequence) {
    }

    @Autowired
    PipelineActivity(MeterRegistry meters, Clock clock) {
        this(meters, clock, ENDED_WINDOW);
    }

    /** endedWindow: ended job ids remembered, so that a late older event for one does not count it as in flight again. */
    PipelineActivity(MeterRegistry meters, Clock clock, int endedWindow) {
        this.meters = meters;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.recentlyEnded = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > endedWindow;
            }
        });
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
        inFlight.compute(change.jobId(), (id, latest) -> {
            if (latest != null ? change.sequence() <= latest.sequence() : recentlyEnded.containsKey(id)) {
                return latest; // an older or repeated event: the job moved on (or ended) already
            }
            if (change.to().isTerminal()) {
                ended.computeIfAbsent(change.to(), s -> new LongAdder()).increment();
                recentlyEnded.put(id, Boolean.TRUE);
                return null;
            }
            return new Latest(change.to(), change.sequence());
        });
        if (END_STATES.contains(change.to())) {
            synchronized (endedAt) {
                endedAt.addLast(change.at());
                prune(clock.instant());
            }
        }
        if (NOTABLE.contains(change.to())) {
            synchronized (notable) {
                notable.addFirst(new NotableJob(change.jobId(), change.to(), change.at(), change.reason()));
                while (notable.size() > RECENT_NOTABLE) {
                    notable.removeLast();
                }
            }
        }
    }

    /** A running job's progress: only its GPU utilization is kept, when the simulator reports one. */
    void progress(MetricSnapshot snapshot) {
        if (snapshot.gpuUtilization() != null) {
            gpuByJob.put(snapshot.jobId(), new GpuReport(snapshot.gpuUtilization(), snapshot.timestamp()));
        }
    }

    /**
     * Jobs that reached the pipeline's end per minute over the last 5 minutes (by the time of
     * their transition), as the orchestrator defines {@code lto_pipeline_jobs_per_minute}, but
     * fresh on every call rather than every monitoring interval.
     */
    public double jobsPerMinute() {
        synchronized (endedAt) {
            prune(clock.instant());
            return endedAt.size() / (double) THROUGHPUT_WINDOW.toMinutes();
        }
    }

    private void prune(Instant now) {
        Instant horizon = now.minus(THROUGHPUT_WINDOW);
        endedAt.removeIf(t -> !t.isAfter(horizon));
    }

    /**
     * Mean of the latest GPU utilization each job's simulator reported in the last 30 s; null when
     * none did (no GPU worker, or none busy): never a made-up number.
     */
    public Double gpuUtilization() {
        Instant horizon = clock.instant().minus(GPU_REPORT_WINDOW);
        gpuByJob.values().removeIf(r -> r.at().isBefore(horizon));
        var recent = gpuByJob.values().stream().mapToDouble(GpuReport::utilization).summaryStatistics();
        return recent.getCount() == 0 ? null : recent.getAverage();
    }

    /** The latest jobs that were blocked, flagged or escalated, newest first. */
    public List<NotableJob> recentNotableJobs() {
        synchronized (notable) {
            return new ArrayList<>(notable);
        }
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
        inFlight.values().forEach(l -> counts.merge(l.state(), 1L, Long::sum));
        ended.forEach((state, n) -> counts.put(state, n.sum()));
        return counts;
    }

    /** Jobs whose latest known state is not an end state. */
    public long activeJobs() {
        return inFlight.size();
    }

    /** Job ids this view holds (in flight, and ended ones remembered): bounded by the jobs in flight plus the window. */
    int jobIdsHeld() {
        return inFlight.size() + recentlyEnded.size();
    }
}

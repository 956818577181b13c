package dev.lto.intelligence.jobs;

import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes stored state changes to {@code lto.events} (transactional outbox): a history row is
 * written in the transition's transaction and marked published only after XADD succeeded, so a
 * crash between the two republishes rather than loses. Event ids are {@code job_id/seq}, which is
 * what consumers deduplicate on. Each event carries the trace context stored with its row, so a
 * sweep that publishes it later still continues the trace of the work that made the change.
 */
@Component
class StateEventOutbox {

    static final String BINDING = "jobEvents-out-0";
    private static final Logger log = LoggerFactory.getLogger(StateEventOutbox.class);

    private final JobRepository jobs;
    private final EventPublisher publisher;
    private final JsonMapper json;

    /** False in a worker-only process or command mode: no sweeping of another process's outbox. */
    private final boolean orchestrator;

    StateEventOutbox(JobRepository jobs, EventPublisher publisher, JsonMapper json,
                     @Value("${lto.pipeline.orchestrator:true}") boolean orchestrator) {
        this.json = json;
        this.orchestrator = orchestrator;
        this.jobs = jobs;
        this.publisher = publisher;
    }

    /**
     * Publishes everything pending; on a publish failure stops and leaves the rest for the next sweep.
     * Each job's events go out in sequence on a lane of their own, the jobs' lanes at once: the binder
     * pipelines concurrent XADDs on its one connection, so a flush of a 200-job intake batch costs a few
     * round trips instead of 200 awaited ones (docs/benchmarks.md "Intake under load"). Consumers see
     * each job's events in order; events of different jobs may interleave differently than before.
     */
    synchronized int flush() {
        int published = 0;
        List<JobRepository.PendingStateEvent> batch;
        do {
            batch = jobs.unpublished(500);
            Map<String, List<JobRepository.PendingStateEvent>> byJob = new LinkedHashMap<>();
            batch.forEach(pending -> byJob.computeIfAbsent(pending.jobId(), id -> new ArrayList<>()).add(pending));
            Map<String, int[]> publishedRange = new ConcurrentHashMap<>();
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            Context caller = Context.current();
            try (var lanes = Executors.newVirtualThreadPerTaskExecutor()) {
                for (var events : byJob.values()) {
                    lanes.execute(caller.wrap(() -> publishInOrder(events, publishedRange, failure)));
                }
            }
            jobs.markPublished(publishedRange);
            for (int[] range : publishedRange.values()) {
                published += range[1] - range[0] + 1;
            }
            if (failure.get() != null) {
                log.warn("State events not published yet ({}); will retry", failure.get().getMessage());
                return published;
            }
        } while (batch.size() == 500);
        return published;
    }

    /** One job's pending events, in sequence, until the first failure (its range stays contiguous). */
    private void publishInOrder(List<JobRepository.PendingStateEvent> events, Map<String, int[]> publishedRange,
                                AtomicReference<RuntimeException> failure) {
        for (var pending : events) {
            if (failure.get() != null) {
                return;
            }
            var change = pending.change();
            var payload = new JobStateChanged(pending.jobId(), change.from(), change.to(), change.sequence(), change.at(), change.reason(),
                    recommendation(pending.bestAlternative()));
            var envelope = new EventEnvelope<>(pending.jobId() + "/" + change.sequence(), EventTypes.JOB_STATE_CHANGED, 1,
                    change.at(), pending.jobId(), "intelligence-service", pending.traceContext(), payload);
            try {
                publisher.publish(BINDING, envelope);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                return;
            }
            publishedRange.merge(pending.jobId(), new int[] {change.sequence(), change.sequence()},
                    (a, b) -> new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
    }

    /**
     * What a blocked job's engineer can do: the closest alternative's changed parameters, and
     * whether it meets the whole profile or only clears its blocking limits. Null without one.
     */
    String recommendation(String alternativeJson) {
        if (alternativeJson == null || alternativeJson.isBlank() || alternativeJson.equals("null")) {
            return null;
        }
        JsonNode a = json.readTree(alternativeJson);
        List<String> changes = new ArrayList<>();
        a.path("changes").properties().forEach(e -> changes.add(e.getKey() + "=" + e.getValue().asString()));
        if (changes.isEmpty()) {
            return null;
        }
        StringBuilder r = new StringBuilder("Resubmit with ").append(String.join(", ", changes));
        if (a.path("meets_profile").asBoolean(false)) {
            r.append(": predicted to meet the whole constraint profile");
        } else {
            List<String> still = new ArrayList<>();
            a.path("remaining_violations").forEach(v -> still.add(v.path("message").asString()));
            r.append(": predicted to clear the blocking limits").append(still.isEmpty() ? "" : ", still breaking " + String.join("; ", still));
        }
        if (!a.path("verified_by").isMissingNode() && !a.path("verified_by").isNull()) {
            r.append(" (verified by ").append(a.path("verified_by").asString()).append(")");
        }
        return r.toString();
    }

    @Scheduled(fixedDelayString = "${lto.jobs.outbox-sweep-interval}", initialDelayString = "${lto.jobs.outbox-sweep-interval}")
    void sweep() {
        if (!orchestrator) {
            return;
        }
        int n = flush();
        if (n > 0) {
            log.info("Outbox sweep published {} pending state event(s)", n);
        }
    }
}

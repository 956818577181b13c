package dev.lto.intelligence.jobs;

import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Publishes everything pending; on a publish failure stops and leaves the rest for the next sweep. */
    synchronized int flush() {
        int published = 0;
        List<JobRepository.PendingStateEvent> batch;
        do {
            batch = jobs.unpublished(500);
            Map<String, int[]> publishedRange = new LinkedHashMap<>();
            for (var pending : batch) {
                var change = pending.change();
                var payload = new JobStateChanged(pending.jobId(), change.from(), change.to(), change.sequence(), change.at(), change.reason(),
                        recommendation(pending.bestAlternative()));
                var envelope = new EventEnvelope<>(pending.jobId() + "/" + change.sequence(), EventTypes.JOB_STATE_CHANGED, 1,
                        change.at(), pending.jobId(), "intelligence-service", pending.traceContext(), payload);
                try {
                    publisher.publish(BINDING, envelope);
                } catch (RuntimeException e) {
                    log.warn("State events not published yet ({}); will retry", e.getMessage());
                    markPublished(publishedRange);
                    return published;
                }
                publishedRange.merge(pending.jobId(), new int[] {change.sequence(), change.sequence()},
                        (a, b) -> new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                published++;
            }
            markPublished(publishedRange);
        } while (batch.size() == 500);
        return published;
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
        List<String> changes = new java.util.ArrayList<>();
        a.path("changes").properties().forEach(e -> changes.add(e.getKey() + "=" + e.getValue().asString()));
        if (changes.isEmpty()) {
            return null;
        }
        StringBuilder r = new StringBuilder("Resubmit with ").append(String.join(", ", changes));
        if (a.path("meets_profile").asBoolean(false)) {
            r.append(": predicted to meet the whole constraint profile");
        } else {
            List<String> still = new java.util.ArrayList<>();
            a.path("remaining_violations").forEach(v -> still.add(v.path("message").asString()));
            r.append(": predicted to clear the blocking limits").append(still.isEmpty() ? "" : ", still breaking " + String.join("; ", still));
        }
        if (!a.path("verified_by").isMissingNode() && !a.path("verified_by").isNull()) {
            r.append(" (verified by ").append(a.path("verified_by").asString()).append(")");
        }
        return r.toString();
    }

    /** Per job, the published sequence numbers are contiguous: the batch is ordered and stops at the first failure. */
    private void markPublished(Map<String, int[]> ranges) {
        ranges.forEach((jobId, range) -> jobs.markPublished(jobId, range[0], range[1]));
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

package dev.lto.ingestion.ingest;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.SimulationFinished;
import dev.lto.contracts.events.WaferYield;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.platform.streams.StreamPublishException;
import dev.lto.platform.web.ServiceUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Publishes ingested data. Event ids are derived from what identifies the data, never random, so a
 * client that retries after a 503 (or re-posts a whole batch) produces the same ids and the
 * consumers, which deduplicate on event id, store each item once:
 *
 * <ul>
 *   <li>result: {@code <job_id>/result/<timestamp>} (one result per job and result timestamp);</li>
 *   <li>snapshot: {@code <job_id>/progress/<timestamp>} (one snapshot per job and instant);</li>
 *   <li>yield: {@code <job_id>/yield/<measured_at>[/<wafer_id>]}.</li>
 * </ul>
 * Timestamps are written as {@link Instant#toString()}, so {@code +00:00} and {@code Z} spellings of
 * the same instant give the same id; a job id has no {@code /} (checked on reading), so ids do not collide.
 */
@Service
class Ingests {

    static final String RESULTS_BINDING = "simulationResults-out-0";
    static final String METRICS_BINDING = "ingestMetrics-out-0";
    static final String YIELD_BINDING = "ingestYield-out-0";
    static final String PRODUCER = "ingestion-service";

    private final EventPublisher publisher;
    private final Counter results;
    private final Counter snapshots;
    private final Counter yields;

    Ingests(EventPublisher publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.results = accepted(meters, "result", "Simulation results ingested from external simulators");
        this.snapshots = accepted(meters, "metric_snapshot", "Progress snapshots ingested from external simulators");
        this.yields = accepted(meters, "wafer_yield", "Wafer yield measurements ingested");
    }

    /** {@code lto_ingest_accepted_total{kind=...}}: one series per kind of ingested data. */
    private static Counter accepted(MeterRegistry meters, String kind, String description) {
        return Counter.builder("lto.ingest.accepted").tag("kind", kind).description(description).register(meters);
    }

    static String resultEventId(SimulationResult r) {
        return r.jobId() + "/result/" + r.timestamp();
    }

    static String snapshotEventId(MetricSnapshot s) {
        return s.jobId() + "/progress/" + s.timestamp();
    }

    static String yieldEventId(WaferYield y) {
        return y.jobId() + "/yield/" + y.measuredAt() + (y.waferId() == null ? "" : "/" + y.waferId());
    }

    Receipts.Result result(SimulationResult result) {
        Instant now = Instant.now();
        String eventId = resultEventId(result);
        var finished = new SimulationFinished(result.jobId(), null, "ingest", "ingest", result, null, now);
        publish(RESULTS_BINDING, envelope(eventId, EventTypes.SIMULATION_FINISHED, result.jobId(), now, finished),
                "the result of job " + result.jobId() + " was not confirmed by the message backbone; it may or may not "
                        + "have been taken. Retry the same result: it has the same event id and is stored once.",
                Map.of("job_id", result.jobId(), "event_id", eventId));
        results.increment();
        return new Receipts.Result(result.jobId(), eventId, now, Map.of("self", "/api/v1/jobs/" + result.jobId()));
    }

    /** Publishes in order; on a failure the caller learns how many were confirmed before it. */
    Receipts.Snapshots snapshots(List<MetricSnapshot> batch) {
        Instant now = Instant.now();
        var jobIds = new LinkedHashSet<String>();
        for (int i = 0; i < batch.size(); i++) {
            MetricSnapshot s = batch.get(i);
            publish(METRICS_BINDING, envelope(snapshotEventId(s), EventTypes.SIMULATION_PROGRESS, s.jobId(), now, s),
                    i + " of " + batch.size() + " snapshot(s) were confirmed by the message backbone before it failed. "
                            + "Retry the whole batch: snapshots already taken have the same event ids and are stored once.",
                    Map.of("confirmed", i, "count", batch.size()));
            snapshots.increment();
            jobIds.add(s.jobId());
        }
        return new Receipts.Snapshots(batch.size(), List.copyOf(jobIds), now);
    }

    Receipts.Yield waferYield(WaferYield measured) {
        Instant now = Instant.now();
        String eventId = yieldEventId(measured);
        publish(YIELD_BINDING, envelope(eventId, EventTypes.YIELD_MEASURED, measured.jobId(), now, measured),
                "the yield of job " + measured.jobId() + " was not confirmed by the message backbone; it may or may not "
                        + "have been taken. Retry the same measurement: it has the same event id and is stored once.",
                Map.of("job_id", measured.jobId(), "event_id", eventId));
        yields.increment();
        return new Receipts.Yield(measured.jobId(), eventId, now, Map.of("job", "/api/v1/jobs/" + measured.jobId()));
    }

    private static <T> EventEnvelope<T> envelope(String eventId, String type, String key, Instant at, T payload) {
        return new EventEnvelope<>(eventId, type, 1, at, key, PRODUCER, Map.of(), payload);
    }

    private void publish(String binding, EventEnvelope<?> envelope, String unavailable, Map<String, Object> details) {
        try {
            publisher.publish(binding, envelope);
        } catch (StreamPublishException e) {
            throw new ServiceUnavailableException(unavailable, details, e);
        }
    }
}

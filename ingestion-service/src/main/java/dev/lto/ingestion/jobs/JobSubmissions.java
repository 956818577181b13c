package dev.lto.ingestion.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.platform.streams.StreamPublishException;
import dev.lto.platform.streams.StreamTracing;
import dev.lto.platform.web.ServiceUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Publishes validated submissions to {@code lto.jobs.submitted}. The job id is the idempotency
 * key downstream: a resubmission with the same id changes nothing.
 */
@Service
class JobSubmissions {

    static final String BINDING = "jobSubmissions-out-0";

    private final EventPublisher publisher;
    private final Counter submitted;
    private final Counter refused;
    private final Backpressure backpressure;
    private final StreamTracing tracing;

    JobSubmissions(EventPublisher publisher, Backpressure backpressure, MeterRegistry meters, StreamTracing tracing) {
        this.publisher = publisher;
        this.backpressure = backpressure;
        this.tracing = tracing;
        this.submitted = Counter.builder("lto.jobs.submitted").description("Total jobs submitted").register(meters);
        this.refused = Counter.builder("lto.jobs.submissions.refused").tag("reason", "backlog")
                .description("Submissions refused with 503 because the backlog was above lto.ingestion.backpressure.max-backlog")
                .register(meters);
    }

    private static Map<String, Object> withJobId(Map<String, Object> figures, String jobId) {
        Map<String, Object> m = new LinkedHashMap<>(figures);
        m.put("job_id", jobId);
        return m;
    }

    /**
     * {@code keyOwner}: the submitting API key's owner, kept with the job so that owner may cancel it
     * (null with auth off). In span {@code job.submit}, the first of the job's trace under the HTTP
     * request's (docs/tracing.md).
     */
    SubmissionReceipt submit(JobParameters parameters, String keyOwner) {
        // Refused before the job's trace starts: a refused submission is not taken, so it has no job work.
        backpressure.refusal().ifPresent(f -> {
            refused.increment();
            throw new ServiceUnavailableException("the pipeline has " + f.backlog() + " submissions waiting ahead of this one, above "
                    + "the edge's bound; it was not taken. Retry later with the same job_id (" + parameters.jobId() + ").",
                    withJobId(backpressure.describe(f), parameters.jobId()), backpressure.retryAfter(), null);
        });
        return tracing.inSpan("job.submit", parameters.jobId(), () -> publish(parameters, keyOwner));
    }

    private SubmissionReceipt publish(JobParameters parameters, String keyOwner) {
        Instant now = Instant.now();
        try {
            publisher.publish(BINDING, EventEnvelope.of(EventTypes.JOB_SUBMITTED, parameters.jobId(), "ingestion-service",
                    new JobSubmitted(parameters, now, keyOwner)));
        } catch (StreamPublishException e) {
            // XADD may have happened even though it was not confirmed: give the id back so a retry reuses
            // it, which the intelligence service treats as the same job rather than a second one.
            throw new ServiceUnavailableException("the job was not confirmed by the message backbone; it may or may not "
                    + "have been taken. Retry with the same job_id (" + parameters.jobId() + ").",
                    Map.of("job_id", parameters.jobId()), e);
        }
        submitted.increment();
        return new SubmissionReceipt(parameters.jobId(), JobState.SUBMITTED, now,
                Map.of("self", "/api/v1/jobs/" + parameters.jobId()));
    }
}

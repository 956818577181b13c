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
    private final StreamTracing tracing;

    JobSubmissions(EventPublisher publisher, MeterRegistry meters, StreamTracing tracing) {
        this.publisher = publisher;
        this.tracing = tracing;
        this.submitted = Counter.builder("lto.jobs.submitted").description("Total jobs submitted").register(meters);
    }

    /** In span {@code job.submit}, the first of the job's trace under the HTTP request's (docs/tracing.md). */
    SubmissionReceipt submit(JobParameters parameters) {
        return tracing.inSpan("job.submit", parameters.jobId(), () -> publish(parameters));
    }

    private SubmissionReceipt publish(JobParameters parameters) {
        Instant now = Instant.now();
        try {
            publisher.publish(BINDING, EventEnvelope.of(EventTypes.JOB_SUBMITTED, parameters.jobId(), "ingestion-service",
                    new JobSubmitted(parameters, now)));
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

package dev.lto.ingestion.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.platform.streams.EventPublisher;
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

    JobSubmissions(EventPublisher publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.submitted = Counter.builder("lto.jobs.submitted").description("Total jobs submitted").register(meters);
    }

    SubmissionReceipt submit(JobParameters parameters) {
        Instant now = Instant.now();
        publisher.publish(BINDING, EventEnvelope.of(EventTypes.JOB_SUBMITTED, parameters.jobId(), "ingestion-service",
                new JobSubmitted(parameters, now)));
        submitted.increment();
        return new SubmissionReceipt(parameters.jobId(), JobState.SUBMITTED, now,
                Map.of("self", "/api/v1/jobs/" + parameters.jobId()));
    }
}

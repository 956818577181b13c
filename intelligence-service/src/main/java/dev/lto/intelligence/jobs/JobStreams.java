package dev.lto.intelligence.jobs;

import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.contracts.events.SimulationFinished;
import dev.lto.contracts.events.StreamNames;
import dev.lto.platform.streams.EnvelopeCodec;
import dev.lto.platform.streams.StreamTracing;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Stream bindings of the jobs feature: {@code jobSubmissions-in-0} from {@code lto.jobs.submitted}
 * (in batches) and {@code simulationResults-in-0} from {@code lto.sim.results}. Each handler returns
 * normally only once the effects are stored; any exception leaves the entries unacknowledged. Each
 * message is handled in a span continuing the trace its envelope carries (docs/tracing.md).
 */
@Configuration(proxyBeanMethods = false)
class JobStreams {

    /**
     * Batch consumer ({@code consumer.batch-mode}): one read of the stream is stored in one transaction,
     * then handed to the intake's stage thread. An entry that cannot be read fails the batch; the binder
     * then hands the entries one by one, so it alone is redelivered and dead-lettered.
     */
    @Bean
    Consumer<Message<List<byte[]>>> jobSubmissions(EnvelopeCodec codec, JobLifecycle lifecycle, Intake intake,
                                                   StreamTracing tracing) {
        return message -> {
            List<EventEnvelope<JobSubmitted>> batch = new ArrayList<>(message.getPayload().size());
            for (byte[] payload : message.getPayload()) {
                var envelope = codec.read(payload, JobSubmitted.class);
                if (!EventTypes.JOB_SUBMITTED.equals(envelope.type())) {
                    throw new IllegalArgumentException("unexpected event type " + envelope.type() + " on the submissions stream");
                }
                batch.add(envelope);
            }
            // One consumer span per submission, marking its receipt; its context is stored with the job's
            // SUBMITTED row, and the intake's stages (on their own thread, later) run as its children.
            Map<String, Map<String, String>> contexts = new HashMap<>();
            for (var envelope : batch) {
                tracing.process(StreamNames.JOBS_SUBMITTED, envelope, envelope.payload().parameters().jobId(),
                        () -> contexts.put(envelope.eventId(), tracing.currentContext()));
            }
            intake.advanceLater(lifecycle.store(batch, contexts));
        };
    }

    /** The results stream is open to other producers (the ingest edge, external tools): the payload is validated first. */
    @Bean
    Consumer<Message<byte[]>> simulationResults(EnvelopeCodec codec, JobLifecycle lifecycle, Validator validator,
                                                StreamTracing tracing) {
        return message -> {
            var envelope = codec.read(message.getPayload(), SimulationFinished.class);
            if (!EventTypes.SIMULATION_FINISHED.equals(envelope.type())) {
                throw new IllegalArgumentException("unexpected event type " + envelope.type() + " on the results stream");
            }
            var violations = validator.validate(envelope.payload());
            if (!violations.isEmpty()) {
                throw new IllegalArgumentException("invalid simulation result " + envelope.eventId() + ": " + violations.stream()
                        .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().toList());
            }
            tracing.process(StreamNames.SIM_RESULTS, envelope, envelope.payload().jobId(), () -> lifecycle.finished(envelope));
        };
    }
}

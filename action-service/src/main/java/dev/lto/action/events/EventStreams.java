package dev.lto.action.events;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.contracts.events.StreamNames;
import dev.lto.platform.streams.EnvelopeCodec;
import dev.lto.platform.streams.StreamTracing;
import java.util.function.Consumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * {@code jobEvents-in-0}: the action layer's view of {@code lto.events}. Each event is handled in a
 * span continuing the trace it carries, so what the action layer does for a job joins the job's trace.
 */
@Configuration(proxyBeanMethods = false)
class EventStreams {

    @Bean
    Consumer<Message<byte[]>> jobEvents(EnvelopeCodec codec, PipelineActivity activity, StreamTracing tracing,
            ApplicationEventPublisher listeners) {
        return message -> {
            // Parse fully before recording, so a poison message is retried and dead-lettered, not half-counted.
            var envelope = codec.read(message.getPayload(), Object.class);
            JobStateChanged change = EventTypes.JOB_STATE_CHANGED.equals(envelope.type())
                    ? codec.read(message.getPayload(), JobStateChanged.class).payload()
                    : null;
            MetricSnapshot progress = EventTypes.SIMULATION_PROGRESS.equals(envelope.type())
                    ? codec.read(message.getPayload(), MetricSnapshot.class).payload()
                    : null;
            // Job events are keyed by job id; pipeline snapshots are not a job's work.
            String jobId = change != null ? change.jobId()
                    : EventTypes.SIMULATION_PROGRESS.equals(envelope.type()) ? envelope.key() : null;
            // Inside the span, so alerts raised by the listeners join the job's trace.
            tracing.process(StreamNames.EVENTS, envelope, jobId, () -> {
                if (change != null) {
                    // Before recording: if a listener (the alert engine) fails, the redelivery must reach it again.
                    listeners.publishEvent(new JobStateObserved(envelope.eventId(), envelope.producer(), change));
                }
                if (activity.record(envelope.eventId(), envelope.type())) {
                    if (change != null) {
                        activity.jobStateChanged(change);
                    }
                    if (progress != null) {
                        activity.progress(progress);
                    }
                }
            });
        };
    }
}

package dev.lto.action.events;

import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EnvelopeCodec;
import java.util.function.Consumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** {@code jobEvents-in-0}: the action layer's view of {@code lto.events}. */
@Configuration(proxyBeanMethods = false)
class EventStreams {

    @Bean
    Consumer<Message<byte[]>> jobEvents(EnvelopeCodec codec, PipelineActivity activity, ApplicationEventPublisher listeners) {
        return message -> {
            // Parse fully before recording, so a poison message is retried and dead-lettered, not half-counted.
            var envelope = codec.read(message.getPayload(), Object.class);
            JobStateChanged change = EventTypes.JOB_STATE_CHANGED.equals(envelope.type())
                    ? codec.read(message.getPayload(), JobStateChanged.class).payload()
                    : null;
            if (change != null) {
                // Before recording: if a listener (the alert engine) fails, the redelivery must reach it again.
                listeners.publishEvent(new JobStateObserved(envelope.eventId(), envelope.producer(), change));
            }
            if (activity.record(envelope.eventId(), envelope.type()) && change != null) {
                activity.jobStateChanged(change);
            }
        };
    }
}

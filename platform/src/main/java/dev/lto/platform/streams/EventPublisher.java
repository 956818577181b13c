package dev.lto.platform.streams;

import dev.lto.contracts.events.EventEnvelope;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * Publishes envelopes to an output binding and returns only once the binder has accepted the
 * message (the Redis binder awaits XADD), so a publish failure reaches the caller as an exception.
 */
public final class EventPublisher {

    public static final String EVENT_ID_HEADER = "lto_event_id";
    public static final String EVENT_TYPE_HEADER = "lto_event_type";

    private final StreamBridge bridge;
    private final EnvelopeCodec codec;

    public EventPublisher(StreamBridge bridge, EnvelopeCodec codec) {
        this.bridge = bridge;
        this.codec = codec;
    }

    /**
     * @param binding an output binding name, e.g. {@code jobSubmissions-out-0}
     * @throws StreamPublishException when the binder did not take the message
     */
    public void publish(String binding, EventEnvelope<?> envelope) {
        var message = MessageBuilder.withPayload(codec.write(envelope))
                .setHeader(EVENT_ID_HEADER, envelope.eventId())
                .setHeader(EVENT_TYPE_HEADER, envelope.type())
                .setHeader("contentType", MimeTypeUtils.APPLICATION_JSON_VALUE)
                .build();
        boolean sent;
        try {
            sent = bridge.send(binding, message);
        } catch (RuntimeException e) {
            throw new StreamPublishException(binding, envelope.eventId(), e);
        }
        if (!sent) {
            throw new StreamPublishException(binding, envelope.eventId(), null);
        }
    }
}

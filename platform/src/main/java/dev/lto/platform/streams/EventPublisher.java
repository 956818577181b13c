package dev.lto.platform.streams;

import dev.lto.contracts.events.EventEnvelope;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * Publishes envelopes to an output binding and returns only once the binder has accepted the
 * message (the Redis binder awaits XADD), so a publish failure reaches the caller as an exception.
 * Each publish is a PRODUCER span {@code "<stream> publish"} whose W3C context travels in the
 * envelope's {@code trace_context} ({@link StreamTracing}).
 */
public final class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    public static final String EVENT_ID_HEADER = "lto_event_id";
    public static final String EVENT_TYPE_HEADER = "lto_event_type";

    private final StreamBridge bridge;
    private final EnvelopeCodec codec;
    private final StreamTracing tracing;
    /** Binding name to stream name, for span names. */
    private final UnaryOperator<String> destinationOf;

    public EventPublisher(StreamBridge bridge, EnvelopeCodec codec, StreamTracing tracing, UnaryOperator<String> destinationOf) {
        this.bridge = bridge;
        this.codec = codec;
        this.tracing = tracing;
        this.destinationOf = destinationOf;
    }

    /**
     * @param binding an output binding name, e.g. {@code jobSubmissions-out-0}
     * @throws StreamPublishException when the binder did not take the message
     */
    public void publish(String binding, EventEnvelope<?> untraced) {
        var publish = tracing.startPublish(destinationOf.apply(binding), untraced);
        RuntimeException failure = null;
        try {
            send(binding, publish.envelope());
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            publish.end(failure);
        }
    }

    /**
     * Publishes like {@link #publish}, but a failure is logged (WARN, with {@code then}: what happens to
     * the event now) and answered false instead of thrown: for notices whose caller retries later or
     * can drop them, e.g. alerts raised by a monitor.
     */
    public boolean tryPublish(String binding, EventEnvelope<?> envelope, String then) {
        try {
            publish(binding, envelope);
            return true;
        } catch (RuntimeException e) {
            log.warn("Could not publish {} on {} ({}); {}", envelope.eventId(), binding, e.toString(), then);
            return false;
        }
    }

    private void send(String binding, EventEnvelope<?> envelope) {
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

package dev.lto.platform.streams;

import dev.lto.contracts.events.EventEnvelope;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/** Envelopes to and from the JSON bytes that travel on the streams. */
public final class EnvelopeCodec {

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private final JsonMapper json;

    public EnvelopeCodec(JsonMapper json) {
        this.json = json;
    }

    public byte[] write(EventEnvelope<?> envelope) {
        return json.writeValueAsBytes(envelope);
    }

    /**
     * @throws tools.jackson.core.JacksonException when the bytes are not an envelope of that payload
     *     type (a poison message: let it fail, the binder dead-letters it after its retries)
     */
    public <T> EventEnvelope<T> read(byte[] bytes, Class<T> payloadType) {
        JavaType type = json.getTypeFactory().constructParametricType(EventEnvelope.class, payloadType);
        EventEnvelope<T> envelope = json.readValue(bytes, type);
        // Consumers deduplicate on event_id and dispatch on type: an envelope without them is poison.
        if (isBlank(envelope.eventId()) || isBlank(envelope.type()) || envelope.payload() == null) {
            throw new IllegalArgumentException("not a valid event envelope: event_id, type and payload are required");
        }
        return envelope;
    }
}

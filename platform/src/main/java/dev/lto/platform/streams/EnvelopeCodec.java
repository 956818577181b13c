package dev.lto.platform.streams;

import dev.lto.contracts.events.EventEnvelope;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/** Envelopes to and from the JSON bytes that travel on the streams. */
public final class EnvelopeCodec {

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
        return json.readValue(bytes, type);
    }
}

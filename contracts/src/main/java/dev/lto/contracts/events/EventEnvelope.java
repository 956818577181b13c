package dev.lto.contracts.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Every message on an LTO stream travels in this envelope. {@code event_id} is assigned by the
 * producer and is what consumers deduplicate on (delivery is at least once); {@code key} is the
 * business key (usually the job id); {@code trace_context} carries W3C trace headers
 * ({@code traceparent}, {@code tracestate}) across the stream hop.
 *
 * @param <T> the payload type named by {@code type}
 */
public record EventEnvelope<T>(
        @JsonProperty("event_id") @NotBlank String eventId,
        @NotBlank String type,
        @JsonProperty("schema_version") @Positive int schemaVersion,
        @JsonProperty("occurred_at") @NotNull Instant occurredAt,
        @NotBlank String key,
        @NotBlank String producer,
        @JsonProperty("trace_context") Map<String, String> traceContext,
        @NotNull @Valid T payload) {

    public EventEnvelope {
        traceContext = traceContext == null ? Map.of() : Map.copyOf(traceContext);
    }

    /** A new envelope with a fresh event id, stamped now, schema version 1. */
    public static <T> EventEnvelope<T> of(String type, String key, String producer, T payload) {
        return new EventEnvelope<>(UUID.randomUUID().toString(), type, 1, Instant.now(), key, producer, Map.of(), payload);
    }

    public EventEnvelope<T> withTraceContext(Map<String, String> context) {
        return new EventEnvelope<>(eventId, type, schemaVersion, occurredAt, key, producer, context, payload);
    }
}

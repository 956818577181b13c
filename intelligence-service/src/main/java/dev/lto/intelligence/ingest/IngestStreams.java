package dev.lto.intelligence.ingest;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.WaferYield;
import dev.lto.platform.streams.EnvelopeCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Stream bindings of the ingest feature: {@code ingestMetrics-in-0} from {@code lto.ingest.metrics}
 * and {@code ingestYield-in-0} from {@code lto.ingest.yield}, both group {@code intelligence}. Each
 * handler returns only once the row is stored (or known already), so the binder acknowledges
 * only durable effects; a redelivery finds the event id stored and changes nothing.
 */
@Configuration(proxyBeanMethods = false)
class IngestStreams {

    private static final Logger log = LoggerFactory.getLogger(IngestStreams.class);

    @Bean
    Consumer<Message<byte[]>> ingestMetrics(EnvelopeCodec codec, Validator validator, IngestStore store, MeterRegistry meters) {
        Counter stored = stored(meters, "metric_snapshot");
        return message -> {
            var envelope = read(codec, validator, message, MetricSnapshot.class, EventTypes.SIMULATION_PROGRESS);
            if (store.insert(envelope.eventId(), envelope.payload())) {
                stored.increment();
            } else {
                log.debug("Snapshot {} already stored", envelope.eventId());
            }
        };
    }

    @Bean
    Consumer<Message<byte[]>> ingestYield(EnvelopeCodec codec, Validator validator, IngestStore store, MeterRegistry meters) {
        Counter stored = stored(meters, "wafer_yield");
        return message -> {
            var envelope = read(codec, validator, message, WaferYield.class, EventTypes.YIELD_MEASURED);
            if (store.insert(envelope.eventId(), envelope.payload())) {
                stored.increment();
            } else {
                log.debug("Yield {} already stored", envelope.eventId());
            }
        };
    }

    /** {@code lto_ingest_stored_total{kind}}: new rows only, so redeliveries do not count. */
    private static Counter stored(MeterRegistry meters, String kind) {
        return Counter.builder("lto.ingest.stored").tag("kind", kind)
                .description("Ingested items stored (redeliveries not counted)").register(meters);
    }

    /**
     * Decodes and checks an envelope. The streams are open to any producer, not only our edge, so
     * the payload is validated again; a message that breaks the contract throws, and the binder
     * dead-letters it with the reason after its deliveries, where an operator can see it.
     */
    private static <T> EventEnvelope<T> read(EnvelopeCodec codec, Validator validator, Message<byte[]> message,
                                             Class<T> payloadType, String expectedType) {
        EventEnvelope<T> envelope = codec.read(message.getPayload(), payloadType);
        if (!expectedType.equals(envelope.type())) {
            throw new IllegalArgumentException("unexpected event type " + envelope.type() + "; this stream carries " + expectedType);
        }
        Set<ConstraintViolation<T>> violations = validator.validate(envelope.payload());
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException("event " + envelope.eventId() + " breaks the " + payloadType.getSimpleName()
                    + " contract: " + violations.stream().map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted()
                    .collect(Collectors.joining(", ")));
        }
        return envelope;
    }
}
